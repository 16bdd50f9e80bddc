package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// groupView is a group with its members.
type groupView struct {
	store.Group
	Members []store.Member
}

// groupsView is the view model of the groups screen.
type groupsView struct {
	AdminPage
	Groups []groupView
	// Query and Found are the directory search (people to add).
	Query string
	Found []store.Person
}

// SearchPath is the action of the screen's directory search (shared block
// "person-search").
func (*groupsView) SearchPath() string { return "/pilotage/groupes" }

// searchLimit bounds directory search results on management screens.
const searchLimit = 20

func (s *Pages) renderGroups(c *fiber.Ctx, errKey string, status int) error {
	ctx := c.UserContext()
	academy := s.academyOf(c)
	v := &groupsView{AdminPage: s.adminPage(c, PermGroupsManage, s.i18n.T(s.lang(c), "groups.title")),
		Query: strings.TrimSpace(c.Query("q"))}
	v.Error = errKey
	groups, err := s.db.GroupsOf(ctx, academy)
	if err != nil {
		return err
	}
	for _, g := range groups {
		ms, err := s.db.MembersOf(ctx, g.ID)
		if err != nil {
			return err
		}
		v.Groups = append(v.Groups, groupView{Group: g, Members: ms})
	}
	if v.Query != "" {
		if v.Found, err = s.db.SearchPeople(ctx, academy, v.Query, searchLimit); err != nil {
			return err
		}
	}
	return s.render(c, status, "pilotage_groups", v)
}

// groupsShow answers GET /pilotage/groupes?q=name.
func (s *Pages) groupsShow(c *fiber.Ctx) error { return s.renderGroups(c, "", fiber.StatusOK) }

func (s *Pages) groupChange(c *fiber.Ctx, err error) error {
	if err != nil {
		if key, ok := changeError(err, ""); ok {
			return s.renderGroups(c, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/groupes")
}

// groupAdd answers POST /pilotage/groupes (nom, niveau).
func (s *Pages) groupAdd(c *fiber.Ctx) error {
	level, _ := strconv.Atoi(c.FormValue("niveau"))
	return s.groupChange(c, s.db.AddGroup(c.UserContext(), s.editor(c), &store.Group{Name: c.FormValue("nom"), Level: level}))
}

// groupUpdate answers POST /pilotage/groupes/:id (nom, niveau).
func (s *Pages) groupUpdate(c *fiber.Ctx) error {
	level, _ := strconv.Atoi(c.FormValue("niveau"))
	return s.groupChange(c, s.db.UpdateGroup(c.UserContext(), s.editor(c), paramID(c, "id"), c.FormValue("nom"), level))
}

// groupMemberAdd answers POST /pilotage/groupes/:id/membres (personne).
func (s *Pages) groupMemberAdd(c *fiber.Ctx) error {
	p := formID(c, "personne")
	if p == nil {
		return s.renderGroups(c, "admin.error.invalid", fiber.StatusUnprocessableEntity)
	}
	return s.groupChange(c, s.db.AddGroupMember(c.UserContext(), s.editor(c), paramID(c, "id"), *p))
}

// groupMemberRemove answers POST /pilotage/groupes/:id/membres/:person/retirer.
func (s *Pages) groupMemberRemove(c *fiber.Ctx) error {
	return s.groupChange(c, s.db.RemoveGroupMember(c.UserContext(), s.editor(c), paramID(c, "id"), paramID(c, "person")))
}

// groupMemberAvailability answers POST
// /pilotage/groupes/:id/membres/:person/disponibilite (disponible=1|0).
func (s *Pages) groupMemberAvailability(c *fiber.Ctx) error {
	return s.groupChange(c, s.db.SetGroupMemberAvailable(c.UserContext(), s.editor(c), paramID(c, "id"),
		paramID(c, "person"), c.FormValue("disponible") == "1"))
}
