package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// categoryIn returns a category of académie academy, or ErrNotFound.
func categoryIn(ctx context.Context, db bun.IDB, academy string, id int64) (*Category, error) {
	c, err := getCategory(ctx, db, id)
	if err != nil {
		return nil, err
	}
	if c.AcademyCode != academy {
		return nil, fmt.Errorf("store: category %d of %s: %w", id, academy, ErrNotFound)
	}
	return c, nil
}

// AddCategory adds a category to by.Academy's tree (under c.ParentID when
// set) and sets c.ID and c.Path, journalled.
func (db *DB) AddCategory(ctx context.Context, by Editor, c *Category) error {
	c.AcademyCode = by.Academy
	return db.audited(ctx, by, AuditCategoryCreate, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if c.ParentID != nil {
			if _, err := categoryIn(ctx, tx, by.Academy, *c.ParentID); err != nil {
				return "", "", err
			}
		}
		if strings.TrimSpace(c.Name) == "" {
			return "", "", fmt.Errorf("store: add category: empty name: %w", ErrInvalid)
		}
		if err := insertCategory(ctx, tx, c); err != nil {
			return "", "", err
		}
		return c.Path, "", nil
	})
}

// RenameCategory renames a category; its path and its descendants' paths
// follow.
func (db *DB) RenameCategory(ctx context.Context, by Editor, id int64, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || strings.Contains(name, strings.TrimSpace(PathSeparator)) {
		return fmt.Errorf("store: rename category %d: empty name or containing %q: %w", id, PathSeparator, ErrInvalid)
	}
	return db.audited(ctx, by, AuditCategoryRename, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		old := c.Path
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("name = ?", name).
			Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: rename category %d: %w", id, err)
		}
		if err := repath(ctx, tx, by.Academy); err != nil {
			return "", "", err
		}
		return old, name, nil
	})
}

// MoveCategory puts a category (with its subtree) under another parent of
// the same académie, or at the root when parentID is nil. A category cannot
// move under itself or its descendants.
func (db *DB) MoveCategory(ctx context.Context, by Editor, id int64, parentID *int64) error {
	return db.audited(ctx, by, AuditCategoryMove, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		dest := "racine"
		if parentID != nil {
			p, err := categoryIn(ctx, tx, by.Academy, *parentID)
			if err != nil {
				return "", "", err
			}
			// Walk up from the new parent: meeting id means a cycle.
			for cur := p; ; {
				if cur.ID == id {
					return "", "", fmt.Errorf("store: move category %d under its own subtree: %w", id, ErrInvalid)
				}
				if cur.ParentID == nil {
					break
				}
				if cur, err = getCategory(ctx, tx, *cur.ParentID); err != nil {
					return "", "", err
				}
			}
			dest = p.Path
		}
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("parent_id = ?", parentID).
			Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: move category %d: %w", id, err)
		}
		if err := repath(ctx, tx, by.Academy); err != nil {
			return "", "", err
		}
		return c.Path, dest, nil
	})
}

// repath recomputes the Path of every category of an académie from the
// names (after a rename or a move).
func repath(ctx context.Context, tx bun.IDB, academy string) error {
	var cs []Category
	if err := tx.NewSelect().Model(&cs).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return fmt.Errorf("store: repath categories of %s: %w", academy, err)
	}
	byID := make(map[int64]*Category, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	var path func(c *Category, depth int) string
	path = func(c *Category, depth int) string {
		if c.ParentID == nil || depth > 64 {
			return c.Name
		}
		p, ok := byID[*c.ParentID]
		if !ok {
			return c.Name
		}
		return path(p, depth+1) + PathSeparator + c.Name
	}
	for i := range cs {
		if p := path(&cs[i], 0); p != cs[i].Path {
			if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("path = ?", p).
				Where("id = ?", cs[i].ID).Exec(ctx); err != nil {
				return fmt.Errorf("store: repath category %d: %w", cs[i].ID, err)
			}
		}
	}
	return nil
}

// DeleteCategory removes a category without children that no ticket uses.
func (db *DB) DeleteCategory(ctx context.Context, by Editor, id int64) error {
	return db.audited(ctx, by, AuditCategoryDelete, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		kids, err := tx.NewSelect().Model((*Category)(nil)).Where("parent_id = ?", id).Count(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		used, err := tx.NewSelect().Model((*Ticket)(nil)).Where("category_id = ?", id).Count(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		if kids > 0 || used > 0 {
			return "", "", fmt.Errorf("store: delete category %d: it has subcategories or tickets: %w", id, ErrInvalid)
		}
		if _, err := tx.NewDelete().Model((*Category)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		return c.Path, "", nil
	})
}

// RouteCategory routes new tickets of a category (and of its descendants
// without their own route) to a group of the same académie; nil removes the
// route (the parent's route or the intake group applies).
func (db *DB) RouteCategory(ctx context.Context, by Editor, categoryID int64, groupID *int64) error {
	return db.audited(ctx, by, AuditRouteSet, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, categoryID)
		if err != nil {
			return "", "", err
		}
		dest := "(héritée)"
		if groupID != nil {
			g, err := groupIn(ctx, tx, by.Academy, *groupID)
			if err != nil {
				return "", "", err
			}
			dest = g.Name
		}
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("group_id = ?", groupID).
			Where("id = ?", categoryID).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: route category %d: %w", categoryID, err)
		}
		return c.Path, dest, nil
	})
}

// PathSeparator joins category names into a Category.Path.
const PathSeparator = " › "

// CreateCategoryUnaudited adds a node to an académie's category tree, sets
// c.ID and c.Path ("Parent › Child"), without a journal entry: for seeding
// and tests (a supervisor's goes through AddCategory). A child takes its
// parent's académie.
func (db *DB) CreateCategoryUnaudited(ctx context.Context, c *Category) error {
	return CreateCategoryUnauditedTx(ctx, db.DB, c)
}

// CreateCategoryUnauditedTx is CreateCategoryUnaudited through db, which
// may be a transaction.
func CreateCategoryUnauditedTx(ctx context.Context, db bun.IDB, c *Category) error {
	return insertCategory(ctx, db, c)
}

// insertCategory inserts c under its parent: the write of AddCategory and
// CreateCategoryUnaudited.
func insertCategory(ctx context.Context, db bun.IDB, c *Category) error {
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
