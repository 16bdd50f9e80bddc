package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"guichet/config"
	"guichet/demo"
	"guichet/store"
	"guichet/store/storetest"
)

func TestLogins(t *testing.T) {
	t.Run("admin comes first, then four sign-ins per académie", func(t *testing.T) {
		got := demo.Logins([]string{"creteil", "rouen"})
		want := []string{"admin", "agent.creteil", "collegue.creteil", "tech.creteil", "superviseur.creteil",
			"agent.rouen", "collegue.rouen", "tech.rouen", "superviseur.rouen"}
		if !slices.Equal(got, want) {
			t.Fatalf("Logins = %v, want %v", got, want)
		}
	})
}

func TestLoad(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loaded, err := demo.Load(ctx, db, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !loaded {
			t.Fatal("first Load reported nothing loaded")
		}
		codes := []string{"creteil", "rouen", "versailles"}

		t.Run("a second load is a no-op", func(t *testing.T) {
			before, err := db.NewSelect().Model((*store.Person)(nil)).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := demo.Load(ctx, db, nil, nil)
			if err != nil || loaded {
				t.Fatalf("second Load = %v, %v", loaded, err)
			}
			after, err := db.NewSelect().Model((*store.Person)(nil)).Count(ctx)
			if err != nil || after != before {
				t.Fatalf("people %d before, %d after, %v", before, after, err)
			}
		})

		t.Run("every demo sign-in authenticates with the demo password", func(t *testing.T) {
			for _, login := range demo.Logins(codes) {
				if _, err := db.Authenticate(ctx, login, demo.Password); err != nil {
					t.Errorf("%s: %v", login, err)
				}
			}
		})

		t.Run("admin is a global administrator at home in Créteil", func(t *testing.T) {
			p, err := db.GetPersonByLogin(ctx, demo.AdminLogin)
			if err != nil {
				t.Fatal(err)
			}
			if !p.GlobalAdmin || p.AcademyCode != "creteil" {
				t.Fatalf("admin = %+v", p)
			}
		})

		t.Run("each demo sign-in has its role in its académie", func(t *testing.T) {
			for _, code := range codes {
				for prefix, role := range map[string]string{
					demo.AgentPrefix: store.RoleRequester, demo.ColleaguePrefix: store.RoleRequester,
					demo.TechnicianPrefix: store.RoleTechnician, demo.SupervisorPrefix: store.RoleSupervisor,
				} {
					p, err := db.GetPersonByLogin(ctx, prefix+"."+code)
					if err != nil {
						t.Fatal(err)
					}
					roles, err := db.Roles(ctx, p.ID)
					if err != nil {
						t.Fatal(err)
					}
					if p.AcademyCode != code || !store.HasRole(roles, code, role) || !store.HasRole(roles, code, store.RoleRequester) {
						t.Errorf("%s: académie %s roles %+v, want %s", p.Login, p.AcademyCode, roles, role)
					}
				}
			}
		})

		t.Run("agent and collegue share their location and entity", func(t *testing.T) {
			for _, code := range codes {
				a, err := db.GetPersonByLogin(ctx, "agent."+code)
				if err != nil {
					t.Fatal(err)
				}
				c, err := db.GetPersonByLogin(ctx, "collegue."+code)
				if err != nil {
					t.Fatal(err)
				}
				if a.Entity == "" || a.Entity != c.Entity || a.Location != c.Location {
					t.Errorf("%s: agent %q %q, collegue %q %q", code, a.Location, a.Entity, c.Location, c.Entity)
				}
				if !strings.HasPrefix(a.Entity, "EN/ACADEMIE DE ") {
					t.Errorf("%s: entity %q is not in the directory's style", code, a.Entity)
				}
			}
		})

		t.Run("the directory holds a few hundred people, all requesters at home", func(t *testing.T) {
			people, err := db.NewSelect().Model((*store.Person)(nil)).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if people < 300 || people > 600 {
				t.Fatalf("%d people", people)
			}
			requesters, err := db.NewSelect().Model((*store.RoleGrant)(nil)).
				Join("JOIN people AS p ON p.id = role_grant.person_id AND p.academy_code = role_grant.academy_code").
				Where("role_grant.role = ?", store.RoleRequester).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if requesters != people {
				t.Fatalf("%d home requester grants for %d people", requesters, people)
			}
			assets, err := db.NewSelect().Model((*store.Asset)(nil)).Count(ctx)
			if err != nil || assets < 100 {
				t.Fatalf("%d assets, %v", assets, err)
			}
			for _, place := range []string{"/RECTORAT ACADEMIE DE ", "/DSDEN ", "/COLLEGE ", "/LYCEE "} {
				n, err := db.NewSelect().Model((*store.Person)(nil)).Where("location LIKE ?", "%"+place+"%").Count(ctx)
				if err != nil || n == 0 {
					t.Errorf("no one at a %q: %v", place, err)
				}
			}
		})

		t.Run("the agent has equipment to pick in the ticket form", func(t *testing.T) {
			p, err := db.GetPersonByLogin(ctx, "agent.creteil")
			if err != nil {
				t.Fatal(err)
			}
			assets, err := db.AssetsOf(ctx, p.ID)
			if err != nil || len(assets) < 2 {
				t.Fatalf("assets = %+v, %v", assets, err)
			}
		})

		t.Run("the directory can be searched", func(t *testing.T) {
			found, err := db.SearchPeople(ctx, "creteil", "dugén pasc", 10)
			if err != nil || len(found) != 1 || found[0].Login != "agent.creteil" {
				t.Fatalf("found %+v, %v", found, err)
			}
		})

		for _, code := range codes {
			t.Run("académie "+code+" has its groups, categories, routes and news", func(t *testing.T) {
				if _, err := db.GetAcademy(ctx, code); err != nil {
					t.Fatal(err)
				}
				groups, err := db.GroupsOf(ctx, code)
				if err != nil || len(groups) != 3 {
					t.Fatalf("groups = %+v, %v", groups, err)
				}
				intake, err := db.IntakeGroup(ctx, code)
				if err != nil {
					t.Fatal(err)
				}
				members, err := db.MembersOf(ctx, intake.ID)
				if err != nil {
					t.Fatal(err)
				}
				var logins []string
				for _, m := range members {
					logins = append(logins, m.Login)
				}
				if !slices.Contains(logins, "tech."+code) || len(members) < 2 {
					t.Fatalf("intake members = %v", logins)
				}
				for _, g := range groups {
					ms, err := db.MembersOf(ctx, g.ID)
					if err != nil || len(ms) == 0 {
						t.Fatalf("group %s has no members: %v", g.Name, err)
					}
				}
				leaves, err := db.Leaves(ctx, code)
				if err != nil || len(leaves) < 25 {
					t.Fatalf("%d leaves, %v", len(leaves), err)
				}
				byPath := map[string]store.Category{}
				for _, c := range leaves {
					byPath[c.Path] = c
				}
				for path, wantLevel := range map[string]int{
					"Matériel › Écran":                                          1,
					"Réseau et Internet › Wi-Fi":                                2,
					"Applications académiques › Examens et concours › Cyclades": 2,
				} {
					c, ok := byPath[path]
					if !ok {
						t.Fatalf("no leaf %q", path)
					}
					g, err := db.RouteGroup(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					if g.Level != wantLevel || (wantLevel == 1 && g.ID != intake.ID) {
						t.Errorf("%s routes to %s (level %d), want level %d", path, g.Name, g.Level, wantLevel)
					}
				}
				news, err := db.ListNews(ctx, code, 10)
				if err != nil || len(news) < 2 || len(news) > 3 {
					t.Fatalf("%d news, %v", len(news), err)
				}
			})
		}
	})
}

func TestLoadOtherAcademies(t *testing.T) {
	t.Run("an académie the demo does not know gets generic places", func(t *testing.T) {
		db := storetest.SQLite(t)
		ctx := context.Background()
		loaded, err := demo.Load(ctx, db, []config.Academy{{Code: "lille", Name: "Lille"}}, nil)
		if err != nil || !loaded {
			t.Fatalf("Load = %v, %v", loaded, err)
		}
		for _, login := range demo.Logins([]string{"lille"}) {
			p, err := db.Authenticate(ctx, login, demo.Password)
			if err != nil {
				t.Fatalf("%s: %v", login, err)
			}
			if p.AcademyCode != "lille" || !strings.Contains(p.Entity, "ACADEMIE DE LILLE") {
				t.Fatalf("%s: %+v", login, p)
			}
		}
	})
}

func BenchmarkLoadSQLite(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := storetest.SQLite(b)
		b.StartTimer()
		if _, err := demo.Load(context.Background(), db, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
}
