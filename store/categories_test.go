package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

// addCategory adds c as by and returns it with its ID.
func addCategory(t *testing.T, db *store.DB, by store.Editor, c *store.Category) *store.Category {
	t.Helper()
	if err := db.AddCategory(context.Background(), by, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCategoryManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		hw := addCategory(t, db, f.by, &store.Category{Name: "Matériel"})
		screen := addCategory(t, db, f.by, &store.Category{Name: "Écran", ParentID: &hw.ID})
		cable := addCategory(t, db, f.by, &store.Category{Name: "Câble", ParentID: &screen.ID})
		net := addCategory(t, db, f.by, &store.Category{Name: "Réseau"})
		path := func(id int64) string {
			c, err := db.GetCategory(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Path
		}
		t.Run("renaming a category renames its descendants' paths", func(t *testing.T) {
			if err := db.RenameCategory(ctx, f.by, screen.ID, "Moniteur"); err != nil {
				t.Fatal(err)
			}
			if got := path(cable.ID); got != "Matériel › Moniteur › Câble" {
				t.Fatalf("path %q", got)
			}
			if l := lastAudit(t, db); l.Action != store.AuditCategoryRename || l.Target != "Matériel › Écran" || l.Details != "Moniteur" {
				t.Fatalf("audit %+v", l)
			}
		})
		t.Run("moving a category carries its subtree", func(t *testing.T) {
			if err := db.MoveCategory(ctx, f.by, screen.ID, &net.ID); err != nil {
				t.Fatal(err)
			}
			if got := path(cable.ID); got != "Réseau › Moniteur › Câble" {
				t.Fatalf("path %q", got)
			}
			if err := db.MoveCategory(ctx, f.by, screen.ID, nil); err != nil {
				t.Fatal(err)
			}
			if got := path(cable.ID); got != "Moniteur › Câble" {
				t.Fatalf("path %q", got)
			}
		})
		t.Run("a category cannot move under its own subtree", func(t *testing.T) {
			if err := db.MoveCategory(ctx, f.by, screen.ID, &cable.ID); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("MoveCategory = %v, want ErrInvalid", err)
			}
		})
		t.Run("another académie's categories and groups are out of reach", func(t *testing.T) {
			if err := db.MoveCategory(ctx, f.by, screen.ID, &f.rouenCat.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("MoveCategory = %v", err)
			}
			if err := db.RouteCategory(ctx, f.by, screen.ID, &f.rouenGroup.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("RouteCategory = %v", err)
			}
			if err := db.RenameCategory(ctx, f.by, f.rouenCat.ID, "x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("RenameCategory = %v", err)
			}
		})
		t.Run("a routing rule sends new tickets of the subtree to the group", func(t *testing.T) {
			if err := db.RouteCategory(ctx, f.by, screen.ID, &f.lvl2.ID); err != nil {
				t.Fatal(err)
			}
			g, err := db.RouteGroup(ctx, cable.ID)
			if err != nil || g.ID != f.lvl2.ID {
				t.Fatalf("route = %+v, %v", g, err)
			}
			if l := lastAudit(t, db); l.Action != store.AuditRouteSet || l.Details != "Réseau" {
				t.Fatalf("audit %+v", l)
			}
			if err := db.RouteCategory(ctx, f.by, screen.ID, nil); err != nil {
				t.Fatal(err)
			}
			if g, err := db.RouteGroup(ctx, cable.ID); err != nil || g.ID != f.intake.ID {
				t.Fatalf("route = %+v, %v", g, err)
			}
		})
		t.Run("only an unused leaf can be deleted", func(t *testing.T) {
			if err := db.DeleteCategory(ctx, f.by, screen.ID); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("DeleteCategory(parent) = %v", err)
			}
			if err := db.DeleteCategory(ctx, f.by, cable.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestCategories(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		intake := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
		apps := &store.Group{AcademyCode: "creteil", Name: "Applications académiques", Level: 2}
		for _, g := range []*store.Group{intake, apps} {
			if err := db.CreateGroupUnaudited(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		cat := func(parent *store.Category, name string, pos int) *store.Category {
			t.Helper()
			c := &store.Category{AcademyCode: "creteil", Name: name, Position: pos}
			if parent != nil {
				c.ParentID = &parent.ID
			}
			if err := db.CreateCategoryUnaudited(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		materiel := cat(nil, "Matériel", 1)
		ecran := cat(materiel, "Écran", 0)
		imprimante := cat(materiel, "Imprimante", 0)
		applis := cat(nil, "Applications académiques", 2)
		scol := cat(applis, "Scolarité du 2nd degré", 0)
		siecle := cat(scol, "SIECLE", 0)
		autre := cat(nil, "Autre demande", 9)
		supervisor := &store.Person{AcademyCode: "creteil", Login: "superviseur", LastName: "Martin", FirstName: "Claire"}
		if err := db.CreatePerson(ctx, supervisor); err != nil {
			t.Fatal(err)
		}
		if err := db.RouteCategory(ctx, store.Editor{PersonID: supervisor.ID, Academy: "creteil"}, applis.ID, &apps.ID); err != nil {
			t.Fatal(err)
		}

		t.Run("a child's path joins its ancestors' names", func(t *testing.T) {
			c, err := db.GetCategory(ctx, siecle.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Path != "Applications académiques › Scolarité du 2nd degré › SIECLE" {
				t.Fatalf("path = %q", c.Path)
			}
		})
		t.Run("the tree is depth first with siblings by position then name", func(t *testing.T) {
			tree, err := db.CategoryTree(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			type row struct {
				id    int64
				depth int
				leaf  bool
			}
			var got []row
			for _, n := range tree {
				got = append(got, row{n.ID, n.Depth, n.Leaf})
			}
			want := []row{
				{materiel.ID, 0, false}, {ecran.ID, 1, true}, {imprimante.ID, 1, true},
				{applis.ID, 0, false}, {scol.ID, 1, false}, {siecle.ID, 2, true},
				{autre.ID, 0, true},
			}
			if !slices.Equal(got, want) {
				t.Fatalf("tree = %+v, want %+v", got, want)
			}
		})
		t.Run("leaves are the categories without children", func(t *testing.T) {
			leaves, err := db.Leaves(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			paths := collect(leaves, func(c store.Category) string { return c.Path })
			want := []string{"Matériel › Écran", "Matériel › Imprimante", "Applications académiques › Scolarité du 2nd degré › SIECLE", "Autre demande"}
			if !slices.Equal(paths, want) {
				t.Fatalf("leaves = %q", paths)
			}
		})
		t.Run("routing takes the nearest ancestor's group, else the intake group", func(t *testing.T) {
			tests := []struct {
				name     string
				category *store.Category
				want     *store.Group
			}{
				{"a grandchild of a routed category", siecle, apps},
				{"the routed category itself", applis, apps},
				{"a category with no route on its path", ecran, intake},
				{"a root with no route", autre, intake},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					g, err := db.RouteGroup(ctx, tt.category.ID)
					if err != nil {
						t.Fatal(err)
					}
					if g.ID != tt.want.ID {
						t.Fatalf("RouteGroup(%s) = %s, want %s", tt.category.Path, g.Name, tt.want.Name)
					}
				})
			}
		})
		t.Run("a category of another académie's parent is refused", func(t *testing.T) {
			c := &store.Category{AcademyCode: "rouen", Name: "Écran", ParentID: &materiel.ID}
			if err := db.CreateCategoryUnaudited(ctx, c); err == nil {
				t.Fatal("category under another académie's parent accepted")
			}
		})
		t.Run("an unknown category is not found", func(t *testing.T) {
			if _, err := db.RouteGroup(ctx, 987654); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("RouteGroup = %v, want ErrNotFound", err)
			}
		})
	})
}
