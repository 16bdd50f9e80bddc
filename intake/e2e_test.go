package intake_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/worker"
	"guichet/workflows"
)

// recordEnv, when set to 1, makes the end-to-end test write the history of
// each path into workflows/testdata/<recordSet>/ for the replay test.
const recordEnv = "GUICHET_RECORD_HISTORIES"

// recordSet names the directory of workflows/testdata/ the histories are
// recorded into: the workflow version they exercise. Histories of earlier
// versions stay where they are (open tickets may still run them); give a
// new workflow.GetVersion change a new directory.
const recordSet = "local-activities"

// stack is one backend's running Guichet (stacktest.New): database,
// in-memory Temporal server, worker with real activities and outbox, and
// the seeded directory with a second technician, tech2.
type stack struct {
	*stacktest.Stack
	db     *store.DB
	srv    *temporaltest.TestServer
	client client.Client
	people map[string]int64
	cat    int64
	group  int64
}

func newStack(t *testing.T, db *store.DB) *stack {
	t.Helper()
	st := stacktest.New(t, testConfig(slow()), stacktest.WithDB(db))
	// stacktest registered the search attributes: a second call finds
	// everything there.
	if err := worker.EnsureSearchAttributes(context.Background(), st.Temporal, st.Server.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	st.AddTechnician(t, &store.Person{AcademyCode: "creteil", Login: "tech2", LastName: "TECH2", FirstName: "Camille",
		Email: "tech2@ac-creteil.fr"})
	people := map[string]int64{}
	for login, p := range st.People {
		people[login] = p.ID
	}
	return &stack{Stack: st, db: db, srv: st.Server, client: st.Temporal, people: people,
		cat: st.Leaves["Écran"].ID, group: st.Group}
}

// timers are one scenario's lifecycle durations.
type timers struct {
	pickup, validation, reminder, waiting time.Duration
}

// slow timers never fire during a scenario.
func slow() timers {
	return timers{pickup: time.Hour, validation: 24 * time.Hour, reminder: 20 * time.Hour, waiting: 24 * time.Hour}
}

func testConfig(tm timers) config.Config {
	cfg := stacktest.Config()
	cfg.Tickets.PickupDeadline, cfg.Tickets.ValidationDeadline = tm.pickup, tm.validation
	cfg.Tickets.ValidationReminder, cfg.Tickets.WaitingReminder = tm.reminder, tm.waiting
	return cfg
}

// submit files a ticket through intake and waits for the workflow's
// creation to be projected (routed to the platform group).
func (s *stack) submit(t *testing.T, tm timers, requester, beneficiary string) string {
	t.Helper()
	svc := intake.New(s.db, s.client, testConfig(tm), nil)
	number, err := svc.Submit(context.Background(), &store.Ticket{
		AcademyCode: "creteil", RequesterID: s.people[requester], BeneficiaryID: s.people[beneficiary],
		CategoryID: s.cat, CategoryPath: "Matériel › Écran", Urgency: 2, Impact: 3, Priority: 4,
		Description: "L'écran reste noir au démarrage.",
	}, []store.Attachment{{Filename: "ecran.jpg", ContentType: "image/jpeg", Data: []byte("jpeg")}})
	if err != nil {
		t.Fatal(err)
	}
	s.WaitTicket(t, number, "routed to the platform group", func(tk *store.Ticket) bool {
		return tk.GroupID != nil && *tk.GroupID == s.group && tk.PickupDueAt != nil
	})
	tk, err := s.db.GetTicket(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.WorkflowStartedAt == nil {
		t.Fatalf("ticket %s: workflow not marked started", number)
	}
	return number
}

// check asserts the projected status and the timeline (mail records left
// out: they are written in the background).
func (s *stack) check(t *testing.T, number, status string, kinds ...string) *store.Ticket {
	t.Helper()
	ctx := context.Background()
	tk, err := s.db.GetTicket(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != status {
		t.Fatalf("status = %s, want %s", tk.Status, status)
	}
	if got := s.kinds(t, number); !slices.Equal(got, kinds) {
		t.Fatalf("timeline = %v, want %v", got, kinds)
	}
	return tk
}

func (s *stack) kinds(t *testing.T, number string) []string {
	t.Helper()
	evs, err := s.db.Timeline(context.Background(), number, true)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		if ev.Kind != workflows.EventMailSent {
			kinds = append(kinds, ev.Kind)
		}
	}
	return kinds
}

// finish waits for the workflow to complete (every notification is then
// queued) and records its history when asked to.
func (s *stack) finish(t *testing.T, number, record string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stacktest.Wait)
	defer cancel()
	var final workflows.TicketState
	if err := s.client.GetWorkflow(ctx, workflows.TicketWorkflowID(number), "").Get(ctx, &final); err != nil {
		t.Fatalf("workflow %s: %v", number, err)
	}
	// The histories do not depend on the database: record them once.
	if record != "" && os.Getenv(recordEnv) == "1" && s.db.Driver() == store.DriverSQLite {
		s.record(t, number, record)
	}
}

// record writes the workflow's history as JSON into workflows/testdata and
// checks that it replays through the current workflow code.
func (s *stack) record(t *testing.T, number, name string) {
	t.Helper()
	h := &historypb.History{Events: s.history(t, number)}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "workflows", "testdata", recordSet, name+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	r := sdkworker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(workflows.TicketWorkflow, workflow.RegisterOptions{Name: workflows.WorkflowName})
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
		t.Fatalf("recorded history %s does not replay: %v", path, err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}

// history returns the events of a ticket workflow's latest run.
func (s *stack) history(t *testing.T, number string) []*historypb.HistoryEvent {
	t.Helper()
	iter := s.client.GetWorkflowHistory(context.Background(), workflows.TicketWorkflowID(number), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	return events
}

// mails returns "kind>login" for every mail queued about a ticket, sorted.
func (s *stack) mails(t *testing.T, number string) []string {
	t.Helper()
	ms, err := s.db.ListMailsForTicket(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		// Dedupe key: NUMBER:ABOUTSEQ:KIND|address.
		key, _, _ := strings.Cut(m.DedupeKey, "|")
		parts := strings.Split(key, ":")
		login, _, _ := strings.Cut(m.ToAddr, "@")
		out = append(out, parts[len(parts)-1]+">"+login)
		if !strings.Contains(m.TextBody, "https://guichet.test/incidents/"+number) {
			t.Errorf("mail %s has no link to the ticket:\n%s", m.DedupeKey, m.TextBody)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

func TestTicketLifecycleEndToEnd(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(*testing.T, *stack)
	}{
		{"a refused resolution goes back to the technician, then is accepted", refusedThenAccepted},
		{"a ticket accepted at the first resolution closes", acceptedAtFirstResolution},
		{"an unvalidated resolution is reminded then closed automatically", unvalidatedResolutionClosesAutomatically},
		{"a ticket withdrawn by its requester is cancelled", withdrawnTicketIsCancelled},
		{"an unanswered question is reminded once", unansweredQuestionIsRemindedOnce},
		{"a ticket not picked up in time is flagged late and offered to the least-loaded technician", lateTicketIsOfferedToTheLeastLoaded},
		{"a ticket's database steps are markers in its history, not activity tasks", databaseStepsAreHistoryMarkers},
		{"the namespace has every search attribute", namespaceHasEverySearchAttribute},
		{"a submission made while Temporal is down is started once it is back", submissionWhileTemporalIsDown},
	}
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		s := newStack(t, db)
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) { sc.run(t, s) })
		}
	})
}

