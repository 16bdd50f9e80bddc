package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// PathSeparator joins category names into a Category.Path.
const PathSeparator = " › "

// UpsertAcademy creates the académie or updates its name and logo.
func (db *DB) UpsertAcademy(ctx context.Context, a *Academy) error {
	return UpsertAcademies(ctx, db.DB, []Academy{*a})
}

// UpsertAcademies is UpsertAcademy for several académies through db, which
// may be a transaction.
func UpsertAcademies(ctx context.Context, db bun.IDB, academies []Academy) error {
	if len(academies) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for i := range academies {
		a := &academies[i]
		if a.Code == "" || a.Name == "" {
			return fmt.Errorf("store: upsert académie %q: code and name are required", a.Code)
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
	}
	// Columns listed so a zero logo in the first row does not drop the
	// column for the others (bun on SQLite, see InsertPeople).
	_, err := db.NewInsert().Model(&academies).Column("code", "name", "logo", "created_at").
		On("CONFLICT (code) DO UPDATE").
		Set("name = EXCLUDED.name").
		Set("logo = EXCLUDED.logo").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: upsert %d académies: %w", len(academies), err)
	}
	return nil
}

// ListAcademies returns every académie, ordered by name.
func (db *DB) ListAcademies(ctx context.Context) ([]Academy, error) {
	var as []Academy
	if err := db.NewSelect().Model(&as).Order("name", "code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list académies: %w", err)
	}
	return as, nil
}

// GetAcademy returns the académie with this code, or an error wrapping
// ErrNotFound.
func (db *DB) GetAcademy(ctx context.Context, code string) (*Academy, error) {
	a := new(Academy)
	if err := db.NewSelect().Model(a).Where("code = ?", code).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: académie %q: %w", code, notFound(err))
	}
	return a, nil
}

// CreateGroup adds a support group and sets g.ID. An académie has at most
// one intake group (the database refuses a second).
func (db *DB) CreateGroup(ctx context.Context, g *Group) error {
	return CreateGroupTx(ctx, db.DB, g)
}

// CreateGroupTx is CreateGroup through db, which may be a transaction.
func CreateGroupTx(ctx context.Context, db bun.IDB, g *Group) error {
	if g.AcademyCode == "" || strings.TrimSpace(g.Name) == "" {
		return fmt.Errorf("store: create group %q: académie and name are required", g.Name)
	}
	if g.Level < 1 {
		g.Level = 1
	}
	if _, err := db.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create group %q in %s: %w", g.Name, g.AcademyCode, err)
	}
	return nil
}

// GetGroup returns the group with this ID, or an error wrapping
// ErrNotFound.
func (db *DB) GetGroup(ctx context.Context, id int64) (*Group, error) {
	return getGroup(ctx, db.DB, id)
}

func getGroup(ctx context.Context, db bun.IDB, id int64) (*Group, error) {
	g := new(Group)
	if err := db.NewSelect().Model(g).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: group %d: %w", id, notFound(err))
	}
	return g, nil
}

// GroupsOf lists an académie's groups: level 1 first, then by name.
func (db *DB) GroupsOf(ctx context.Context, academy string) ([]Group, error) {
	var gs []Group
	if err := db.NewSelect().Model(&gs).Where("academy_code = ?", academy).
		Order("level", "name", "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: groups of %s: %w", academy, err)
	}
	return gs, nil
}

// IntakeGroup returns the group that receives an académie's new tickets,
// or an error wrapping ErrNotFound when none is marked.
func (db *DB) IntakeGroup(ctx context.Context, academy string) (*Group, error) {
	return intakeGroup(ctx, db.DB, academy)
}

func intakeGroup(ctx context.Context, db bun.IDB, academy string) (*Group, error) {
	g := new(Group)
	if err := db.NewSelect().Model(g).Where("academy_code = ?", academy).
		Where("intake = ?", true).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: intake group of %s: %w", academy, notFound(err))
	}
	return g, nil
}

// AddMember puts a person in a group, available; adding twice is harmless.
func (db *DB) AddMember(ctx context.Context, groupID, personID int64) error {
	return AddMembers(ctx, db.DB, []GroupMember{{GroupID: groupID, PersonID: personID, Available: true}})
}

