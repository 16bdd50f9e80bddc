package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// directoryView is the administrators' directory page's view model.
type directoryView struct {
	Page
	// Scope is the académie administered; All is true for a global
	// administrator (runs of every académie, sync of every directory).
	Scope string
	All   bool
	// LDAP says whether a synchronisation can be started here.
	LDAP bool
	Runs []store.DirectoryRun
	// Run is the run just finished (an import), shown in detail.
	Run *store.DirectoryRun
	// Query and People are the directory search.
	Query  string
	People []store.Person
	// Notice and Error are messages of the last action.
	Notice, Error string
}

// MessageLines splits a run's messages for display.
func (v *directoryView) MessageLines(r *store.DirectoryRun) []string {
	if r == nil || r.Messages == "" {
		return nil
	}
	return strings.Split(r.Messages, "\n")
}

// adminDirectory answers GET /admin/annuaire: the synchronisations and
// imports with their counts and errors, the CSV upload, the sync button
// and the directory search.
func (s *Pages) adminDirectory(c *fiber.Ctx) error {
	v, err := s.directoryViewFor(c)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseInt(c.Query("import"), 10, 64); err == nil {
		run, err := s.db.GetDirectoryRun(c.UserContext(), id)
		if err == nil && (v.All || run.AcademyCode == v.Scope) {
			v.Run = run
		}
	}
	if c.Query("synchro") == "1" {
		v.Notice = s.i18n.T(v.Lang, "directory.sync.started")
	}
	return s.render(c, fiber.StatusOK, "admin_directory", v)
}

// directoryViewFor builds the page's common part.
func (s *Pages) directoryViewFor(c *fiber.Ctx) (*directoryView, error) {
	ctx := c.UserContext()
	u := currentUser(c)
	v := &directoryView{Page: s.page(c, s.i18n.T(s.lang(c), "directory.title")), Scope: s.academyOf(c), All: u.GlobalAdmin}
	for _, code := range s.identity.LDAPAcademies() {
		if v.All || code == v.Scope {
			v.LDAP = true
		}
	}
	filter := v.Scope
	if v.All {
		filter = ""
	}
	runs, err := s.db.DirectoryRuns(ctx, filter, 20)
	if err != nil {
		return nil, err
	}
	v.Runs = runs
	v.Query = strings.TrimSpace(c.Query("q"))
	if v.Query != "" {
		if v.People, err = s.db.SearchPeople(ctx, filter, v.Query, 50); err != nil {
			return nil, err
		}
	}
	return v, nil
}