// refusedThenAccepted: a refused resolution goes back to the technician, then is accepted.
func refusedThenAccepted(t *testing.T, s *stack) {
	ctx := context.Background()
	db := s.db
	n := s.submit(t, slow(), "agent", "collegue")
	s.check(t, n, store.StatusNew, "created")
	if as, err := db.Attachments(ctx, n); err != nil || len(as) != 1 {
		t.Fatalf("attachments = %v, %v", as, err)
	}

	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor("tech")})
	tk := s.check(t, n, store.StatusInProgress, "created", "picked_up")
	if tk.TechnicianID == nil || *tk.TechnicianID != s.people["tech"] || tk.PickedUpAt == nil {
		t.Fatalf("after pick-up: %+v", tk)
	}

	s.Update(t, n, workflows.UpdateRequestInfo, workflows.RequestInfoInput{Actor: s.Actor("tech"), Question: "Quel est le modèle de l'écran ?"})
	s.check(t, n, store.StatusWaiting, "created", "picked_up", "info_requested")

	s.Update(t, n, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: s.Actor("agent"), Body: "Un Dell P2419H."})
	s.check(t, n, store.StatusInProgress, "created", "picked_up", "info_requested", "info_added")

	s.Update(t, n, workflows.UpdateNote, workflows.NoteInput{Actor: s.Actor("tech"), Body: "Câble vidéo à changer."})
	public, err := db.Timeline(ctx, n, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range public {
		if ev.Kind == workflows.EventNote || ev.Kind == workflows.EventMailSent {
			t.Fatalf("the requester's timeline shows an internal %s event", ev.Kind)
		}
	}

	s.Update(t, n, workflows.UpdateResolve, workflows.ResolveInput{Actor: s.Actor("tech"), Solution: "Câble vidéo remplacé."})
	tk = s.check(t, n, store.StatusResolved, "created", "picked_up", "info_requested", "info_added", "note", "resolved")
	if tk.Solution != "Câble vidéo remplacé." || tk.ValidationDueAt == nil || tk.ResolvedAt == nil {
		t.Fatalf("after resolution: %+v", tk)
	}

	s.Update(t, n, workflows.UpdateRefuse, workflows.RefuseInput{Actor: s.Actor("agent"), RatingDelay: 3, RatingQuality: 2, Comment: "L'écran clignote encore."})
	tk = s.check(t, n, store.StatusInProgress, "created", "picked_up", "info_requested", "info_added", "note", "resolved", "refused")
	if tk.Refusals != 1 || tk.TechnicianID == nil || *tk.TechnicianID != s.people["tech"] || tk.ValidationDueAt != nil {
		t.Fatalf("after refusal: %+v", tk)
	}

	s.Update(t, n, workflows.UpdateResolve, workflows.ResolveInput{Actor: s.Actor("tech"), Solution: "Écran remplacé."})
	s.check(t, n, store.StatusResolved, "created", "picked_up", "info_requested", "info_added", "note", "resolved", "refused", "resolved")

	s.Update(t, n, workflows.UpdateAccept, workflows.AcceptInput{Actor: s.Actor("agent"), RatingDelay: 4, RatingQuality: 5, Comment: "Merci !"})
	tk = s.check(t, n, store.StatusClosed, "created", "picked_up", "info_requested", "info_added", "note", "resolved", "refused", "resolved", "accepted")
	if tk.Validation != workflows.ValidationAccepted || tk.RatingDelay != 4 || tk.RatingQuality != 5 || tk.ClosedAt == nil {
		t.Fatalf("after acceptance: %+v", tk)
	}
	s.finish(t, n, "refused-then-accepted")

	// One mail per trigger and recipient; the actor never mailed
	// about their own action (the requester accepted: only the
	// beneficiary hears of the closure).
	want := sorted(
		"created>agent", "created>collegue",
		"picked_up>agent", "picked_up>collegue",
		"info_requested>agent", "info_requested>collegue",
		"info_added>tech",
		"resolved>agent", "resolved>collegue", "resolved>agent", "resolved>collegue",
		"refused>tech",
		"closed>collegue",
	)
	if got := s.mails(t, n); !slices.Equal(got, want) {
		t.Fatalf("mails =\n%v\nwant\n%v", got, want)
	}
}