// AddMembers inserts group memberships through db (which may be a
// transaction), ignoring those already there.
func AddMembers(ctx context.Context, db bun.IDB, members []GroupMember) error {
	if len(members) == 0 {
		return nil
	}
	// Raw VALUES: bun replaces a zero field tagged default:true by the
	// default, so the model insert could never store Available=false.
	var sql strings.Builder
	args := make([]any, 0, 3*len(members))
	sql.WriteString("INSERT INTO group_members (group_id, person_id, available) VALUES ")
	for i, m := range members {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?)")
		args = append(args, m.GroupID, m.PersonID, m.Available)
	}
	sql.WriteString(" ON CONFLICT DO NOTHING")
	if _, err := db.NewRaw(sql.String(), args...).Exec(ctx); err != nil {
		return fmt.Errorf("store: add %d group members: %w", len(members), err)
	}
	return nil
}

// RemoveMember takes a person out of a group.
func (db *DB) RemoveMember(ctx context.Context, groupID, personID int64) error {
	if _, err := db.NewDelete().Model((*GroupMember)(nil)).
		Where("group_id = ?", groupID).Where("person_id = ?", personID).Exec(ctx); err != nil {
		return fmt.Errorf("store: remove person %d from group %d: %w", personID, groupID, err)
	}
	return nil
}

// SetMemberAvailable marks a member available (or not) for new tickets.
func (db *DB) SetMemberAvailable(ctx context.Context, groupID, personID int64, available bool) error {
	res, err := db.NewUpdate().Model((*GroupMember)(nil)).Set("available = ?", available).
		Where("group_id = ?", groupID).Where("person_id = ?", personID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: set availability of person %d in group %d: %w", personID, groupID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: person %d in group %d: %w", personID, groupID, ErrNotFound)
	}
	return nil
}

// Member is a person of a group with their availability.
type Member struct {
	Person
	Available bool
}

// MembersOf lists a group's members ordered by name.
func (db *DB) MembersOf(ctx context.Context, groupID int64) ([]Member, error) {
	var gms []GroupMember
	if err := db.NewSelect().Model(&gms).Where("group_id = ?", groupID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", groupID, err)
	}
	if len(gms) == 0 {
		return []Member{}, nil
	}
	available := make(map[int64]bool, len(gms))
	ids := make([]int64, len(gms))
	for i, gm := range gms {
		available[gm.PersonID] = gm.Available
		ids[i] = gm.PersonID
	}
	var people []Person
	if err := db.NewSelect().Model(&people).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", groupID, err)
	}
	slices.SortFunc(people, func(a, b Person) int {
		return cmp.Or(strings.Compare(NameKey(a.LastName, a.FirstName), NameKey(b.LastName, b.FirstName)),
			cmp.Compare(a.ID, b.ID))
	})
	ms := make([]Member, len(people))
	for i, p := range people {
		ms[i] = Member{Person: p, Available: available[p.ID]}
	}
	return ms, nil
}

// CreateCategory adds a node to an académie's category tree, sets c.ID and
// c.Path ("Parent › Child"). A child takes its parent's académie.
func (db *DB) CreateCategory(ctx context.Context, c *Category) error {
	return CreateCategoryTx(ctx, db.DB, c)
}

// CreateCategoryTx is CreateCategory through db, which may be a transaction.
func CreateCategoryTx(ctx context.Context, db bun.IDB, c *Category) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return errors.New("store: create category: empty name")
	}
	c.Path = c.Name
	if c.ParentID != nil {
		parent, err := getCategory(ctx, db, *c.ParentID)
		if err != nil {
			return fmt.Errorf("store: create category %q: parent: %w", c.Name, err)
		}
		if c.AcademyCode != "" && c.AcademyCode != parent.AcademyCode {
			return fmt.Errorf("store: create category %q: parent belongs to %s, not %s", c.Name, parent.AcademyCode, c.AcademyCode)
		}
		c.AcademyCode = parent.AcademyCode
		c.Path = parent.Path + PathSeparator + c.Name
	}
	if c.AcademyCode == "" {
		return fmt.Errorf("store: create category %q: empty académie", c.Name)
	}
	if _, err := db.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create category %q: %w", c.Path, err)
	}
	return nil
}

// GetCategory returns the category with this ID, or an error wrapping
// ErrNotFound.
func (db *DB) GetCategory(ctx context.Context, id int64) (*Category, error) {
	return getCategory(ctx, db.DB, id)
}

func getCategory(ctx context.Context, db bun.IDB, id int64) (*Category, error) {
	c := new(Category)
	if err := db.NewSelect().Model(c).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: category %d: %w", id, notFound(err))
	}
	return c, nil
}

