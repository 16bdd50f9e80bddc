package pages

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// categoryRow is a category in the management tree.
type categoryRow struct {
	store.CategoryNode
	Indent string // visual indentation by depth
	// Route is the name of the category's own group (empty: inherited);
	// Effective the group its new tickets go to.
	Route, Effective string
	// RouteID is the category's own group (0: inherited).
	RouteID int64
	// Parents are the possible new parents (not itself nor its subtree).
	Parents []OptionView
}

// categoriesView is the view model of the categories and routing screens.
type categoriesView struct {
	AdminPage
	Rows       []categoryRow
	AllParents []OptionView
	Groups     []store.Group
	IntakeName string
}

// loadCategories builds the tree rows with routing information.
func (s *Pages) loadCategories(c *fiber.Ctx, v *categoriesView) error {
	ctx := c.UserContext()
	academy := s.academyOf(c)
	tree, err := s.db.CategoryTree(ctx, academy)
	if err != nil {
		return err
	}
	groups, err := s.db.GroupsOf(ctx, academy)
	if err != nil {
		return err
	}
	v.Groups = groups
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
		if g.Intake {
			v.IntakeName = g.Name
		}
	}
	if v.IntakeName == "" {
		v.IntakeName = s.i18n.T(s.lang(c), "routing.nointake")
	}
	lang := s.lang(c)
	root := OptionView{Value: "", Label: s.i18n.T(lang, "cat.root")}
	v.AllParents = []OptionView{root}
	effective := map[int64]string{}
	// ancestors[depth] is the current path's category at that depth.
	var ancestors []int64
	for _, n := range tree {
		ancestors = append(ancestors[:n.Depth], n.ID)
		row := categoryRow{CategoryNode: n, Indent: strings.Repeat("— ", n.Depth)}
		switch {
		case n.GroupID != nil:
			row.Route, row.RouteID = names[*n.GroupID], *n.GroupID
			row.Effective = row.Route
		case n.Depth > 0:
			row.Effective = effective[ancestors[n.Depth-1]]
		default:
			row.Effective = v.IntakeName
		}
		effective[n.ID] = row.Effective
		v.AllParents = append(v.AllParents, OptionView{Value: itoa64(n.ID), Label: n.Path})
		v.Rows = append(v.Rows, row)
	}
	// New parents of each row: every category outside its subtree.
	for i := range v.Rows {
		r := &v.Rows[i]
		r.Parents = []OptionView{{Value: "", Label: root.Label, Selected: r.ParentID == nil}}
		prefix := r.Path + store.PathSeparator
		for _, n := range tree {
			if n.ID == r.ID || strings.HasPrefix(n.Path, prefix) {
				continue
			}
			r.Parents = append(r.Parents, OptionView{Value: itoa64(n.ID), Label: n.Path,
				Selected: r.ParentID != nil && *r.ParentID == n.ID})
		}
	}
	return nil
}

func (s *Pages) renderCategories(c *fiber.Ctx, errKey string, status int) error {
	v := &categoriesView{AdminPage: s.adminPage(c, PermCategoriesManage, s.i18n.T(s.lang(c), "cat.title"))}
	v.Error = errKey
	if err := s.loadCategories(c, v); err != nil {
		return err
	}
	return s.render(c, status, "pilotage_categories", v)
}

// categoriesShow answers GET /pilotage/categories.
func (s *Pages) categoriesShow(c *fiber.Ctx) error {
	return s.renderCategories(c, "", fiber.StatusOK)
}

// categoryChange runs a category change and redirects, or re-renders the
// tree with the reason of a refusal.
func (s *Pages) categoryChange(c *fiber.Ctx, invalidKey string, err error) error {
	if err != nil {
		if key, ok := changeError(err, invalidKey); ok {
			return s.renderCategories(c, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/categories")
}

// categoryAdd answers POST /pilotage/categories (nom, parent).
func (s *Pages) categoryAdd(c *fiber.Ctx) error {
	cat := &store.Category{Name: c.FormValue("nom"), ParentID: formID(c, "parent")}
	return s.categoryChange(c, "", s.db.AddCategory(c.UserContext(), s.editor(c), cat))
}

// categoryRename answers POST /pilotage/categories/:id/renommer (nom).
func (s *Pages) categoryRename(c *fiber.Ctx) error {
	return s.categoryChange(c, "", s.db.RenameCategory(c.UserContext(), s.editor(c), paramID(c, "id"), c.FormValue("nom")))
}

// categoryMove answers POST /pilotage/categories/:id/deplacer (parent).
func (s *Pages) categoryMove(c *fiber.Ctx) error {
	return s.categoryChange(c, "cat.error.move", s.db.MoveCategory(c.UserContext(), s.editor(c), paramID(c, "id"), formID(c, "parent")))
}

// categoryDelete answers POST /pilotage/categories/:id/supprimer.
func (s *Pages) categoryDelete(c *fiber.Ctx) error {
	return s.categoryChange(c, "cat.error.delete", s.db.DeleteCategory(c.UserContext(), s.editor(c), paramID(c, "id")))
}

// routingShow answers GET /pilotage/routage: each category's group.
func (s *Pages) routingShow(c *fiber.Ctx) error {
	return s.renderRouting(c, "", fiber.StatusOK)
}

func (s *Pages) renderRouting(c *fiber.Ctx, errKey string, status int) error {
	v := &categoriesView{AdminPage: s.adminPage(c, PermRoutingManage, s.i18n.T(s.lang(c), "routing.title"))}
	v.Error = errKey
	if err := s.loadCategories(c, v); err != nil {
		return err
	}
	return s.render(c, status, "pilotage_routing", v)
}

// routingSave answers POST /pilotage/routage (categorie, groupe; an empty
// group removes the category's own route).
func (s *Pages) routingSave(c *fiber.Ctx) error {
	cat := formID(c, "categorie")
	if cat == nil {
		return s.renderRouting(c, "admin.error.invalid", fiber.StatusUnprocessableEntity)
	}
	if err := s.db.RouteCategory(c.UserContext(), s.editor(c), *cat, formID(c, "groupe")); err != nil {
		if key, ok := changeError(err, ""); ok {
			return s.renderRouting(c, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/routage")
}