// acceptedAtFirstResolution: a ticket accepted at the first resolution closes.
func acceptedAtFirstResolution(t *testing.T, s *stack) {
	n := s.submit(t, slow(), "agent", "agent")
	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor("tech2")})
	s.Update(t, n, workflows.UpdateReply, workflows.ReplyInput{Actor: s.Actor("tech2"), Body: "Je passe dans votre bureau à 14 h."})
	s.Update(t, n, workflows.UpdateResolve, workflows.ResolveInput{Actor: s.Actor("tech2"), Solution: "Pilote réinstallé."})
	s.Update(t, n, workflows.UpdateAccept, workflows.AcceptInput{Actor: s.Actor("agent"), RatingDelay: 5, RatingQuality: 5})
	s.check(t, n, store.StatusClosed, "created", "picked_up", "reply", "resolved", "accepted")
	s.finish(t, n, "accepted")
	want := sorted("created>agent", "picked_up>agent", "reply>agent", "resolved>agent")
	if got := s.mails(t, n); !slices.Equal(got, want) {
		t.Fatalf("mails = %v, want %v", got, want)
	}
}

// unvalidatedResolutionClosesAutomatically: an unvalidated resolution is reminded then closed automatically.
func unvalidatedResolutionClosesAutomatically(t *testing.T, s *stack) {
	n := s.submit(t, timers{pickup: time.Hour, validation: 4 * time.Second, reminder: 2 * time.Second, waiting: time.Hour}, "agent", "agent")
	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor("tech")})
	s.Update(t, n, workflows.UpdateResolve, workflows.ResolveInput{Actor: s.Actor("tech"), Solution: "Redémarrage."})
	s.finish(t, n, "auto-closed")
	tk := s.check(t, n, store.StatusClosed, "created", "picked_up", "resolved", "reminder_sent", "closed")
	if tk.Validation != workflows.ValidationAuto || tk.ClosedAt == nil {
		t.Fatalf("after automatic closure: %+v", tk)
	}
	want := sorted("created>agent", "picked_up>agent", "resolved>agent", "validation_reminder>agent", "closed>agent")
	if got := s.mails(t, n); !slices.Equal(got, want) {
		t.Fatalf("mails = %v, want %v", got, want)
	}
}

