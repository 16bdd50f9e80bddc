package store_test

import (
	"context"
	"errors"
	"testing"

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
		if err := db.CreateGroupUnaudited(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	f.rouenCat = &store.Category{AcademyCode: "rouen", Name: "Matériel"}
	if err := db.CreateCategoryUnaudited(ctx, f.rouenCat); err != nil {
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
			if err := db.GrantRole(ctx, f.by, f.tech.ID, store.RoleTechnician); err != nil {
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
			if err := db.RevokeRole(ctx, f.by, f.tech.ID, store.RoleTechnician); err != nil {
				t.Fatal(err)
			}
			if err := db.RevokeRole(ctx, f.by, f.super.ID, store.RoleSupervisor); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("revoking one's own supervisor role = %v", err)
			}
			if err := db.GrantRole(ctx, f.by, f.tech.ID, "pope"); !errors.Is(err, store.ErrInvalid) {
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
