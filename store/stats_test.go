package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// statsTicket files a ticket of académie academy created at created, then
// sets the workflow-owned fields with set (a plain update: the test plays
// the projection).
func statsTicket(t *testing.T, db *store.DB, academy string, requester, category int64, created time.Time, set func(tk *store.Ticket)) *store.Ticket {
	t.Helper()
	ctx := context.Background()
	tk := &store.Ticket{AcademyCode: academy, RequesterID: requester, CategoryID: category, CategoryPath: "Matériel",
		Urgency: 3, Impact: 3, Priority: 5, Description: "Mon écran s'est éteint.", CreatedAt: created}
	if _, err := db.CreateTicket(ctx, tk, nil); err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(tk)
		if _, err := db.NewUpdate().Model(tk).WherePK().ExcludeColumn("number").Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return tk
}

func ptr[T any](v T) *T { return &v }

func TestDashboard(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, a := range []store.Academy{{Code: "creteil", Name: "Créteil"}, {Code: "rouen", Name: "Rouen"}} {
			if err := db.UpsertAcademy(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
		agent := &store.Person{AcademyCode: "creteil", Login: "agent", LastName: "Dugenetay", FirstName: "Pascal"}
		tech := &store.Person{AcademyCode: "creteil", Login: "tech", LastName: "Herniou", FirstName: "Emeline"}
		for _, p := range []*store.Person{agent, tech} {
			if err := db.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		cat := &store.Category{AcademyCode: "creteil", Name: "Matériel"}
		if err := db.CreateCategoryUnaudited(ctx, cat); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 16, 12, 0, 0, 0, time.UTC)
		from, to := now.AddDate(0, 0, -7), now
		at := func(d time.Duration) time.Time { return now.Add(-d) }

		// 1: new, created 2 h ago, deadline passed, late.
		statsTicket(t, db, "creteil", agent.ID, cat.ID, at(2*time.Hour), func(tk *store.Ticket) {
			tk.PickupDueAt, tk.Late, tk.Priority = ptr(at(2*time.Hour-10*time.Minute)), true, 2
		})
		// 2: in progress, picked up after 5 min (on time), technician.
		statsTicket(t, db, "creteil", agent.ID, cat.ID, at(3*time.Hour), func(tk *store.Ticket) {
			tk.Status, tk.TechnicianID = store.StatusInProgress, &tech.ID
			tk.PickupDueAt, tk.PickedUpAt = ptr(at(3*time.Hour-10*time.Minute)), ptr(at(3*time.Hour-5*time.Minute))
		})
		// 3: closed, picked up after 20 min (late), resolved after 2 h,
		// refused once, rated 4 and 2.
		statsTicket(t, db, "creteil", agent.ID, cat.ID, at(48*time.Hour), func(tk *store.Ticket) {
			tk.Status, tk.TechnicianID, tk.Refusals = store.StatusClosed, &tech.ID, 1
			tk.PickupDueAt, tk.PickedUpAt = ptr(at(48*time.Hour-10*time.Minute)), ptr(at(48*time.Hour-20*time.Minute))
			tk.ResolvedAt, tk.ClosedAt = ptr(at(46*time.Hour)), ptr(at(24*time.Hour))
			tk.Validation, tk.RatingDelay, tk.RatingQuality = "accepted", 4, 2
		})
		// 4: closed long ago (before the period), rated 1: not counted in the period.
		statsTicket(t, db, "creteil", agent.ID, cat.ID, at(30*24*time.Hour), func(tk *store.Ticket) {
			tk.Status = store.StatusClosed
			tk.ResolvedAt, tk.ClosedAt = ptr(at(29*24*time.Hour)), ptr(at(28*24*time.Hour))
			tk.RatingDelay, tk.RatingQuality = 1, 1
		})
		// 5: another académie's open ticket: never counted for Créteil.
		statsTicket(t, db, "rouen", agent.ID, cat.ID, at(time.Hour), nil)

		ends := []time.Time{at(72 * time.Hour), at(36 * time.Hour), at(time.Minute)}
		d, err := db.Dashboard(ctx, store.DashboardQuery{Academy: "creteil", From: from, To: to, Now: now, BacklogEnds: ends})
		if err != nil {
			t.Fatal(err)
		}
		count := func(cs []store.Count, key string) int {
			for _, c := range cs {
				if c.Key == key {
					return c.N
				}
			}
			return -1
		}
		t.Run("open tickets are counted by status and priority, in the académie only", func(t *testing.T) {
			if d.OpenTotal != 2 || count(d.OpenByStatus, store.StatusNew) != 1 || count(d.OpenByStatus, store.StatusInProgress) != 1 {
				t.Fatalf("open: total %d, by status %+v", d.OpenTotal, d.OpenByStatus)
			}
			if count(d.OpenByPriority, "P2") != 1 || count(d.OpenByPriority, "P5") != 1 || len(d.OpenByPriority) != 5 {
				t.Fatalf("by priority %+v", d.OpenByPriority)
			}
			if d.LateOpen != 1 {
				t.Fatalf("late open = %d, want 1", d.LateOpen)
			}
		})
		t.Run("the share picked up within the deadline counts tickets whose deadline is past or met", func(t *testing.T) {
			if d.Created != 3 || d.PickupDue != 3 || d.PickupOnTime != 1 {
				t.Fatalf("created %d, due %d, on time %d; want 3, 3, 1", d.Created, d.PickupDue, d.PickupOnTime)
			}
			if math.Abs(d.OnTimeRate()-1.0/3) > 1e-9 {
				t.Fatalf("rate %v", d.OnTimeRate())
			}
		})
		t.Run("pick-up and resolution times fall in their buckets", func(t *testing.T) {
			if len(d.PickupTimes) != 6 || d.PickupTimes[0].N != 1 || d.PickupTimes[1].N != 1 {
				t.Fatalf("pick-up buckets %+v", d.PickupTimes)
			}
			if len(d.ResolutionTimes) != 6 || d.ResolutionTimes[1].N != 1 || d.ResolutionTimes[5].Upper != 0 {
				t.Fatalf("resolution buckets %+v", d.ResolutionTimes)
			}
		})
		t.Run("satisfaction averages the ratings of tickets closed in the period", func(t *testing.T) {
			if d.Rated != 1 || d.AvgDelay != 4 || d.AvgQuality != 2 {
				t.Fatalf("rated %d, delay %v, quality %v", d.Rated, d.AvgDelay, d.AvgQuality)
			}
			if d.Resolved != 1 || d.ResolvedTwice != 1 || d.RefusalRate() != 1 {
				t.Fatalf("resolved %d, refused %d", d.Resolved, d.ResolvedTwice)
			}
		})
		t.Run("the backlog counts tickets open at each instant", func(t *testing.T) {
			// -72 h: nothing yet; -36 h: ticket 3 (closed at -24 h);
			// -1 min: tickets 1 and 2.
			want := []int{0, 1, 2}
			if len(d.Backlog) != 3 {
				t.Fatalf("backlog %+v", d.Backlog)
			}
			for i, p := range d.Backlog {
				if p.Open != want[i] || !p.At.Equal(ends[i]) {
					t.Errorf("backlog[%d] = %+v, want %d open", i, p, want[i])
				}
			}
		})
		t.Run("the load lists technicians with open or resolved tickets", func(t *testing.T) {
			if len(d.Load) != 1 || d.Load[0].PersonID != tech.ID || d.Load[0].Open != 1 || d.Load[0].Resolved != 1 || d.Load[0].Name != "Emeline HERNIOU" {
				t.Fatalf("load %+v", d.Load)
			}
		})
		t.Run("the export lists the period's tickets with names", func(t *testing.T) {
			rows, err := db.ExportTickets(ctx, "creteil", from, to)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 || rows[0].Status != store.StatusClosed || rows[0].Technician != "Emeline HERNIOU" || rows[0].Requester != "Pascal DUGENETAY" {
				t.Fatalf("rows %+v", rows)
			}
		})
	})
}
