package store_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// newPerson inserts a directory entry and returns its ID.
func newPerson(t *testing.T, db *store.DB, login string) int64 {
	t.Helper()
	now := time.Now().UTC()
	p := &store.Person{AcademyCode: "creteil", Login: login, LastName: login, FirstName: "Test",
		Email: login + "@ac-creteil.fr", CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(p).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// newPersonIn inserts a directory entry of the académie and entity given
// and returns it as read back from the store.
func newPersonIn(t *testing.T, db *store.DB, login, academy, entity string) *store.Person {
	t.Helper()
	ctx := context.Background()
	id := newPerson(t, db, login)
	if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("academy_code = ?", academy).
		Set("entity = ?", entity).Where("id = ?", id).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := db.GetPerson(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newTicket files newSubmission(requester) and returns its number.
func newTicket(t *testing.T, db *store.DB, requester int64) string {
	t.Helper()
	number, err := db.CreateTicket(context.Background(), newSubmission(requester), nil)
	if err != nil {
		t.Fatal(err)
	}
	return number
}

// newSubmission returns a ticket as the web form would fill it.
func newSubmission(requester int64) *store.Ticket {
	return &store.Ticket{
		AcademyCode: "creteil", RequesterID: requester, CategoryID: 1,
		CategoryPath: "Matériel › Écran", Urgency: 3, Impact: 3, Priority: 5,
		Description: "L'écran reste noir.",
	}
}

func TestCreateTicket(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		tk := newSubmission(req)
		files := []store.Attachment{{Filename: "photo.png", ContentType: "image/png", Data: []byte("png")}}
		number, err := db.CreateTicket(ctx, tk, files)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("the number follows the I+YYMMDD_NNNN format", func(t *testing.T) {
			if !regexp.MustCompile(`^I\d{6}_\d{4,}$`).MatchString(number) || tk.Number != number {
				t.Fatalf("number = %q (ticket %q)", number, tk.Number)
			}
		})
		t.Run("the ticket is new, pending, for the requester", func(t *testing.T) {
			got, err := db.GetTicket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.StatusNew || got.WorkflowStartedAt != nil || got.BeneficiaryID != req || got.ProjectedSeq != 1 {
				t.Fatalf("ticket = %+v", got)
			}
		})
		t.Run("the attachments are stored with the ticket", func(t *testing.T) {
			as, err := db.Attachments(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || string(as[0].Data) != "png" || as[0].Size != 3 || as[0].UploaderID != req {
				t.Fatalf("attachments = %+v", as)
			}
		})
		t.Run("the timeline starts with a public created event", func(t *testing.T) {
			evs, err := db.Timeline(ctx, number, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].Seq != 1 || evs[0].Kind != store.EventCreated || !evs[0].Public {
				t.Fatalf("timeline = %+v", evs)
			}
		})
		t.Run("a second ticket gets another number", func(t *testing.T) {
			n2 := newTicket(t, db, req)
			if n2 == number {
				t.Fatalf("same number %q twice", n2)
			}
		})
		t.Run("an unknown ticket is not found", func(t *testing.T) {
			if _, err := db.GetTicket(ctx, "I000101_0001"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

func TestPendingTickets(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		a := newTicket(t, db, req)
		b := newTicket(t, db, req)
		pending := func(t *testing.T, older time.Duration) []string {
			t.Helper()
			ts, err := db.PendingTickets(ctx, older, 10)
			if err != nil {
				t.Fatal(err)
			}
			ns := collect(ts, func(tk store.Ticket) string { return tk.Number })
			return ns
		}
		t.Run("fresh submissions are not pending yet for an age limit", func(t *testing.T) {
			if got := pending(t, time.Hour); len(got) != 0 {
				t.Fatalf("pending = %v", got)
			}
		})
		t.Run("submissions without a workflow are pending, oldest first", func(t *testing.T) {
			if got := pending(t, 0); len(got) != 2 || got[0] != a || got[1] != b {
				t.Fatalf("pending = %v, want [%s %s]", got, a, b)
			}
		})
		t.Run("a started ticket is no longer pending", func(t *testing.T) {
			at := time.Now()
			if err := db.MarkWorkflowStarted(ctx, a, at); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkWorkflowStarted(ctx, a, at.Add(time.Hour)); err != nil {
				t.Fatalf("second mark: %v", err)
			}
			if got := pending(t, 0); len(got) != 1 || got[0] != b {
				t.Fatalf("pending = %v, want [%s]", got, b)
			}
			tk, err := db.GetTicket(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if tk.WorkflowStartedAt == nil || tk.WorkflowStartedAt.Sub(at).Abs() > time.Second {
				t.Fatalf("started at = %v, want first mark %v", tk.WorkflowStartedAt, at)
			}
		})
		t.Run("marking an unknown ticket fails with not found", func(t *testing.T) {
			if err := db.MarkWorkflowStarted(ctx, "I000101_0001", time.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}

func TestApplyProjection(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		tech := newPerson(t, db, "tech")
		number := newTicket(t, db, req)
		picked := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		state := store.TicketProjection{Seq: 2, Status: store.StatusInProgress, TechnicianID: tech,
			Urgency: 3, Impact: 3, Priority: 5, PickedUpAt: picked, UpdatedAt: picked}
		pickup := []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 2, Kind: "picked_up", ActorID: &tech, Public: true, CreatedAt: picked}}}

		t.Run("an event is projected into the ticket and the timeline", func(t *testing.T) {
			n, err := db.ApplyProjection(ctx, number, state, pickup)
			if err != nil || n != 1 {
				t.Fatalf("apply = %d, %v", n, err)
			}
			tk, err := db.GetTicket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != store.StatusInProgress || tk.TechnicianID == nil || *tk.TechnicianID != tech ||
				tk.PickedUpAt == nil || !tk.PickedUpAt.Equal(picked) || tk.ProjectedSeq != 2 || tk.GroupID != nil {
				t.Fatalf("ticket = %+v", tk)
			}
		})
		t.Run("a retried projection writes nothing twice", func(t *testing.T) {
			n, err := db.ApplyProjection(ctx, number, state, pickup)
			if err != nil || n != 0 {
				t.Fatalf("apply = %d, %v", n, err)
			}
			evs, err := db.Timeline(ctx, number, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 2 {
				t.Fatalf("timeline has %d events, want 2", len(evs))
			}
		})
		t.Run("an internal note is hidden from the requester's timeline and gets its attachments", func(t *testing.T) {
			files := []store.Attachment{{UploaderID: tech, Filename: "log.txt", ContentType: "text/plain", Data: []byte("log")}}
			if err := db.AddAttachments(ctx, number, files); err != nil {
				t.Fatal(err)
			}
			state.Seq = 3
			note := []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 3, Kind: "note", ActorID: &tech, Body: "voir avec le N2"},
				AttachmentIDs: []int64{files[0].ID}}}
			if _, err := db.ApplyProjection(ctx, number, state, note); err != nil {
				t.Fatal(err)
			}
			pub, err := db.Timeline(ctx, number, false)
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.Timeline(ctx, number, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(pub) != 2 || len(all) != 3 || all[2].Body != "voir avec le N2" {
				t.Fatalf("public %d, all %d events", len(pub), len(all))
			}
			as, err := db.Attachments(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].EventSeq != 3 {
				t.Fatalf("attachments = %+v", as)
			}
		})
		t.Run("a late older snapshot never rewinds the ticket", func(t *testing.T) {
			resolved := state
			resolved.Seq, resolved.Status, resolved.Solution = 5, store.StatusResolved, "Câble changé."
			resolved.ValidationDueAt = picked.Add(7 * 24 * time.Hour)
			if _, err := db.ApplyProjection(ctx, number, resolved, []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 5, Kind: "resolved", Public: true}}}); err != nil {
				t.Fatal(err)
			}
			waiting := state
			waiting.Seq, waiting.Status = 4, store.StatusWaiting
			n, err := db.ApplyProjection(ctx, number, waiting, []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 4, Kind: "info_requested", Public: true}}})
			if err != nil || n != 1 {
				t.Fatalf("apply = %d, %v", n, err)
			}
			tk, err := db.GetTicket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != store.StatusResolved || tk.ProjectedSeq != 5 || tk.ValidationDueAt == nil {
				t.Fatalf("status %s seq %d, want resolved 5", tk.Status, tk.ProjectedSeq)
			}
		})
		t.Run("a snapshot without a new event updates the ticket and clears zero values", func(t *testing.T) {
			back := state
			back.Seq, back.Status, back.TechnicianID, back.GroupID = 5, store.StatusInProgress, 0, 7
			if _, err := db.ApplyProjection(ctx, number, back, nil); err != nil {
				t.Fatal(err)
			}
			tk, err := db.GetTicket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if tk.TechnicianID != nil || tk.ValidationDueAt != nil || tk.GroupID == nil || *tk.GroupID != 7 || tk.Status != store.StatusInProgress {
				t.Fatalf("ticket = %+v", tk)
			}
		})
		t.Run("projecting onto an unknown ticket fails with not found", func(t *testing.T) {
			_, err := db.ApplyProjection(ctx, "I000101_0001", state, pickup)
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("the workflow's created event fills in the submission's one", func(t *testing.T) {
			created := []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 1, Kind: "created", Public: true, Data: `{"group":"7"}`}}}
			if _, err := db.ApplyProjection(ctx, number, state, created); err != nil {
				t.Fatal(err)
			}
			evs, err := db.Timeline(ctx, number, true)
			if err != nil {
				t.Fatal(err)
			}
			if evs[0].Seq != 1 || evs[0].Data != `{"group":"7"}` || evs[0].ActorID == nil || *evs[0].ActorID != req {
				t.Fatalf("created event = %+v", evs[0])
			}
		})
		t.Run("an event without a sequence is refused", func(t *testing.T) {
			bad := []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 0, Kind: "reply"}}}
			if _, err := db.ApplyProjection(ctx, number, state, bad); err == nil {
				t.Fatal("want an error")
			}
		})
	})
}

