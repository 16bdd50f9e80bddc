package worker_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"guichet/activities"
	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/intake"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/worker"
	"guichet/workflows"
)

// recordEnv, when set to 1, makes TestEveryWorkflowRunsOnTheWorker write
// the history of each workflow it runs into workflows/testdata/ for the
// replay test (the ticket histories of the plain lifecycle are recorded by
// intake's end-to-end test).
const recordEnv = "GUICHET_RECORD_HISTORIES"

// Directories of workflows/testdata/ the histories go to. ticketSet names
// the ticket workflow version the ticket history exercises: give a new
// workflow.GetVersion change a new directory, and keep the old ones.
const (
	ticketSet    = "webhook-children"
	webhookSet   = "webhook-delivery"
	directorySet = "directory-sync"
	benchSet     = "bench"
)

// waitLimit bounds every wait for an asynchronous outcome; a guard against
// a hung test, not an assertion on speed.
const waitLimit = 90 * time.Second

// recorder runs workflows on an in-process Temporal server and records
// their histories.
type recorder struct {
	client client.Client
}

// record writes the history of workflow id (latest run) to
// workflows/testdata/set/name.json when recordEnv is set, after checking
// that it replays on the current code in any case.
func (r *recorder) record(t *testing.T, id, set, name string) {
	t.Helper()
	iter := r.client.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	replayer := sdkworker.NewWorkflowReplayer()
	for _, w := range []struct {
		fn   any
		name string
	}{
		{workflows.TicketWorkflow, workflows.WorkflowName},
		{workflows.WebhookDeliveryWorkflow, workflows.WebhookWorkflowName},
		{workflows.DirectorySyncWorkflow, workflows.DirectorySyncWorkflowName},
		{workflows.BenchEmptyWorkflow, workflows.BenchWorkflowName},
	} {
		replayer.RegisterWorkflowWithOptions(w.fn, workflow.RegisterOptions{Name: w.name})
	}
	if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("history of %s does not replay: %v", id, err)
	}
	if os.Getenv(recordEnv) != "1" {
		return
	}
	b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "workflows", "testdata", set, name+".json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events)", path, len(h.Events))
}

// wait waits for workflow id to close and returns its error.
func (r *recorder) wait(t *testing.T, id string, result any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	return r.client.GetWorkflow(ctx, id, "").Get(ctx, result)
}