// withdrawnTicketIsCancelled: a ticket withdrawn by its requester is cancelled.
func withdrawnTicketIsCancelled(t *testing.T, s *stack) {
	n := s.submit(t, slow(), "agent", "agent")
	s.Update(t, n, workflows.UpdateCancel, workflows.CancelInput{Actor: s.Actor("agent"), Reason: "Problème réglé tout seul."})
	s.finish(t, n, "cancelled")
	s.check(t, n, store.StatusCancelled, "created", "cancelled")
	if got, want := s.mails(t, n), []string{"created>agent"}; !slices.Equal(got, want) {
		t.Fatalf("mails = %v, want %v", got, want)
	}
}

// unansweredQuestionIsRemindedOnce: an unanswered question is reminded once.
func unansweredQuestionIsRemindedOnce(t *testing.T, s *stack) {
	n := s.submit(t, timers{pickup: time.Hour, validation: time.Hour, reminder: 50 * time.Minute, waiting: 2 * time.Second}, "agent", "agent")
	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor("tech")})
	s.Update(t, n, workflows.UpdateRequestInfo, workflows.RequestInfoInput{Actor: s.Actor("tech"), Question: "Depuis quand ?"})
	stacktest.Eventually(t, "the waiting reminder", func() bool {
		return slices.Contains(s.kinds(t, n), "reminder_sent")
	})
	s.Update(t, n, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: s.Actor("agent"), Body: "Depuis lundi."})
	s.Update(t, n, workflows.UpdateCancel, workflows.CancelInput{Actor: s.Actor("agent"), Reason: "Contourné."})
	s.finish(t, n, "waiting-reminder")
	s.check(t, n, store.StatusCancelled, "created", "picked_up", "info_requested", "reminder_sent", "info_added", "cancelled")
	want := sorted("created>agent", "picked_up>agent", "info_requested>agent", "waiting_reminder>agent", "info_added>tech", "cancelled>tech")
	if got := s.mails(t, n); !slices.Equal(got, want) {
		t.Fatalf("mails = %v, want %v", got, want)
	}
}