func TestTechnicianLoads(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		busy := newPerson(t, db, "busy")
		recent := newPerson(t, db, "recent")
		older := newPerson(t, db, "older")
		fresh := newPerson(t, db, "fresh")
		away := newPerson(t, db, "away")
		g := &store.Group{AcademyCode: "creteil", Name: "Plateforme", Level: 1}
		if _, err := db.NewInsert().Model(g).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{busy, recent, older, fresh, away} {
			if err := db.AddGroupMemberUnaudited(ctx, g.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetGroupMemberAvailableUnaudited(ctx, g.ID, away, false); err != nil {
			t.Fatal(err)
		}
		assign := func(tech int64, at time.Time, status string) {
			t.Helper()
			n := newTicket(t, db, req)
			p := store.TicketProjection{Seq: 2, Status: status, TechnicianID: tech, PickedUpAt: at, Urgency: 3, Impact: 3, Priority: 5}
			if _, err := db.ApplyProjection(ctx, n, p, []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 2, Kind: "picked_up", Public: true}}}); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		assign(busy, day, store.StatusInProgress)
		assign(busy, day, store.StatusWaiting)
		assign(recent, day.Add(2*time.Hour), store.StatusInProgress)
		assign(older, day.Add(time.Hour), store.StatusInProgress)
		assign(older, day.Add(-time.Hour), store.StatusClosed)

		loads, err := db.TechnicianLoads(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		order := collect(loads, func(l store.TechnicianLoad) int64 { return l.PersonID })
		t.Run("the never-assigned member comes first, then the least recently assigned, the busiest last", func(t *testing.T) {
			want := []int64{fresh, older, recent, busy}
			if len(order) != len(want) {
				t.Fatalf("order = %v, want %v", order, want)
			}
			for i := range want {
				if order[i] != want[i] {
					t.Fatalf("order = %v, want %v", order, want)
				}
			}
		})
		t.Run("closed tickets do not count as load", func(t *testing.T) {
			if loads[1].OpenTickets != 1 || loads[3].OpenTickets != 2 {
				t.Fatalf("loads = %+v", loads)
			}
		})
		t.Run("an empty group has no candidates", func(t *testing.T) {
			got, err := db.TechnicianLoads(ctx, g.ID+100)
			if err != nil || len(got) != 0 {
				t.Fatalf("loads = %v, %v", got, err)
			}
		})
	})
}