// await waits until n webhook deliveries of creteil are recorded and all
// delivered, and returns them, newest first.
func (r *recorder) await(t *testing.T, db *store.DB, n int) []store.WebhookLogEntry {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		log, err := db.WebhookDeliveries(context.Background(), "creteil", 50)
		if err != nil {
			t.Fatal(err)
		}
		delivered := 0
		for _, d := range log {
			if d.Status == store.DeliveryDelivered {
				delivered++
			}
		}
		if delivered == len(log) && len(log) >= n || time.Now().After(deadline) {
			return log
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// hookReceiver accepts every delivery but the first attempt of each
// (answered 500, so each delivery is retried once).
type hookReceiver struct {
	mu       sync.Mutex
	attempts map[string]int
	events   []string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	id := r.Header.Get(activities.DeliveryHeader)
	h.attempts[id]++
	if h.attempts[id] == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	h.events = append(h.events, r.Header.Get(activities.EventHeader))
	w.WriteHeader(http.StatusNoContent)
}

// fakeDirectory stands for activities.Directory with an LDAP directory
// for "creteil" and none reachable for "rouen".
type fakeDirectory struct{}

func (*fakeDirectory) ListSyncAcademies(context.Context) ([]string, error) {
	return []string{"creteil", "rouen"}, nil
}

func (*fakeDirectory) SyncAcademy(_ context.Context, academy string) (workflows.AcademySyncResult, error) {
	if academy == "rouen" {
		return workflows.AcademySyncResult{}, temporal.NewNonRetryableApplicationError("directory unavailable", "DirectoryUnavailable", nil)
	}
	return workflows.AcademySyncResult{Academy: academy, RunID: 1, Seen: 3, Added: 2, Updated: 1}, nil
}

func TestEveryWorkflowRunsOnTheWorker(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	srv := temporaltest.NewServer(temporaltest.WithT(t))
	c := srv.GetDefaultClient()
	if err := worker.EnsureSearchAttributes(ctx, c, srv.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{
		Temporal: config.Temporal{TaskQueue: "guichet-worker-test"},
		Tickets: config.Tickets{PickupDeadline: time.Hour, ValidationDeadline: 24 * time.Hour,
			ValidationReminder: 20 * time.Hour, WaitingReminder: 24 * time.Hour,
			OpeningHours: config.OpeningHours{TimeZone: "UTC", Open: "00:00", Close: "23:59",
				Days: []int{1, 2, 3, 4, 5, 6, 7}, Holidays: "none"}},
		Academies: []config.Academy{{Code: "creteil", Name: "Créteil"}},
	}
	outbox := mail.NewOutbox(db, config.Mail{From: "Guichet <guichet@ac-creteil.fr>"}, "https://guichet.test")
	if err := outbox.Err(); err != nil {
		t.Fatal(err)
	}
	key := store.NewWebhookKey("worker tests webhook key")
	w := worker.New(c, cfg, &activities.Activities{DB: db, Outbox: outbox, BaseURL: "https://guichet.test",
		WebhookKey: key, WebhookAllowPrivate: true})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	r := &recorder{client: c}

	t.Run("a ticket's events are delivered to the académie's webhook", func(t *testing.T) {
		world := stacktest.Seed(t, db)
		recv := &hookReceiver{attempts: map[string]int{}}
		hook := httptest.NewServer(recv)
		t.Cleanup(hook.Close)
		if _, err := db.CreateWebhook(ctx, &store.WebhookSubscription{AcademyCode: "creteil", URL: hook.URL + "/hook",
			CreatedByID: world.People["superviseur"].ID}, key); err != nil {
			t.Fatal(err)
		}
		number, err := intake.New(db, c, cfg, nil).Submit(ctx, &store.Ticket{
			AcademyCode: "creteil", RequesterID: world.People["agent"].ID, BeneficiaryID: world.People["agent"].ID,
			CategoryID: world.Leaves["Écran"].ID, CategoryPath: "Matériel › Écran", Urgency: 2, Impact: 3, Priority: 4,
			Description: "L'écran reste noir au démarrage.",
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The first delivery ends while the ticket is still open: its
		// completion is in the ticket's history too.
		first := r.await(t, db, 1)
		if err := r.wait(t, workflows.WebhookWorkflowID(first[0].ID), nil); err != nil {
			t.Fatalf("delivery workflow: %v", err)
		}
		tech := workflows.Actor{PersonID: world.People["tech"].ID, Roles: []string{workflows.RoleTechnician}}
		agent := workflows.Actor{PersonID: world.People["agent"].ID, Roles: []string{workflows.RoleRequester}}
		update(t, c, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: tech})
		update(t, c, number, workflows.UpdateResolve, workflows.ResolveInput{Actor: tech, Solution: "Câble remplacé."})
		update(t, c, number, workflows.UpdateAccept, workflows.AcceptInput{Actor: agent, RatingDelay: 5, RatingQuality: 5})
		if err := r.wait(t, workflows.TicketWorkflowID(number), nil); err != nil {
			t.Fatalf("ticket workflow: %v", err)
		}

		log := r.await(t, db, 4)
		var kinds []string
		for _, d := range log {
			kinds = append(kinds, d.Event+"="+d.Status)
			if d.Attempts != 2 {
				t.Errorf("delivery %d (%s): %d attempts, want 2 (500 then 204)", d.ID, d.Event, d.Attempts)
			}
		}
		want := "accepted=delivered resolved=delivered picked_up=delivered created=delivered"
		if got := strings.Join(kinds, " "); got != want {
			t.Fatalf("deliveries (newest first) = %s, want %s", got, want)
		}
		for _, d := range log {
			desc, err := c.DescribeWorkflowExecution(ctx, workflows.WebhookWorkflowID(d.ID), "")
			if err != nil {
				t.Fatal(err)
			}
			if p := desc.GetWorkflowExecutionInfo().GetParentExecution().GetWorkflowId(); p != workflows.TicketWorkflowID(number) {
				t.Errorf("delivery %d started by %q, want by the ticket workflow %s", d.ID, p, number)
			}
		}
		r.record(t, workflows.TicketWorkflowID(number), ticketSet, "accepted-with-webhooks")
		r.record(t, workflows.WebhookWorkflowID(log[len(log)-1].ID), webhookSet, "delivered-after-a-retry")
	})

	t.Run("a synchronisation of an académie without a directory fails for it", func(t *testing.T) {
		run, err := c.ExecuteWorkflow(ctx, workflows.DirectorySyncStartOptions(worker.TaskQueue(cfg)),
			workflows.DirectorySyncWorkflowName, workflows.DirectorySyncInput{Academies: []string{"creteil"}})
		if err != nil {
			t.Fatal(err)
		}
		var res workflows.DirectorySyncResult
		err = r.wait(t, run.GetID(), &res)
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrDirectorySyncFailed {
			t.Fatalf("workflow error = %v, want a %s", err, workflows.ErrDirectorySyncFailed)
		}
		r.record(t, run.GetID(), directorySet, "no-directory")
	})

	t.Run("a scheduled synchronisation goes on past a failing académie", func(t *testing.T) {
		const queue = "guichet-worker-test-directory"
		dw := sdkworker.New(c, queue, sdkworker.Options{})
		dw.RegisterWorkflowWithOptions(workflows.DirectorySyncWorkflow, workflow.RegisterOptions{Name: workflows.DirectorySyncWorkflowName})
		dw.RegisterActivity(&fakeDirectory{})
		if err := dw.Start(); err != nil {
			t.Fatal(err)
		}
		defer dw.Stop()
		action := workflows.DirectorySyncScheduleAction(queue)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: action.ID, TaskQueue: action.TaskQueue,
			WorkflowExecutionTimeout: action.WorkflowExecutionTimeout}, action.Workflow, action.Args...)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.wait(t, run.GetID(), nil); err == nil {
			t.Fatal("the synchronisation succeeded, want it to fail for rouen")
		}
		r.record(t, run.GetID(), directorySet, "one-academy-fails")
	})

	t.Run("the benchmark's empty workflow completes", func(t *testing.T) {
		bw := sdkworker.New(c, workflows.BenchTaskQueue, sdkworker.Options{})
		bw.RegisterWorkflowWithOptions(workflows.BenchEmptyWorkflow, workflow.RegisterOptions{Name: workflows.BenchWorkflowName})
		if err := bw.Start(); err != nil {
			t.Fatal(err)
		}
		defer bw.Stop()
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "bench-record", TaskQueue: workflows.BenchTaskQueue},
			workflows.BenchWorkflowName)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.wait(t, run.GetID(), nil); err != nil {
			t.Fatal(err)
		}
		r.record(t, run.GetID(), benchSet, "empty")
	})
}

// update sends an Update to a ticket and waits for its result.
func update(t *testing.T, c client.Client, number, name string, arg any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.TicketWorkflowID(number), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
	if err := h.Get(ctx, nil); err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
}
