package pages

// Supervisors' screens: the dashboard (/pilotage), the CSV export and the
// management screens (/pilotage/actualites, categories, groupes, routage,
// horaires, roles, journal). Every screen acts on s.academyOf(c): the
// person's home académie, or the one chosen with ?academie= (global
// administrators, people with roles in several académies). Every change
// goes through a store function that records it in the journal. Their routes
// are listed in routes.go.

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// menuAdmin returns the side-menu entries of the supervisors' screens the
// signed-in person may open in their home académie.
//
// Only the one entry Pilotage: the screens themselves are the tabs of the
// supervisors' pages (adminnav). It opens the first screen the person may
// open (the dashboard for supervisors).
func (s *Pages) menuAdmin(c *fiber.Ctx) []MenuItem {
	for _, e := range adminScreens() {
		if s.canHere(c, e.perm) {
			return []MenuItem{{Label: s.i18n.T(s.lang(c), "menu.pilotage"), Href: e.href}}
		}
	}
	return nil
}

// adminScreen is an entry of the supervisors' navigation.
type adminScreen struct {
	key, href string
	perm      Permission
}

func adminScreens() []adminScreen {
	return []adminScreen{
		{"menu.pilotage", "/pilotage", PermDashboard},
		{"menu.admin.news", "/pilotage/actualites", PermNewsManage},
		{"menu.admin.categories", "/pilotage/categories", PermCategoriesManage},
		{"menu.admin.routing", "/pilotage/routage", PermRoutingManage},
		{"menu.admin.groups", "/pilotage/groupes", PermGroupsManage},
		{"menu.admin.hours", "/pilotage/horaires", PermHoursManage},
		{"menu.admin.roles", "/pilotage/roles", PermRolesManage},
		{"menu.admin.journal", "/pilotage/journal", PermAuditRead},
	}
}

// AdminPage is the part of every supervisors' page view model beyond Page.
type AdminPage struct {
	Page
	// AcademyCode and AcademyName are the académie the screen acts on.
	AcademyCode, AcademyName string
	// Q is the query string that keeps the académie ("?academie=creteil"),
	// appended to every link and form action of the screen.
	Q string
	// Choices are the académies the person may switch to with perm (shown
	// when more than one).
	Choices []store.Academy
	// Tabs are the supervisors' screens the person may open here.
	Tabs []MenuItem
	// FormPath is the screen's path (the académie choice reloads it).
	FormPath string
	// Saved shows the "change saved" notice (after a redirect); Error is
	// the catalogue key of a refused change.
	Saved bool
	Error string
}

// adminPage builds the AdminPage of a screen guarded by perm.
func (s *Pages) adminPage(c *fiber.Ctx, perm Permission, title string) AdminPage {
	academy := s.academyOf(c)
	p := AdminPage{Page: s.page(c, title), AcademyCode: academy, AcademyName: academy,
		Q: "?academie=" + url.QueryEscape(academy), Saved: c.Query("ok") == "1", FormPath: c.Path()}
	ctx := c.UserContext()
	if as, err := s.db.ListAcademies(ctx); err == nil {
		for _, a := range as {
			if a.Code == academy {
				p.AcademyName = a.Name
			}
			if ok, err := s.can(c, perm, a.Code); err == nil && ok {
				p.Choices = append(p.Choices, a)
			}
		}
	}
	lang := s.lang(c)
	for _, e := range adminScreens() {
		if ok, err := s.can(c, e.perm, academy); err == nil && ok {
			p.Tabs = append(p.Tabs, MenuItem{Label: s.i18n.T(lang, e.key), Href: e.href + p.Q, Active: c.Path() == e.href})
		}
	}
	return p
}

// editor is the store.Editor of the request: the signed-in person acting on
// s.academyOf(c).
func (s *Pages) editor(c *fiber.Ctx) store.Editor {
	return store.Editor{PersonID: currentUser(c).ID, Academy: s.academyOf(c)}
}

// backTo redirects (303) to path in the same académie, with the "saved"
// notice.
func (s *Pages) backTo(c *fiber.Ctx, path string) error {
	return c.Redirect(path+"?academie="+url.QueryEscape(s.academyOf(c))+"&ok=1", fiber.StatusSeeOther)
}

// changeError maps a refused store change to the catalogue key shown on
// the form (ok false: an internal error to return as is).
func changeError(err error, invalidKey string) (key string, ok bool) {
	switch {
	case errors.Is(err, store.ErrInvalid):
		if invalidKey == "" {
			invalidKey = "admin.error.invalid"
		}
		return invalidKey, true
	case errors.Is(err, store.ErrNotFound):
		return "admin.error.notfound", true
	}
	return "", false
}

// paramID reads an integer route parameter.
func paramID(c *fiber.Ctx, name string) int64 {
	id, _ := strconv.ParseInt(c.Params(name), 10, 64)
	return id
}

// formID reads an optional integer form field (nil when empty or 0).
func formID(c *fiber.Ctx, name string) *int64 {
	id, err := strconv.ParseInt(c.FormValue(name), 10, 64)
	if err != nil || id == 0 {
		return nil
	}
	return &id
}

// itoa64 formats an ID.
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