func TestTimelineRecordsAndLookups(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		sup := newPerson(t, db, "superviseur")
		gone := newPerson(t, db, "parti")
		for _, id := range []int64{sup, gone} {
			if err := db.GrantRoleUnaudited(ctx, id, "creteil", store.RoleSupervisor); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("disabled = ?", true).Where("id = ?", gone).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		number := newTicket(t, db, req)
		t.Run("an appended record is written once", func(t *testing.T) {
			ev := store.TicketEvent{Seq: 2, Kind: "mail_sent", Data: `{"kind":"created"}`}
			for i, want := range []bool{true, false} {
				got, err := db.AppendEvent(ctx, number, ev)
				if err != nil || got != want {
					t.Fatalf("append #%d = %v, %v; want %v", i+1, got, err, want)
				}
			}
			tk, err := db.GetTicket(ctx, number)
			if err != nil || tk.ProjectedSeq != 1 {
				t.Fatalf("the ticket row moved: %+v, %v", tk, err)
			}
		})
		t.Run("events are found by sequence and by latest kind", func(t *testing.T) {
			if _, err := db.AppendEvent(ctx, number, store.TicketEvent{Seq: 3, Kind: "mail_sent", Body: "second"}); err != nil {
				t.Fatal(err)
			}
			ev, err := db.TicketEventAt(ctx, number, 1)
			if err != nil || ev.Kind != store.EventCreated {
				t.Fatalf("event 1 = %+v, %v", ev, err)
			}
			last, err := db.LastTicketEvent(ctx, number, "mail_sent")
			if err != nil || last.Seq != 3 {
				t.Fatalf("last = %+v, %v", last, err)
			}
			if _, err := db.TicketEventAt(ctx, number, 99); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing event: %v", err)
			}
			if _, err := db.LastTicketEvent(ctx, number, "resolved"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing kind: %v", err)
			}
		})
		t.Run("role holders are the enabled people with the role", func(t *testing.T) {
			ps, err := db.RoleHolders(ctx, "creteil", store.RoleSupervisor)
			if err != nil || len(ps) != 1 || ps[0].ID != sup {
				t.Fatalf("supervisors = %+v, %v", ps, err)
			}
		})
	})
}
