package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestAcademies(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, a := range []store.Academy{{Code: "versailles", Name: "Versailles"}, {Code: "creteil", Name: "Creteil"}} {
			if err := db.UpsertAcademy(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("upserting an existing code renames it", func(t *testing.T) {
			if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Créteil", Logo: "/static/creteil.svg"}); err != nil {
				t.Fatal(err)
			}
			a, err := db.GetAcademy(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			if a.Name != "Créteil" || a.Logo != "/static/creteil.svg" {
				t.Fatalf("got %+v", a)
			}
		})
		t.Run("académies are listed by name", func(t *testing.T) {
			as, err := db.ListAcademies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 2 || as[0].Code != "creteil" || as[1].Code != "versailles" {
				t.Fatalf("got %+v", as)
			}
		})
		t.Run("an unknown académie is not found", func(t *testing.T) {
			if _, err := db.GetAcademy(ctx, "lille"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetAcademy = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestGroups(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		intake := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
		network := &store.Group{AcademyCode: "creteil", Name: "Réseau et télécoms", Level: 2}
		apps := &store.Group{AcademyCode: "creteil", Name: "Applications académiques", Level: 2}
		other := &store.Group{AcademyCode: "rouen", Name: "Plateforme d'assistance", Level: 1, Intake: true}
		for _, g := range []*store.Group{network, intake, apps, other} {
			if err := db.CreateGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("groups of an académie are listed level 1 first then by name", func(t *testing.T) {
			gs, err := db.GroupsOf(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, g := range gs {
				ids = append(ids, g.ID)
			}
			if !slices.Equal(ids, []int64{intake.ID, apps.ID, network.ID}) {
				t.Fatalf("got %+v", gs)
			}
		})
		t.Run("the intake group is found per académie", func(t *testing.T) {
			g, err := db.IntakeGroup(ctx, "creteil")
			if err != nil || g.ID != intake.ID {
				t.Fatalf("IntakeGroup = %+v, %v", g, err)
			}
			if _, err := db.IntakeGroup(ctx, "versailles"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("IntakeGroup(versailles) = %v, want ErrNotFound", err)
			}
		})
		t.Run("a second intake group in the same académie is refused", func(t *testing.T) {
			if err := db.CreateGroup(ctx, &store.Group{AcademyCode: "creteil", Name: "Bis", Level: 1, Intake: true}); err == nil {
				t.Fatal("second intake group accepted")
			}
		})
		t.Run("members are listed by name with their availability", func(t *testing.T) {
			zoe := &store.Person{AcademyCode: "creteil", Login: "zadam", LastName: "Adam", FirstName: "Zoé"}
			marc := &store.Person{AcademyCode: "creteil", Login: "mvidal", LastName: "Vidal", FirstName: "Marc"}
			if err := store.InsertPeople(ctx, db.DB, []*store.Person{marc, zoe}); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*store.Person{marc, zoe, marc} {
				if err := db.AddMember(ctx, intake.ID, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.SetMemberAvailable(ctx, intake.ID, marc.ID, false); err != nil {
				t.Fatal(err)
			}
			ms, err := db.MembersOf(ctx, intake.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 2 || ms[0].Login != "zadam" || !ms[0].Available || ms[1].Login != "mvidal" || ms[1].Available {
				t.Fatalf("members = %+v", ms)
			}
			if err := db.RemoveMember(ctx, intake.ID, zoe.ID); err != nil {
				t.Fatal(err)
			}
			ms, err = db.MembersOf(ctx, intake.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("after removal: %+v, %v", ms, err)
			}
		})
		t.Run("bulk memberships keep an unavailable member unavailable", func(t *testing.T) {
			p := &store.Person{AcademyCode: "creteil", Login: "absent", LastName: "Absent", FirstName: "Paul"}
			if err := db.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			if err := store.AddMembers(ctx, db.DB, []store.GroupMember{{GroupID: network.ID, PersonID: p.ID, Available: false}}); err != nil {
				t.Fatal(err)
			}
			ms, err := db.MembersOf(ctx, network.ID)
			if err != nil || len(ms) != 1 || ms[0].Available {
				t.Fatalf("members = %+v, %v", ms, err)
			}
		})
		t.Run("an empty group has no members", func(t *testing.T) {
			ms, err := db.MembersOf(ctx, apps.ID)
			if err != nil || len(ms) != 0 {
				t.Fatalf("members = %+v, %v", ms, err)
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
			if err := db.CreateGroup(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		cat := func(parent *store.Category, name string, pos int) *store.Category {
			t.Helper()
			c := &store.Category{AcademyCode: "creteil", Name: name, Position: pos}
			if parent != nil {
				c.ParentID = &parent.ID
			}
			if err := db.CreateCategory(ctx, c); err != nil {
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
		if err := db.SetCategoryGroup(ctx, applis.ID, &apps.ID); err != nil {
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
			var paths []string
			for _, c := range leaves {
				paths = append(paths, c.Path)
			}
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
			if err := db.CreateCategory(ctx, c); err == nil {
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

func TestNews(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC)
		for i, title := range []string{"Ancienne", "Récente", "Moyenne"} {
			at := base.Add(time.Duration([]int{0, 48, 24}[i]) * time.Hour)
			if err := db.CreateNews(ctx, &store.News{AcademyCode: "creteil", Title: title, Body: "Texte.", PublishedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateNews(ctx, &store.News{AcademyCode: "rouen", Title: "Ailleurs", Body: "Texte."}); err != nil {
			t.Fatal(err)
		}
		t.Run("news are listed newest first within the limit", func(t *testing.T) {
			ns, err := db.ListNews(ctx, "creteil", 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) != 2 || ns[0].Title != "Récente" || ns[1].Title != "Moyenne" {
				t.Fatalf("news = %+v", ns)
			}
			if !ns[0].PublishedAt.Equal(base.Add(48 * time.Hour)) {
				t.Fatalf("published at %v", ns[0].PublishedAt)
			}
		})
		t.Run("news without a title is refused", func(t *testing.T) {
			if err := db.CreateNews(ctx, &store.News{AcademyCode: "creteil", Body: "x"}); err == nil {
				t.Fatal("untitled news accepted")
			}
		})
	})
}
