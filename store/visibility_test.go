package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestTicketVisibility(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		viewer := func(p *store.Person) store.Viewer {
			t.Helper()
			g, err := db.Roles(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			return store.NewViewer(p, g)
		}
		const entity = "EN/ACADEMIE DE CRETEIL/RECTORAT"
		agent := newPersonIn(t, db, "v.agent", "creteil", entity)
		colleague := newPersonIn(t, db, "v.colleague", "creteil", entity)
		beneficiary := newPersonIn(t, db, "v.beneficiary", "creteil", "EN/ACADEMIE DE CRETEIL/LYCEE")
		stranger := newPersonIn(t, db, "v.stranger", "creteil", "EN/ACADEMIE DE CRETEIL/DSDEN 94")
		tech := newPersonIn(t, db, "v.tech", "creteil", "EN/ACADEMIE DE CRETEIL/DSI")
		otherTech := newPersonIn(t, db, "v.othertech", "rouen", entity)
		admin := newPersonIn(t, db, "v.admin", "versailles", "")
		if err := db.GrantRoleUnaudited(ctx, tech.ID, "creteil", store.RoleTechnician); err != nil {
			t.Fatal(err)
		}
		if err := db.GrantRoleUnaudited(ctx, otherTech.ID, "rouen", store.RoleTechnician); err != nil {
			t.Fatal(err)
		}
		if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("global_admin = ?", true).Where("id = ?", admin.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		admin.GlobalAdmin = true

		file := func(private bool, beneficiaryID int64, entity string) string {
			t.Helper()
			tk := newSubmission(agent.ID)
			tk.BeneficiaryID, tk.Entity, tk.Private = beneficiaryID, entity, private
			n, err := db.CreateTicket(ctx, tk, []store.Attachment{{Filename: "a.txt", ContentType: "text/plain", Data: []byte("a")}})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		public := file(false, agent.ID, entity)
		private := file(true, agent.ID, entity)
		forOther := file(true, beneficiary.ID, beneficiary.Entity)

		cases := []struct {
			name string
			who  *store.Person
			want []string
		}{
			{"the requester sees all the tickets they filed", agent, []string{public, private, forOther}},
			{"a colleague of the same entity sees the non-private ticket only", colleague, []string{public}},
			{"the beneficiary sees the ticket filed for them", beneficiary, []string{forOther}},
			{"someone of another entity sees nothing", stranger, nil},
			{"a technician of the académie sees every ticket of it", tech, []string{public, private, forOther}},
			{"a technician of another académie sees none of them", otherTech, nil},
			{"a global administrator sees everything", admin, []string{public, private, forOther}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				v := viewer(tc.who)
				var got []string
				if err := db.NewSelect().Model((*store.Ticket)(nil)).Column("number").
					Apply(store.VisibleTickets(v)).Order("number").Scan(ctx, &got); err != nil {
					t.Fatal(err)
				}
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Fatalf("list = %v, want %v", got, want)
				}
				for _, n := range []string{public, private, forOther} {
					_, err := db.VisibleTicket(ctx, v, n)
					seen := slices.Contains(want, n)
					if seen && err != nil || !seen && !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("VisibleTicket(%s) = %v, want seen=%v", n, err, seen)
					}
					as, err := db.Attachments(ctx, n)
					if err != nil {
						t.Fatal(err)
					}
					_, err = db.VisibleAttachment(ctx, v, n, as[0].ID)
					if seen && err != nil || !seen && !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("VisibleAttachment(%s) = %v, want seen=%v", n, err, seen)
					}
				}
			})
		}
		t.Run("an attachment is not reachable through another ticket's number", func(t *testing.T) {
			as, err := db.Attachments(ctx, private)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.VisibleAttachment(ctx, viewer(colleague), public, as[0].ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}
