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

// queueFixture is an académie with two groups, a small category tree and
// tickets in several states, plus one ticket of another académie.
type queueFixture struct {
	agent, colleague, tech, tech2   int64
	level1, level2                  int64
	hardware, screen, printer, apps int64
	tickets                         map[string]string // label → number
}

func newQueueFixture(t *testing.T, db *store.DB) *queueFixture {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{"creteil", "rouen"} {
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: code}); err != nil {
			t.Fatal(err)
		}
	}
	f := &queueFixture{tickets: map[string]string{}}
	f.agent = newPerson(t, db, "agent")
	f.colleague = newPerson(t, db, "collegue")
	f.tech = newPerson(t, db, "tech")
	f.tech2 = newPerson(t, db, "tech2")
	g1 := &store.Group{AcademyCode: "creteil", Name: "Plateforme", Level: 1, Intake: true}
	g2 := &store.Group{AcademyCode: "creteil", Name: "Réseau", Level: 2}
	for _, g := range []*store.Group{g1, g2} {
		if err := db.CreateGroupUnaudited(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	f.level1, f.level2 = g1.ID, g2.ID
	for _, m := range []struct{ g, p int64 }{{g1.ID, f.tech}, {g1.ID, f.tech2}, {g2.ID, f.tech2}} {
		if err := db.AddGroupMemberUnaudited(ctx, m.g, m.p); err != nil {
			t.Fatal(err)
		}
	}
	cat := func(name string, parent int64) int64 {
		c := &store.Category{AcademyCode: "creteil", Name: name}
		if parent != 0 {
			c.ParentID = &parent
		}
		if err := db.CreateCategoryUnaudited(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	f.hardware = cat("Matériel", 0)
	f.screen = cat("Écran", f.hardware)
	f.printer = cat("Imprimante", f.hardware)
	f.apps = cat("Applications", 0)

	base := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Second)
	add := func(label string, minutes int, requester, category int64, urgency, impact int, p store.TicketProjection) {
		tk := &store.Ticket{AcademyCode: "creteil", RequesterID: requester, CategoryID: category,
			CategoryPath: label, Urgency: urgency, Impact: impact, Priority: urgency + impact - 1,
			Description: label, CreatedAt: base.Add(time.Duration(minutes) * time.Minute)}
		number, err := db.CreateTicket(ctx, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Seq = 2
		p.Urgency, p.Impact, p.Priority = urgency, impact, urgency+impact-1
		if p.GroupID == 0 {
			p.GroupID = f.level1
		}
		if _, err := db.ApplyProjection(ctx, number, p, nil); err != nil {
			t.Fatal(err)
		}
		f.tickets[label] = number
	}
	due := base.Add(10 * time.Minute)
	add("new-p5-old", 0, f.agent, f.screen, 3, 3, store.TicketProjection{Status: store.StatusNew, PickupDueAt: due})
	add("new-p3-late", 10, f.agent, f.printer, 2, 2, store.TicketProjection{Status: store.StatusNew, Late: true, PickupDueAt: due})
	add("new-p5-young", 20, f.colleague, f.apps, 3, 3, store.TicketProjection{Status: store.StatusNew, PickupDueAt: due})
	add("mine-p1", 30, f.colleague, f.screen, 1, 1, store.TicketProjection{Status: store.StatusInProgress, TechnicianID: f.tech})
	add("waiting-level2", 40, f.agent, f.apps, 2, 3, store.TicketProjection{Status: store.StatusWaiting, TechnicianID: f.tech2, GroupID: f.level2})
	add("resolved-mine", 50, f.agent, f.screen, 3, 3, store.TicketProjection{Status: store.StatusResolved, TechnicianID: f.tech})
	add("closed-mine", 60, f.agent, f.screen, 3, 3, store.TicketProjection{Status: store.StatusClosed, TechnicianID: f.tech})
	add("cancelled", 70, f.agent, f.screen, 3, 3, store.TicketProjection{Status: store.StatusCancelled})

	other := &store.Ticket{AcademyCode: "rouen", RequesterID: f.agent, CategoryID: 999, CategoryPath: "x",
		Urgency: 1, Impact: 1, Priority: 1, Description: "rouen"}
	number, err := db.CreateTicket(ctx, other, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.tickets["rouen"] = number
	return f
}

// labels maps queue tickets back to fixture labels, in order.
func (f *queueFixture) labels(ts []store.QueueTicket) []string {
	byNumber := map[string]string{}
	for l, n := range f.tickets {
		byNumber[n] = l
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = byNumber[t.Number]
	}
	return out
}

func TestSupportQueue(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newQueueFixture(t, db)
		allOpen := []string{"new-p3-late", "new-p5-old", "new-p5-young", "mine-p1", "waiting-level2", "resolved-mine"}
		tests := []struct {
			name   string
			filter store.QueueFilter
			want   []string
		}{
			{"new tickets come first by priority then age, then the other open ones",
				store.QueueFilter{}, allOpen},
			{"a group filter keeps that group's tickets",
				store.QueueFilter{GroupID: f.level2}, []string{"waiting-level2"}},
			{"a category filter keeps its whole subtree",
				store.QueueFilter{CategoryID: f.hardware}, []string{"new-p3-late", "new-p5-old", "mine-p1", "resolved-mine"}},
			{"a leaf category filter keeps that leaf",
				store.QueueFilter{CategoryID: f.printer}, []string{"new-p3-late"}},
			{"a category of another académie matches nothing",
				store.QueueFilter{CategoryID: 999_999}, []string{}},
			{"an urgency filter keeps that urgency",
				store.QueueFilter{Urgency: 2}, []string{"new-p3-late", "waiting-level2"}},
			{"a state filter keeps that state",
				store.QueueFilter{Status: store.StatusNew}, []string{"new-p3-late", "new-p5-old", "new-p5-young"}},
			{"closed tickets are never in the queue, even when asked",
				store.QueueFilter{Status: store.StatusClosed}, []string{}},
			{"the late filter keeps late tickets",
				store.QueueFilter{LateOnly: true}, []string{"new-p3-late"}},
			{"filters combine",
				store.QueueFilter{Urgency: 3, Status: store.StatusNew}, []string{"new-p5-old", "new-p5-young"}},
			{"a page starts at its offset",
				store.QueueFilter{Limit: 2, Offset: 1}, []string{"new-p5-old", "new-p5-young"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.filter.Academy = "creteil"
				got, total, err := db.SupportQueue(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if labels := f.labels(got); !slices.Equal(labels, tt.want) {
					t.Fatalf("queue = %v, want %v", labels, tt.want)
				}
				wantTotal := len(tt.want)
				if tt.filter.Limit != 0 {
					wantTotal = len(allOpen)
				}
				if total != wantTotal {
					t.Fatalf("total = %d, want %d", total, wantTotal)
				}
			})
		}

		t.Run("another académie's queue holds only its tickets", func(t *testing.T) {
			got, total, err := db.SupportQueue(ctx, store.QueueFilter{Academy: "rouen"})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(got) != 1 || got[0].Number != f.tickets["rouen"] {
				t.Fatalf("rouen queue = %v (%d)", f.labels(got), total)
			}
		})
		t.Run("a queue without académie is refused", func(t *testing.T) {
			if _, _, err := db.SupportQueue(ctx, store.QueueFilter{}); err == nil {
				t.Fatal("no error")
			}
		})
		t.Run("rows carry people's and groups' names", func(t *testing.T) {
			got, _, err := db.SupportQueue(ctx, store.QueueFilter{Academy: "creteil", Status: store.StatusWaiting})
			if err != nil {
				t.Fatal(err)
			}
			r := got[0]
			if r.Requester != "AGENT, Test" || r.Beneficiary != "AGENT, Test" || r.Technician != "TECH2, Test" || r.Group != "Réseau" {
				t.Fatalf("row = %+v", r)
			}
		})
		t.Run("the pick-up countdown runs only while the ticket is new", func(t *testing.T) {
			got, _, err := db.SupportQueue(ctx, store.QueueFilter{Academy: "creteil"})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range got {
				d, ok := r.PickupRemaining(time.Now())
				if ok != (r.Status == store.StatusNew) {
					t.Fatalf("%s (%s): countdown %v", r.Number, r.Status, ok)
				}
				if ok && d >= 0 {
					t.Fatalf("%s: due in %v, want passed", r.Number, d)
				}
			}
		})
	})
}

func TestMyTickets(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newQueueFixture(t, db)
		tests := []struct {
			name   string
			person int64
			want   []string
		}{
			{"a technician sees their open tickets, not the closed ones", f.tech, []string{"mine-p1", "resolved-mine"}},
			{"another technician sees theirs", f.tech2, []string{"waiting-level2"}},
			{"a person holding nothing sees nothing", f.agent, []string{}},
			{"nobody (ID 0) sees nothing", 0, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := db.MyTickets(ctx, "creteil", tt.person, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if labels := f.labels(got); !slices.Equal(labels, tt.want) || total != len(tt.want) {
					t.Fatalf("mine = %v (%d), want %v", labels, total, tt.want)
				}
			})
		}
	})
}

func TestQueueTicketOf(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newQueueFixture(t, db)
		t.Run("a ticket of the académie is found with its names", func(t *testing.T) {
			got, err := db.QueueTicketOf(ctx, "creteil", f.tickets["mine-p1"])
			if err != nil {
				t.Fatal(err)
			}
			if got.Technician != "TECH, Test" || got.Group != "Plateforme" || got.Requester != "COLLEGUE, Test" {
				t.Fatalf("ticket = %+v", got)
			}
		})
		for _, tt := range []struct{ name, academy, number string }{
			{"a ticket of another académie is not found", "creteil", f.tickets["rouen"]},
			{"an unknown number is not found", "creteil", "I000101_0001"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := db.QueueTicketOf(ctx, tt.academy, tt.number); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("err = %v, want not found", err)
				}
			})
		}
	})
}