// SetCategoryGroup routes new tickets of the category (and of its
// descendants without their own route) to a group; nil removes the route.
func (db *DB) SetCategoryGroup(ctx context.Context, categoryID int64, groupID *int64) error {
	res, err := db.NewUpdate().Model((*Category)(nil)).Set("group_id = ?", groupID).
		Where("id = ?", categoryID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: route category %d: %w", categoryID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: route category %d: %w", categoryID, ErrNotFound)
	}
	return nil
}

// CategoryNode is a category placed in its tree.
type CategoryNode struct {
	Category
	Depth int  // 0 for a root
	Leaf  bool // no children: tickets may take it
}

// CategoryTree returns an académie's categories depth first, siblings by
// position then name, each with its depth and whether it is a leaf.
func (db *DB) CategoryTree(ctx context.Context, academy string) ([]CategoryNode, error) {
	var cs []Category
	if err := db.NewSelect().Model(&cs).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: categories of %s: %w", academy, err)
	}
	// Sorted here: SQL collations would put "Écran" after "Imprimante".
	slices.SortStableFunc(cs, func(a, b Category) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position),
			strings.Compare(foldName(a.Name), foldName(b.Name)),
			cmp.Compare(a.ID, b.ID))
	})
	children := make(map[int64][]Category, len(cs))
	var roots []Category
	known := make(map[int64]bool, len(cs))
	for _, c := range cs {
		known[c.ID] = true
	}
	for _, c := range cs {
		if c.ParentID == nil || !known[*c.ParentID] {
			roots = append(roots, c)
		} else {
			children[*c.ParentID] = append(children[*c.ParentID], c)
		}
	}
	tree := make([]CategoryNode, 0, len(cs))
	var walk func(list []Category, depth int)
	walk = func(list []Category, depth int) {
		for _, c := range list {
			kids := children[c.ID]
			tree = append(tree, CategoryNode{Category: c, Depth: depth, Leaf: len(kids) == 0})
			walk(kids, depth+1)
		}
	}
	walk(roots, 0)
	return tree, nil
}

// Leaves returns the categories a ticket may take (those without
// children), in tree order.
func (db *DB) Leaves(ctx context.Context, academy string) ([]Category, error) {
	tree, err := db.CategoryTree(ctx, academy)
	if err != nil {
		return nil, err
	}
	var leaves []Category
	for _, n := range tree {
		if n.Leaf {
			leaves = append(leaves, n.Category)
		}
	}
	return leaves, nil
}

// RouteGroup returns the group a new ticket of this category goes to: the
// group of the nearest category, from this one up to its root, that has
// one; otherwise the académie's intake group.
func (db *DB) RouteGroup(ctx context.Context, categoryID int64) (*Group, error) {
	return RouteGroupTx(ctx, db.DB, categoryID)
}

// RouteGroupTx is RouteGroup through db, which may be a transaction.
func RouteGroupTx(ctx context.Context, db bun.IDB, categoryID int64) (*Group, error) {
	id := categoryID
	var academy string
	// The depth bound guards against a corrupted tree with a cycle.
	for range 64 {
		c, err := getCategory(ctx, db, id)
		if err != nil {
			return nil, fmt.Errorf("store: route category %d: %w", categoryID, err)
		}
		academy = c.AcademyCode
		if c.GroupID != nil {
			return getGroup(ctx, db, *c.GroupID)
		}
		if c.ParentID == nil {
			break
		}
		id = *c.ParentID
	}
	return intakeGroup(ctx, db, academy)
}

// CreateNews publishes an item in an académie's Actualités and sets n.ID;
// PublishedAt defaults to now.
func (db *DB) CreateNews(ctx context.Context, n *News) error {
	return CreateNewsTx(ctx, db.DB, n)
}

// CreateNewsTx is CreateNews through db, which may be a transaction.
func CreateNewsTx(ctx context.Context, db bun.IDB, n *News) error {
	if n.AcademyCode == "" || strings.TrimSpace(n.Title) == "" || strings.TrimSpace(n.Body) == "" {
		return fmt.Errorf("store: create news %q: académie, title and body are required", n.Title)
	}
	if n.PublishedAt.IsZero() {
		n.PublishedAt = time.Now().UTC()
	}
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create news %q: %w", n.Title, err)
	}
	return nil
}

// ListNews returns an académie's news, newest first; limit defaults to 10.
func (db *DB) ListNews(ctx context.Context, academy string, limit int) ([]News, error) {
	if limit <= 0 {
		limit = 10
	}
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		OrderExpr("published_at DESC, id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news of %s: %w", academy, err)
	}
	return ns, nil
}
