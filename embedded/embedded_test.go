package embedded

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const (
	testTaskQueue = "embedded-test"
	testNamespace = "guichet-test"
	testAttribute = "GuichetTestTicket"
	greetID       = "greet-1"
	sleeperID     = "sleeper-1"
)

// greetWorkflow calls one activity: enough to prove workflow and activity tasks flow.
func greetWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	var greeting string
	err := workflow.ExecuteActivity(ctx, greetActivity, name).Get(ctx, &greeting)
	return greeting, err
}

func greetActivity(_ context.Context, name string) (string, error) {
	return "Bonjour, " + name, nil
}

// sleeperWorkflow waits on a durable timer.
func sleeperWorkflow(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return "réveillé", nil
}

// quietLogger keeps test output to warnings and errors. It writes to stderr rather than t.Log:
// server goroutines may still log while a test ends.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// testContext bounds a step so a broken server fails the test instead of hanging it.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func startTemporal(t *testing.T, opts TemporalOptions) *Temporal {
	t.Helper()
	began := time.Now()
	srv, err := StartTemporal(testContext(t), opts)
	if err != nil {
		t.Fatalf("StartTemporal: %v", err)
	}
	t.Logf("StartTemporal took %s", time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return srv
}

// startWorker dials srv and runs a worker for the test workflows; the returned stop function
// stops the worker and closes the client (also done at cleanup).
func startWorker(t *testing.T, srv *Temporal) (client.Client, func()) {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  srv.HostPort(),
		Namespace: testNamespace,
		Logger:    sdklog.NewStructuredLogger(quietLogger()),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", srv.HostPort(), err)
	}
	w := worker.New(c, testTaskQueue, worker.Options{})
	w.RegisterWorkflow(greetWorkflow)
	w.RegisterWorkflow(sleeperWorkflow)
	w.RegisterActivity(greetActivity)
	if err := w.Start(); err != nil {
		c.Close()
		t.Fatalf("start worker: %v", err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			w.Stop()
			c.Close()
		}
	}
	t.Cleanup(stop)
	return c, stop
}

// historyHas reports whether the workflow's history holds an event of type want.
func historyHas(ctx context.Context, t *testing.T, c client.Client, workflowID string, want enumspb.EventType) bool {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		if e.GetEventType() == want {
			return true
		}
	}
	return false
}

// waitForEvent long-polls the workflow's history until an event of type want is written.
func waitForEvent(ctx context.Context, t *testing.T, c client.Client, workflowID string, want enumspb.EventType) {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, workflowID, "", true, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		if e.GetEventType() == want {
			return
		}
	}
	t.Fatalf("workflow %s closed without a %s event", workflowID, want)
}

func describeNamespace(ctx context.Context, t *testing.T, c client.Client) *workflowservice.DescribeNamespaceResponse {
	t.Helper()
	desc, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: testNamespace})
	if err != nil {
		t.Fatalf("describe namespace: %v", err)
	}
	return desc
}

func TestTemporalRunsWorkflowsAndKeepsThemAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	opts := TemporalOptions{
		DataDir:          dir,
		HostPort:         "127.0.0.1:0",
		UIAddr:           "127.0.0.1:0",
		Namespace:        testNamespace,
		Retention:        30 * 24 * time.Hour,
		SearchAttributes: map[string]enumspb.IndexedValueType{testAttribute: enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		Logger:           quietLogger(),
	}

	// First life of the server.
	first := startTemporal(t, opts)
	c, stopWorker := startWorker(t, first)

	checkFirstLife(t, c, opts.Retention)

	t.Run("serves the web UI", func(t *testing.T) {
		ctx := testContext(t)
		if !strings.HasPrefix(first.UIURL(), "http://127.0.0.1:") {
			t.Fatalf("UIURL() = %q, want http://127.0.0.1:<port>", first.UIURL())
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, first.UIURL()+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", first.UIURL(), err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("read UI page: %v", err)
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "<html") {
			t.Errorf("GET / = %s with %d bytes, want 200 and an HTML page", resp.Status, len(body))
		}
	})

	// A workflow whose timer is pending when the server stops.
	ctx := testContext(t)
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: sleeperID, TaskQueue: testTaskQueue}, sleeperWorkflow, 3*time.Second); err != nil {
		t.Fatalf("start timer workflow: %v", err)
	}
	waitForEvent(ctx, t, c, sleeperID, enumspb.EVENT_TYPE_TIMER_STARTED)
	stopWorker()
	began := time.Now()
	if err := first.Stop(); err != nil {
		t.Fatalf("stop the first server: %v", err)
	}
	t.Logf("Stop took %s", time.Since(began).Round(time.Millisecond))
	stoppedAt := time.Now()

	// Second life, same data directory and gRPC port, a longer retention, no UI.
	opts.HostPort = first.HostPort()
	opts.Retention = 45 * 24 * time.Hour
	opts.UIAddr = ""
	second := startTemporal(t, opts)
	if second.HostPort() != first.HostPort() {
		t.Errorf("HostPort() = %s after restart, want %s", second.HostPort(), first.HostPort())
	}
	c, _ = startWorker(t, second)

	t.Run("runs without the web UI when UIAddr is empty", func(t *testing.T) {
		if got := second.UIURL(); got != "" {
			t.Errorf("UIURL() = %q, want empty", got)
		}
	})

	t.Run("keeps a completed workflow's history", func(t *testing.T) {
		ctx := testContext(t)
		if !historyHas(ctx, t, c, greetID, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
			t.Errorf("history of %s has no completion event after the restart", greetID)
		}
	})

	t.Run("fires a timer that was pending when the server stopped", func(t *testing.T) {
		ctx := testContext(t)
		var got string
		if err := c.GetWorkflow(ctx, sleeperID, "").Get(ctx, &got); err != nil {
			t.Fatalf("timer workflow result: %v", err)
		}
		if got != "réveillé" {
			t.Errorf("result = %q, want %q", got, "réveillé")
		}
		// Informative only: a slow stop may let the timer fire before the restart.
		t.Logf("the server was down from %s; timer workflow completed", stoppedAt.Format(time.RFC3339Nano))
	})

	t.Run("updates the retention of the existing namespace", func(t *testing.T) {
		ctx := testContext(t)
		if got := describeNamespace(ctx, t, c).GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != opts.Retention {
			t.Errorf("retention = %s, want %s", got, opts.Retention)
		}
	})
}

