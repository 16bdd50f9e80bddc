package pages

import (
	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// mailboxPageSize is how many mails a page of the mailbox lists.
const mailboxPageSize = 50

// mailboxListView is the built-in mailbox's view model.
type mailboxListView struct {
	Page
	Mails      []store.Mail
	Total      int
	PageNum    int
	PageCount  int
	PrevHref   string
	NextHref   string
	FirstIndex int
}

// canSeeMailbox reports whether the built-in mailbox exists (no SMTP relay
// configured) and the signed-in person may read it: global administrators
// and the supervisors and administrators of their académie.
func (s *Pages) canSeeMailbox(c *fiber.Ctx) (bool, error) {
	u := currentUser(c)
	if s.cfg.Mail.SMTPHost != "" || u == nil {
		return false, nil
	}
	return s.hasRole(c, u.AcademyCode, store.RoleSupervisor, store.RoleAdministrator)
}

// requireMailbox hides the mailbox (404) when an SMTP relay is configured:
// mails then leave for real and the tool does not exist.
func (s *Pages) requireMailbox(c *fiber.Ctx) error {
	if s.cfg.Mail.SMTPHost != "" {
		return Errorf(ENOTFOUND, "")
	}
	return c.Next()
}

// mailboxList answers GET /outils/boite-mail?page=N: the mails Guichet
// sent, newest first.
func (s *Pages) mailboxList(c *fiber.Ctx) error {
	pageNum := c.QueryInt("page", 1)
	if pageNum < 1 {
		pageNum = 1
	}
	mails, total, err := s.listMailbox(c, mailboxPageSize, (pageNum-1)*mailboxPageSize)
	if err != nil {
		return err
	}
	v := mailboxListView{Mails: mails, Total: total, PageNum: pageNum}
	v.PageCount = (total + mailboxPageSize - 1) / mailboxPageSize
	if v.PageCount == 0 {
		v.PageCount = 1
	}
	if pageNum > 1 {
		v.PrevHref = pageHref("/outils/boite-mail", pageNum-1)
	}
	if pageNum < v.PageCount {
		v.NextHref = pageHref("/outils/boite-mail", pageNum+1)
	}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "mailbox.title"))
	return s.render(c, fiber.StatusOK, "mailbox_list", &v)
}
