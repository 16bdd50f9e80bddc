package pages

import (
	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// journalPageSize is how many journal lines a page shows.
const journalPageSize = 50

// journalView is the view model of the journal.
type journalView struct {
	AdminPage
	Lines              []store.AuditLine
	PageNum, Pages     int
	PrevHref, NextHref string
}

// journalShow answers GET /pilotage/journal?page=N: the académie's
// management changes, newest first.
func (s *Pages) journalShow(c *fiber.Ctx) error {
	pageNum := max(c.QueryInt("page", 1), 1)
	lines, total, err := s.db.AuditLog(c.UserContext(), s.academyOf(c), journalPageSize, (pageNum-1)*journalPageSize)
	if err != nil {
		return err
	}
	v := &journalView{AdminPage: s.adminPage(c, PermAuditRead, s.i18n.T(s.lang(c), "journal.title")), Lines: lines, PageNum: pageNum}
	v.Pages = max((total+journalPageSize-1)/journalPageSize, 1)
	if pageNum > 1 {
		v.PrevHref = "/pilotage/journal" + v.Q + "&page=" + itoa64(int64(pageNum-1))
	}
	if pageNum < v.Pages {
		v.NextHref = "/pilotage/journal" + v.Q + "&page=" + itoa64(int64(pageNum+1))
	}
	return s.render(c, fiber.StatusOK, "pilotage_journal", v)
}