func TestStartTemporalReportsATakenAddressInsteadOfExiting(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = taken.Close() })
	takenAddr := taken.Addr().String()

	tests := []struct {
		name     string
		hostPort string
		uiAddr   string
		role     string
	}{
		{name: "a taken gRPC port is named in the error", hostPort: takenAddr, uiAddr: "127.0.0.1:0", role: "Temporal gRPC"},
		{name: "a taken UI port is named in the error", hostPort: "127.0.0.1:0", uiAddr: takenAddr, role: "Temporal UI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			srv, err := StartTemporal(testContext(t), TemporalOptions{
				DataDir:  dir,
				HostPort: tt.hostPort,
				UIAddr:   tt.uiAddr,
				Logger:   quietLogger(),
			})
			if err == nil {
				_ = srv.Stop()
				t.Fatal("StartTemporal succeeded on a taken port")
			}
			var inUse *AddrInUseError
			if !errors.As(err, &inUse) {
				t.Fatalf("error %v is not an *AddrInUseError", err)
			}
			if inUse.Addr != takenAddr || inUse.Role != tt.role {
				t.Errorf("AddrInUseError{Addr: %q, Role: %q}, want {%q, %q}", inUse.Addr, inUse.Role, takenAddr, tt.role)
			}
			if !strings.Contains(err.Error(), takenAddr) {
				t.Errorf("error %q does not name %s", err, takenAddr)
			}
			if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a database was created before the port check failed (stat: %v)", err)
			}
		})
	}
}

func TestStartTemporalRejectsAnUnusableAddress(t *testing.T) {
	tests := []struct {
		name     string
		hostPort string
	}{
		{name: "a host name other than localhost is refused", hostPort: "example.org:7233"},
		{name: "a missing port is refused", hostPort: "127.0.0.1"},
		{name: "an out of range port is refused", hostPort: "127.0.0.1:70000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StartTemporal(testContext(t), TemporalOptions{DataDir: t.TempDir(), HostPort: tt.hostPort, Logger: quietLogger()})
			if err == nil || !strings.Contains(err.Error(), tt.hostPort) {
				t.Errorf("StartTemporal(%q) error = %v, want one naming the address", tt.hostPort, err)
			}
		})
	}
}

// checkFirstLife runs the subtests common to every persistence on a fresh
// server: a workflow with an activity runs end to end, and the namespace has
// the retention and search attribute asked for.
func checkFirstLife(t *testing.T, c client.Client, retention time.Duration) {
	t.Helper()
	t.Run("runs a workflow with an activity end to end", func(t *testing.T) {
		ctx := testContext(t)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: greetID, TaskQueue: testTaskQueue}, greetWorkflow, "Guichet")
		if err != nil {
			t.Fatalf("start workflow: %v", err)
		}
		var got string
		if err := run.Get(ctx, &got); err != nil {
			t.Fatalf("workflow result: %v", err)
		}
		if got != "Bonjour, Guichet" {
			t.Errorf("result = %q, want %q", got, "Bonjour, Guichet")
		}
	})

	t.Run("registers the namespace with the retention and search attributes asked for", func(t *testing.T) {
		ctx := testContext(t)
		if got := describeNamespace(ctx, t, c).GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != retention {
			t.Errorf("retention = %s, want %s", got, retention)
		}
		list, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: testNamespace})
		if err != nil {
			t.Fatalf("list search attributes: %v", err)
		}
		if got := list.GetCustomAttributes()[testAttribute]; got != enumspb.INDEXED_VALUE_TYPE_KEYWORD {
			t.Errorf("search attribute %s = %s, want Keyword", testAttribute, got)
		}
	})
}
