package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestGroups(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		intake := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
		network := &store.Group{AcademyCode: "creteil", Name: "Réseau et télécoms", Level: 2}
		apps := &store.Group{AcademyCode: "creteil", Name: "Applications académiques", Level: 2}
		other := &store.Group{AcademyCode: "rouen", Name: "Plateforme d'assistance", Level: 1, Intake: true}
		for _, g := range []*store.Group{network, intake, apps, other} {
			if err := db.CreateGroupUnaudited(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("groups of an académie are listed level 1 first then by name", func(t *testing.T) {
			gs, err := db.GroupsOf(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			ids := collect(gs, func(g store.Group) int64 { return g.ID })
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
			if err := db.CreateGroupUnaudited(ctx, &store.Group{AcademyCode: "creteil", Name: "Bis", Level: 1, Intake: true}); err == nil {
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
				if err := db.AddGroupMemberUnaudited(ctx, intake.ID, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.SetGroupMemberAvailableUnaudited(ctx, intake.ID, marc.ID, false); err != nil {
				t.Fatal(err)
			}
			ms, err := db.MembersOf(ctx, intake.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 2 || ms[0].Login != "zadam" || !ms[0].Available || ms[1].Login != "mvidal" || ms[1].Available {
				t.Fatalf("members = %+v", ms)
			}
			if err := db.RemoveGroupMember(ctx, store.Editor{PersonID: marc.ID, Academy: "creteil"}, intake.ID, zoe.ID); err != nil {
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
			if err := store.AddGroupMembersUnaudited(ctx, db.DB, []store.GroupMember{{GroupID: network.ID, PersonID: p.ID, Available: false}}); err != nil {
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