func TestRecentTicketsOf(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newQueueFixture(t, db)
		t.Run("the requester's tickets of the académie come newest first, any status, without the current one", func(t *testing.T) {
			got, err := db.RecentTicketsOf(ctx, "creteil", f.agent, f.tickets["cancelled"], 0)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"closed-mine", "resolved-mine", "waiting-level2", "new-p3-late", "new-p5-old"}
			if labels := f.labels(got); !slices.Equal(labels, want) {
				t.Fatalf("recent = %v, want %v", labels, want)
			}
		})
		t.Run("the limit is kept", func(t *testing.T) {
			got, err := db.RecentTicketsOf(ctx, "creteil", f.agent, "", 2)
			if err != nil {
				t.Fatal(err)
			}
			if labels := f.labels(got); !slices.Equal(labels, []string{"cancelled", "closed-mine"}) {
				t.Fatalf("recent = %v", labels)
			}
		})
		t.Run("tickets filed for the person count too", func(t *testing.T) {
			tk := &store.Ticket{AcademyCode: "creteil", RequesterID: f.colleague, BeneficiaryID: f.tech,
				CategoryID: f.screen, CategoryPath: "x", Urgency: 3, Impact: 3, Priority: 5, Description: "pour tech"}
			number, err := db.CreateTicket(ctx, tk, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.RecentTicketsOf(ctx, "creteil", f.tech, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Number != number {
				t.Fatalf("recent of tech = %v", f.labels(got))
			}
		})
	})
}