// lateTicketIsOfferedToTheLeastLoaded: a ticket not picked up in time is flagged late and offered to the least-loaded technician.
func lateTicketIsOfferedToTheLeastLoaded(t *testing.T, s *stack) {
	ctx := context.Background()
	db := s.db
	loads, err := db.TechnicianLoads(ctx, s.group)
	if err != nil || len(loads) == 0 {
		t.Fatalf("loads = %v, %v", loads, err)
	}
	n := s.submit(t, timers{pickup: 2 * time.Second, validation: time.Hour, reminder: 50 * time.Minute, waiting: time.Hour}, "agent", "agent")
	tk := s.WaitTicket(t, n, "the late flag", func(tk *store.Ticket) bool { return tk.Late })
	if tk.Status != store.StatusNew || tk.TechnicianID == nil || *tk.TechnicianID != loads[0].PersonID {
		t.Fatalf("late ticket = %+v, want offered to %d", tk, loads[0].PersonID)
	}
	offered := map[int64]string{s.people["tech"]: "tech", s.people["tech2"]: "tech2"}[*tk.TechnicianID]
	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor(offered)})
	s.Update(t, n, workflows.UpdateCancel, workflows.CancelInput{Actor: s.Actor("agent"), Reason: "Doublon."})
	s.finish(t, n, "late-pickup")
	s.check(t, n, store.StatusCancelled, "created", "late", "assigned", "picked_up", "cancelled")
	want := sorted("created>agent", "late>superviseur", "offered>"+offered, "picked_up>agent", "cancelled>"+offered)
	if got := s.mails(t, n); !slices.Equal(got, want) {
		t.Fatalf("mails = %v, want %v", got, want)
	}
}

// databaseStepsAreHistoryMarkers: a ticket's database steps are markers in its history, not activity tasks.
func databaseStepsAreHistoryMarkers(t *testing.T, s *stack) {
	n := s.submit(t, slow(), "agent", "agent")
	s.Update(t, n, workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.Actor("tech")})
	s.Update(t, n, workflows.UpdateNote, workflows.NoteInput{Actor: s.Actor("tech"), Body: "Rien à signaler."})
	s.Update(t, n, workflows.UpdateCancel, workflows.CancelInput{Actor: s.Actor("agent"), Reason: "Test."})
	s.finish(t, n, "")
	tk := s.check(t, n, store.StatusCancelled, "created", "picked_up", "note", "cancelled")
	if tk.GroupID == nil || *tk.GroupID != s.group || tk.TechnicianID == nil || *tk.TechnicianID != s.people["tech"] {
		t.Fatalf("projection = %+v, want routed to the platform group and picked up by tech", tk)
	}
	markers := map[string]int{}
	versioned, upserts := false, 0
	for _, ev := range s.history(t, n) {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			upserts++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			t.Errorf("activity task %s scheduled: the ticket's steps should run as local activities",
				ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			attrs := ev.GetMarkerRecordedEventAttributes()
			switch attrs.GetMarkerName() {
			case "LocalActivity":
				var data struct{ ActivityType string }
				if err := converter.GetDefaultDataConverter().FromPayloads(attrs.GetDetails()["data"], &data); err != nil {
					t.Fatalf("local activity marker: %v", err)
				}
				markers[data.ActivityType]++
			case "Version":
				versioned = true
			}
		}
	}
	if !versioned {
		t.Error("no version marker: the local-activity path is not recorded as a workflow version")
	}
	// Route once; Project for the creation, the pick-up, the note
	// and the cancellation; Notify for the acknowledgement, the
	// pick-up and the cancellation mails.
	want := map[string]int{workflows.ActivityRoute: 1, workflows.ActivityProject: 4, workflows.ActivityNotify: 3}
	if !maps.Equal(markers, want) {
		t.Errorf("local activity markers = %v, want %v", markers, want)
	}
	// Each upsert costs Temporal a visibility write: the version
	// marker's and the creation's, then one per change of status or
	// technician; none for the note, which changes neither.
	if upserts != 4 {
		t.Errorf("%d search attribute upserts, want 4 (version, creation, pick-up, cancellation)", upserts)
	}
}

