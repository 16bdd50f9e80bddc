package pages

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// roleHolderView is a person with their roles, each labelled.
type roleHolderView struct {
	store.RoleHolder
	Labels []OptionView // Value: role, Label: French name
}

// rolesView is the view model of the roles screen.
type rolesView struct {
	AdminPage
	Query                  string
	Staff, Found           []roleHolderView
	StaffTable, FoundTable roleTable
}

// SearchPath is the action of the screen's directory search (shared block
// "person-search").
func (*rolesView) SearchPath() string { return "/pilotage/roles" }

// roleTable is one table of people with their roles and grant forms.
type roleTable struct {
	ID, Caption, Q, CSRF string
	Rows                 []roleHolderView
	// Grantable are the roles the person may grant here.
	Grantable []OptionView
}

func (s *Pages) roleViews(c *fiber.Ctx, hs []store.RoleHolder) []roleHolderView {
	lang := s.lang(c)
	out := make([]roleHolderView, len(hs))
	for i, h := range hs {
		out[i] = roleHolderView{RoleHolder: h}
		for _, r := range h.Roles {
			out[i].Labels = append(out[i].Labels, OptionView{Value: r, Label: s.i18n.T(lang, "role."+r)})
		}
	}
	return out
}

func (s *Pages) renderRoles(c *fiber.Ctx, errKey string, status int) error {
	ctx := c.UserContext()
	academy := s.academyOf(c)
	lang := s.lang(c)
	v := &rolesView{AdminPage: s.adminPage(c, PermRolesManage, s.i18n.T(lang, "roles.title")), Query: strings.TrimSpace(c.Query("q"))}
	v.Error = errKey
	staff, err := s.db.StaffRoles(ctx, academy)
	if err != nil {
		return err
	}
	v.Staff = s.roleViews(c, staff)
	if v.Query != "" {
		people, err := s.db.SearchPeople(ctx, academy, v.Query, searchLimit)
		if err != nil {
			return err
		}
		found, err := s.db.RolesIn(ctx, academy, people)
		if err != nil {
			return err
		}
		v.Found = s.roleViews(c, found)
	}
	var grantable []OptionView
	for _, r := range []string{store.RoleRequester, store.RoleTechnician, store.RoleSupervisor, store.RoleAdministrator} {
		if s.mayGrant(c, r) {
			grantable = append(grantable, OptionView{Value: r, Label: s.i18n.T(lang, "role."+r)})
		}
	}
	v.StaffTable = roleTable{ID: "equipe", Caption: s.i18n.T(lang, "roles.staff"), Q: v.Q, CSRF: v.CSRF, Rows: v.Staff, Grantable: grantable}
	v.FoundTable = roleTable{ID: "resultats", Caption: s.i18n.T(lang, "admin.search") + " : " + v.Query, Q: v.Q, CSRF: v.CSRF, Rows: v.Found, Grantable: grantable}
	return s.render(c, status, "pilotage_roles", v)
}

// mayGrant reports whether the signed-in person may grant or revoke role
// in the académie: the administrator role only by administrators (and
// global administrators); the others by anyone with PermRolesManage.
func (s *Pages) mayGrant(c *fiber.Ctx, role string) bool {
	if role != store.RoleAdministrator {
		return true
	}
	ok, err := s.can(c, PermAcademySettings, s.academyOf(c))
	return err == nil && ok
}

// rolesShow answers GET /pilotage/roles?q=name.
func (s *Pages) rolesShow(c *fiber.Ctx) error { return s.renderRoles(c, "", fiber.StatusOK) }

func (s *Pages) roleChange(c *fiber.Ctx, grant bool) error {
	p := formID(c, "personne")
	role := c.FormValue("role")
	if p == nil {
		return s.renderRoles(c, "admin.error.invalid", fiber.StatusUnprocessableEntity)
	}
	if !s.mayGrant(c, role) {
		return Errorf(EFORBIDDEN, "")
	}
	var err error
	if grant {
		err = s.db.GrantRole(c.UserContext(), s.editor(c), *p, role)
	} else {
		err = s.db.RevokeRole(c.UserContext(), s.editor(c), *p, role)
	}
	if err != nil {
		invalid := ""
		if !grant && *p == currentUser(c).ID {
			invalid = "roles.error.self"
		}
		if key, ok := changeError(err, invalid); ok {
			return s.renderRoles(c, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/roles")
}

// roleGrant answers POST /pilotage/roles/attribuer (personne, role).
func (s *Pages) roleGrant(c *fiber.Ctx) error { return s.roleChange(c, true) }

// roleRevoke answers POST /pilotage/roles/retirer (personne, role).
func (s *Pages) roleRevoke(c *fiber.Ctx) error { return s.roleChange(c, false) }