func TestSupportStaff(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newQueueFixture(t, db)
		staff, err := db.SupportStaff(ctx, "creteil")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("members of the académie's groups are listed by name with their groups", func(t *testing.T) {
			if len(staff) != 2 || staff[0].ID != f.tech || staff[1].ID != f.tech2 {
				t.Fatalf("staff = %+v", staff)
			}
			if !slices.Equal(staff[1].GroupIDs, []int64{f.level1, f.level2}) || !staff[1].Available {
				t.Fatalf("tech2 = %+v", staff[1])
			}
		})
		t.Run("each load counts the open tickets assigned in the académie", func(t *testing.T) {
			if staff[0].OpenTickets != 2 || staff[1].OpenTickets != 1 {
				t.Fatalf("loads = %d, %d", staff[0].OpenTickets, staff[1].OpenTickets)
			}
		})
		t.Run("an académie without groups has no staff", func(t *testing.T) {
			got, err := db.SupportStaff(ctx, "rouen")
			if err != nil || len(got) != 0 {
				t.Fatalf("rouen staff = %+v, %v", got, err)
			}
		})
		t.Run("people are found by ID, unknown IDs left out", func(t *testing.T) {
			got, err := db.PeopleByID(ctx, []int64{f.agent, f.agent, 0, 987654})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[f.agent].Login != "agent" {
				t.Fatalf("people = %+v", got)
			}
		})
	})
}
