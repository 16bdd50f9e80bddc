package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// adminFixture is an académie (Créteil) with a supervisor, a technician
// and a second académie (Rouen) whose rows Créteil's editor must not reach.
type adminFixture struct {
	by           store.Editor
	super, tech  *store.Person
	rouenPerson  *store.Person
	rouenGroup   *store.Group
	rouenCat     *store.Category
	intake, lvl2 *store.Group
}

func newAdminFixture(t *testing.T, db *store.DB) *adminFixture {
	t.Helper()
	ctx := context.Background()
	f := &adminFixture{}
	for _, a := range []store.Academy{{Code: "creteil", Name: "Créteil"}, {Code: "rouen", Name: "Rouen"}} {
		if err := db.UpsertAcademy(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	f.super = &store.Person{AcademyCode: "creteil", Login: "superviseur", LastName: "Martin", FirstName: "Claire"}
	f.tech = &store.Person{AcademyCode: "creteil", Login: "tech", LastName: "Herniou", FirstName: "Emeline"}
	f.rouenPerson = &store.Person{AcademyCode: "rouen", Login: "rouen", LastName: "Hernot", FirstName: "Yann"}
	for _, p := range []*store.Person{f.super, f.tech, f.rouenPerson} {
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	f.by = store.Editor{PersonID: f.super.ID, Academy: "creteil"}
	f.intake = &store.Group{AcademyCode: "creteil", Name: "Plateforme", Level: 1, Intake: true}
	f.lvl2 = &store.Group{AcademyCode: "creteil", Name: "Réseau", Level: 2}
	f.rouenGroup = &store.Group{AcademyCode: "rouen", Name: "Plateforme", Level: 1, Intake: true}
	for _, g := range []*store.Group{f.intake, f.lvl2, f.rouenGroup} {
		if err := db.CreateGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	f.rouenCat = &store.Category{AcademyCode: "rouen", Name: "Matériel"}
	if err := db.CreateCategory(ctx, f.rouenCat); err != nil {
		t.Fatal(err)
	}
	return f
}

// lastAudit returns the newest journal line of Créteil.
func lastAudit(t *testing.T, db *store.DB) store.AuditLine {
	t.Helper()
	lines, _, err := db.AuditLog(context.Background(), "creteil", 1, 0)
	if err != nil || len(lines) == 0 {
		t.Fatalf("audit log: %v, %d lines", err, len(lines))
	}
	return lines[0]
}

func TestNewsManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		now := time.Now().UTC()
		draft := &store.News{Title: "Brouillon", Body: "Pas encore.", Draft: true}
		live := &store.News{Title: "Sites web hébergés", Body: "Accès difficile.", PublishedAt: now.Add(-time.Hour)}
		later := &store.News{Title: "Mouvement intra", Body: "Bientôt.", PublishedAt: now.Add(48 * time.Hour)}
		gone := &store.News{Title: "Ancienne", Body: "Finie.", PublishedAt: now.Add(-72 * time.Hour), ExpiresAt: ptr(now.Add(-time.Hour))}
		for _, n := range []*store.News{draft, live, later, gone} {
			if err := db.SaveNews(ctx, f.by, n); err != nil {
				t.Fatal(err)
			}
		}
		titles := func() []string {
			ns, err := db.PublishedNews(ctx, "creteil", time.Now(), 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range ns {
				out = append(out, n.Title)
			}
			return out
		}
		t.Run("requesters see only published, unexpired news", func(t *testing.T) {
			if got := titles(); len(got) != 1 || got[0] != "Sites web hébergés" {
				t.Fatalf("published = %q", got)
			}
		})
		t.Run("each item reports its state", func(t *testing.T) {
			for n, want := range map[*store.News]string{draft: store.NewsDraft, live: store.NewsPublished, later: store.NewsScheduled, gone: store.NewsExpired} {
				if got := n.State(now); got != want {
					t.Errorf("%s: state %s, want %s", n.Title, got, want)
				}
			}
		})
		t.Run("publishing a draft shows it and is journaled", func(t *testing.T) {
			if err := db.PublishNews(ctx, f.by, draft.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := titles(); len(got) != 2 || got[0] != "Brouillon" {
				t.Fatalf("published = %q", got)
			}
			l := lastAudit(t, db)
			if l.Action != store.AuditNewsPublish || l.Target != "Brouillon" || l.ActorName != "Claire MARTIN" {
				t.Fatalf("audit %+v", l)
			}
		})
		t.Run("expiring an item hides it", func(t *testing.T) {
			if err := db.ExpireNews(ctx, f.by, live.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got := titles(); len(got) != 1 || got[0] != "Brouillon" {
				t.Fatalf("published = %q", got)
			}
		})
		t.Run("an expiry before publication is refused", func(t *testing.T) {
			n := &store.News{Title: "x", Body: "y", PublishedAt: now, ExpiresAt: ptr(now.Add(-time.Minute))}
			if err := db.SaveNews(ctx, f.by, n); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("SaveNews = %v, want ErrInvalid", err)
			}
		})
		t.Run("another académie's editor cannot reach the item", func(t *testing.T) {
			rouen := store.Editor{PersonID: f.rouenPerson.ID, Academy: "rouen"}
			if err := db.PublishNews(ctx, rouen, later.ID, time.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("PublishNews = %v, want ErrNotFound", err)
			}
			if err := db.DeleteNews(ctx, rouen, later.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("DeleteNews = %v, want ErrNotFound", err)
			}
		})
		t.Run("editing keeps the id and changes the text", func(t *testing.T) {
			later.Title = "Mouvement intra 2026"
			if err := db.SaveNews(ctx, f.by, later); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetNews(ctx, "creteil", later.ID)
			if err != nil || got.Title != "Mouvement intra 2026" {
				t.Fatalf("got %+v, %v", got, err)
			}
			if l := lastAudit(t, db); l.Action != store.AuditNewsUpdate {
				t.Fatalf("audit %+v", l)
			}
		})
	})
}

func TestCategoryManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		hw := &store.Category{Name: "Matériel"}
		if err := db.AddCategory(ctx, f.by, hw); err != nil {
			t.Fatal(err)
		}
		screen := &store.Category{Name: "Écran", ParentID: &hw.ID}
		if err := db.AddCategory(ctx, f.by, screen); err != nil {
			t.Fatal(err)
		}
		cable := &store.Category{Name: "Câble", ParentID: &screen.ID}
		if err := db.AddCategory(ctx, f.by, cable); err != nil {
			t.Fatal(err)
		}
		net := &store.Category{Name: "Réseau"}
		if err := db.AddCategory(ctx, f.by, net); err != nil {
			t.Fatal(err)
		}
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

func TestGroupHoursAndRoleManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		t.Run("groups are created, renamed, and take members of the académie", func(t *testing.T) {
			g := &store.Group{Name: "Applications", Level: 2}
			if err := db.AddGroup(ctx, f.by, g); err != nil {
				t.Fatal(err)
			}
			if err := db.UpdateGroup(ctx, f.by, g.ID, "Applications académiques", 2); err != nil {
				t.Fatal(err)
			}
			if err := db.AddGroupMember(ctx, f.by, g.ID, f.tech.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.AddGroupMember(ctx, f.by, g.ID, f.rouenPerson.ID); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("adding a person of Rouen = %v, want ErrInvalid", err)
			}
			if err := db.SetGroupMemberAvailable(ctx, f.by, g.ID, f.tech.ID, false); err != nil {
				t.Fatal(err)
			}
			ms, err := db.MembersOf(ctx, g.ID)
			if err != nil || len(ms) != 1 || ms[0].Available {
				t.Fatalf("members %+v, %v", ms, err)
			}
			if l := lastAudit(t, db); l.Action != store.AuditMemberAvailable || l.Details != "Emeline HERNIOU : indisponible" {
				t.Fatalf("audit %+v", l)
			}
			if err := db.RemoveGroupMember(ctx, f.by, g.ID, f.tech.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.UpdateGroup(ctx, f.by, f.rouenGroup.ID, "x", 1); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("UpdateGroup(rouen) = %v", err)
			}
		})
		t.Run("opening hours override the configuration until reset", func(t *testing.T) {
			if _, err := db.HoursOf(ctx, "creteil"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("HoursOf = %v, want ErrNotFound", err)
			}
			h := &store.AcademyHours{Open: "07:30", Close: "19:00", Days: "6,1,2,3,4,5", Holidays: "fr"}
			if err := db.SaveHours(ctx, f.by, h); err != nil {
				t.Fatal(err)
			}
			h.Open = "08:00"
			if err := db.SaveHours(ctx, f.by, h); err != nil {
				t.Fatal(err)
			}
			got, err := db.HoursOf(ctx, "creteil")
			if err != nil || got.Open != "08:00" || got.Days != "1,2,3,4,5,6" || got.TimeZone != "Europe/Paris" {
				t.Fatalf("hours %+v, %v", got, err)
			}
			for _, bad := range []store.AcademyHours{
				{Open: "19:00", Close: "08:00", Days: "1", Holidays: "fr"},
				{Open: "8h", Close: "18:00", Days: "1", Holidays: "fr"},
				{Open: "08:00", Close: "18:00", Days: "9", Holidays: "fr"},
				{Open: "08:00", Close: "18:00", Days: "1", Holidays: "us"},
			} {
				if err := db.SaveHours(ctx, f.by, &bad); !errors.Is(err, store.ErrInvalid) {
					t.Errorf("SaveHours(%+v) = %v, want ErrInvalid", bad, err)
				}
			}
			if err := db.ResetHours(ctx, f.by); err != nil {
				t.Fatal(err)
			}
			if _, err := db.HoursOf(ctx, "creteil"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("after reset: %v", err)
			}
		})
		t.Run("holidays are added, relabelled and removed", func(t *testing.T) {
			for _, h := range []store.Holiday{{Day: "2026-12-24", Label: "Pont"}, {Day: "2026-05-15", Label: "Pont de l'Ascension"}, {Day: "2026-12-24", Label: "Veille de Noël"}} {
				if err := db.AddHoliday(ctx, f.by, h); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.AddHoliday(ctx, f.by, store.Holiday{Day: "24/12/2026", Label: "x"}); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("AddHoliday(bad date) = %v", err)
			}
			hs, err := db.HolidaysOf(ctx, "creteil")
			if err != nil || len(hs) != 2 || hs[0].Day != "2026-05-15" || hs[1].Label != "Veille de Noël" {
				t.Fatalf("holidays %+v, %v", hs, err)
			}
			if err := db.RemoveHoliday(ctx, f.by, "2026-05-15"); err != nil {
				t.Fatal(err)
			}
			if err := db.RemoveHoliday(ctx, f.by, "2026-05-15"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("removing twice = %v", err)
			}
		})
		t.Run("roles are granted and revoked in the editor's académie only", func(t *testing.T) {
			if err := db.GrantRoleAudited(ctx, f.by, f.tech.ID, store.RoleTechnician); err != nil {
				t.Fatal(err)
			}
			staff, err := db.StaffRoles(ctx, "creteil")
			if err != nil || len(staff) != 1 || staff[0].ID != f.tech.ID || staff[0].Roles[0] != store.RoleTechnician {
				t.Fatalf("staff %+v, %v", staff, err)
			}
			rs, err := db.RolesIn(ctx, "creteil", []store.Person{*f.tech, *f.super})
			if err != nil || len(rs[0].Roles) != 1 || len(rs[1].Roles) != 0 {
				t.Fatalf("roles %+v, %v", rs, err)
			}
			if err := db.RevokeRoleAudited(ctx, f.by, f.tech.ID, store.RoleTechnician); err != nil {
				t.Fatal(err)
			}
			if err := db.RevokeRoleAudited(ctx, f.by, f.super.ID, store.RoleSupervisor); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("revoking one's own supervisor role = %v", err)
			}
			if err := db.GrantRoleAudited(ctx, f.by, f.tech.ID, "pope"); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("unknown role = %v", err)
			}
			grants, err := db.Roles(ctx, f.tech.ID)
			if err != nil || len(grants) != 0 {
				t.Fatalf("grants %+v, %v", grants, err)
			}
		})
		t.Run("the journal records every change, newest first, with a total", func(t *testing.T) {
			lines, total, err := db.AuditLog(ctx, "creteil", 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			// group create, update, member add, availability, remove; hours
			// set ×2, reset; holidays ×3, remove; grant, revoke: 14.
			if total != 14 || len(lines) != 3 || lines[0].Action != store.AuditRoleRevoke {
				t.Fatalf("total %d, lines %+v", total, lines)
			}
			if _, n, _ := db.AuditLog(ctx, "rouen", 10, 0); n != 0 {
				t.Fatalf("Rouen's journal has %d lines", n)
			}
		})
	})
}
