package worker_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"guichet/activities"
	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/worker"
	"guichet/workflows"
)

// cuttableProxy forwards TCP connections to target until cut, which
// closes its listener and every connection at once: to the Temporal
// server, a worker dialled through it dies as if its process were killed
// (no last heartbeat, no failure reported, no goodbye).
type cuttableProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	cut    bool
}

func newCuttableProxy(t *testing.T, target string) *cuttableProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttableProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(p.Cut)
	return p
}

func (p *cuttableProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			_ = in.Close()
			_ = out.Close()
			return
		}
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
		go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
	}
}

// Cut closes the proxy and every connection through it.
func (p *cuttableProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return
	}
	p.cut = true
	_ = p.ln.Close()
	for _, c := range p.conns {
		_ = c.Close()
	}
}

// hangingReceiver holds the first request it gets until released (the
// receiver is slow while the worker dies) and accepts the next ones.
type hangingReceiver struct {
	arrived  chan struct{}
	release  chan struct{}
	mu       sync.Mutex
	requests int
}

func (h *hangingReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	h.requests++
	first := h.requests == 1
	h.mu.Unlock()
	if first {
		close(h.arrived)
		<-h.release
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestAWebhookDeliveryWhoseWorkerDiesIsRetriedOnItsHeartbeatTimeout(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	world := stacktest.Seed(t, db)
	srv := temporaltest.NewServer(temporaltest.WithT(t))
	cfg := config.Config{Temporal: config.Temporal{TaskQueue: "guichet-heartbeat-test"}}
	key := store.NewWebhookKey("worker tests webhook key")
	outbox := mail.NewOutbox(db, config.Mail{From: "Guichet <guichet@ac-creteil.fr>"}, "https://guichet.test")
	acts := &activities.Activities{DB: db, Outbox: outbox, WebhookKey: key, WebhookAllowPrivate: true}

	recv := &hangingReceiver{arrived: make(chan struct{}), release: make(chan struct{})}
	hook := httptest.NewServer(recv)
	// Let the doomed attempt's POST end before the receiver closes.
	t.Cleanup(hook.Close)
	t.Cleanup(func() { close(recv.release) })
	if _, err := db.CreateWebhook(ctx, &store.WebhookSubscription{AcademyCode: "creteil", URL: hook.URL + "/hook",
		CreatedByID: world.People["superviseur"].ID}, key); err != nil {
		t.Fatal(err)
	}
	pending, err := db.EnqueueWebhookDeliveries(ctx, "creteil", "2026-000042",
		[]store.WebhookEvent{{Seq: 1, Kind: workflows.EventCreated, Payload: `{"event":"created"}`}})
	if err != nil || len(pending) != 1 {
		t.Fatalf("enqueue: %v, %d deliveries", err, len(pending))
	}
	id := pending[0].ID

	// The first worker reaches Temporal through a proxy that the test cuts.
	proxy := newCuttableProxy(t, srv.GetFrontendHostPort())
	doomed, err := client.Dial(client.Options{HostPort: proxy.ln.Addr().String(),
		Namespace: srv.GetDefaultNamespace(), Identity: "doomed-worker"})
	if err != nil {
		t.Fatal(err)
	}
	w1 := worker.New(doomed, cfg, acts)
	if err := w1.Start(); err != nil {
		t.Fatal(err)
	}
	// w1 cannot stop cleanly once cut; it is left to the end of the binary.

	c := srv.GetDefaultClient()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WebhookWorkflowID(id),
		TaskQueue: worker.TaskQueue(cfg)}, workflows.WebhookWorkflowName, workflows.WebhookInput{DeliveryID: id})
	if err != nil {
		t.Fatal(err)
	}
	<-recv.arrived
	proxy.Cut() // the first worker "is killed" mid-POST

	rescuer, err := client.Dial(client.Options{HostPort: srv.GetFrontendHostPort(),
		Namespace: srv.GetDefaultNamespace(), Identity: "rescuing-worker"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rescuer.Close)
	w2 := worker.New(rescuer, cfg, acts)
	if err := w2.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w2.Stop)

	// Well past the heartbeat timeout, and short of the 30 s start-to-close.
	wctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	if err := run.Get(wctx, nil); err != nil {
		t.Fatalf("delivery workflow: %v", err)
	}

	t.Run("the delivery is delivered by the second worker's attempt", func(t *testing.T) {
		d, err := db.GetWebhookDelivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.DeliveryDelivered || d.Attempts != 2 {
			t.Errorf("delivery = %s after %d attempts, want delivered on attempt 2", d.Status, d.Attempts)
		}
	})

	t.Run("the retry was started by the heartbeat timeout, not the start-to-close timeout", func(t *testing.T) {
		iter := c.GetWorkflowHistory(ctx, run.GetID(), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		found := false
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			started := ev.GetActivityTaskStartedEventAttributes()
			if started == nil {
				continue
			}
			found = true
			if started.GetAttempt() != 2 || started.GetIdentity() != "rescuing-worker" {
				t.Errorf("activity started on attempt %d by %q, want attempt 2 by rescuing-worker",
					started.GetAttempt(), started.GetIdentity())
			}
			timeout := started.GetLastFailure().GetTimeoutFailureInfo()
			if got := timeout.GetTimeoutType(); got != enumspb.TIMEOUT_TYPE_HEARTBEAT {
				t.Errorf("the first attempt failed with %v (%q), want a HEARTBEAT timeout",
					got, started.GetLastFailure().GetMessage())
			}
		}
		if !found {
			t.Fatal("no ActivityTaskStarted event in the delivery's history")
		}
	})
}