// namespaceHasEverySearchAttribute: the namespace has every search attribute.
func namespaceHasEverySearchAttribute(t *testing.T, s *stack) {
	ctx := context.Background()
	res, err := s.client.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: s.srv.GetDefaultNamespace()})
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range workflows.SearchAttributeTypes() {
		if res.GetCustomAttributes()[name] != typ {
			t.Errorf("search attribute %s: %v, want %v", name, res.GetCustomAttributes()[name], typ)
		}
	}
}

// submissionWhileTemporalIsDown: a submission made while Temporal is down is started once it is back.
func submissionWhileTemporalIsDown(t *testing.T, s *stack) {
	ctx := context.Background()
	db := s.db
	addr := stacktest.FreeAddr(t)
	down, err := client.NewLazyClient(client.Options{HostPort: addr, Namespace: s.srv.GetDefaultNamespace()})
	if err != nil {
		t.Fatal(err)
	}
	defer down.Close()
	svc := intake.New(db, down, testConfig(slow()), nil)
	svc.StartTimeout = time.Second
	svc.ResumeAfter = 0
	svc.ResumeEvery = 100 * time.Millisecond
	n, err := svc.Submit(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: s.people["agent"],
		CategoryID: s.cat, CategoryPath: "Matériel › Écran", Urgency: 3, Impact: 3, Priority: 5,
		Description: "Imprimante hors ligne."}, nil)
	if err != nil || n == "" {
		t.Fatalf("submit = %q, %v: the submission must be kept", n, err)
	}
	tk, err := db.GetTicket(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if tk.WorkflowStartedAt != nil {
		t.Fatal("workflow marked started while Temporal is down")
	}
	if _, err := svc.ResumePending(ctx); err == nil {
		t.Fatal("resuming while Temporal is down reported no error")
	}
	pending, err := db.PendingTickets(ctx, 0, 10)
	if err != nil || len(pending) != 1 || pending[0].Number != n {
		t.Fatalf("pending = %v, %v", pending, err)
	}

	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.RunResumer(rctx) }()
	proxy(t, addr, s.srv.GetFrontendHostPort()) // Temporal is back
	s.WaitTicket(t, n, "the resumed workflow's creation", func(tk *store.Ticket) bool {
		return tk.WorkflowStartedAt != nil && tk.GroupID != nil
	})
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ResumePending(ctx); err != nil {
		t.Fatalf("resuming again: %v", err)
	}
	// Starting it again is harmless: the same workflow keeps running.
	if err := intake.New(db, s.client, testConfig(slow()), nil).Start(ctx, tk); err != nil {
		t.Fatalf("second start: %v", err)
	}
	s.Update(t, n, workflows.UpdateCancel, workflows.CancelInput{Actor: s.Actor("agent"), Reason: "Test."})
	s.finish(t, n, "")
}

// proxy forwards connections made to addr to target until the test ends.
func proxy(t *testing.T, addr, target string) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := l.Accept()
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					t.Logf("proxy: %v", err)
				}
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, in, out)
			mu.Unlock()
			wg.Add(2)
			go func() { defer wg.Done(); _, _ = io.Copy(out, in); out.Close() }()
			go func() { defer wg.Done(); _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
}
