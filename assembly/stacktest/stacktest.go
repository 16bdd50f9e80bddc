// Package stacktest starts Guichet for end-to-end tests the way production
// does, through assembly.New: a test database (storetest, SQLite unless a
// test passes one of storetest.Backends), an in-memory Temporal server
// (temporaltest) unless WithoutTemporal, the Temporal worker with the real
// activities and outbox, intake, the web app, and the replies listener
// with WithMailListener. Seed fills the directory every end-to-end test
// works with (Créteil and Rouen, their people, groups and categories); the
// Stack's methods send Updates and wait for the projection. Only test
// binaries import it.
package stacktest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"guichet/assembly"
	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/worker"
	"guichet/workflows"
)

// Wait bounds every wait for an asynchronous outcome of a stack: a guard
// against a hung test, not an assertion on speed.
const Wait = 90 * time.Second

// BaseURL is the public URL of a test stack, found in the links of its
// mails.
const BaseURL = "https://guichet.test"

// Config is the configuration end-to-end tests start from: the defaults
// with always-open hours, timers that never fire during a test, the
// académies of the seed, a From for mails, BaseURL, and a task queue of
// its own.
func Config() config.Config {
	cfg := config.Defaults()
	cfg.Temporal.TaskQueue = "guichet-e2e"
	cfg.Tickets.PickupDeadline = time.Hour
	cfg.Tickets.ValidationDeadline = 24 * time.Hour
	cfg.Tickets.ValidationReminder = 20 * time.Hour
	cfg.Tickets.WaitingReminder = 24 * time.Hour
	cfg.Tickets.OpeningHours = AlwaysOpen("UTC")
	cfg.Academies = []config.Academy{{Code: "creteil", Name: "Académie de Créteil"}, {Code: "rouen", Name: "Académie de Rouen"}}
	cfg.Mail.From = "Guichet <guichet@ac-creteil.fr>"
	cfg.Web.BaseURL = BaseURL
	return cfg
}

// AlwaysOpen is opening hours open every day but for the last minute of
// each, so that deadlines run in wall-clock time.
func AlwaysOpen(timeZone string) config.OpeningHours {
	return config.OpeningHours{TimeZone: timeZone, Open: "00:00", Close: "23:59",
		Days: []int{1, 2, 3, 4, 5, 6, 7}, Holidays: "none"}
}

// Option changes what New starts.
type Option func(*settings)

type settings struct {
	db       *store.DB
	client   client.Client
	temporal bool
	seed     bool
	listener bool
	logger   *slog.Logger
	intake   *intake.Service
}

// WithDB runs the stack on db (from storetest.Backends, say) instead of a
// fresh SQLite database.
func WithDB(db *store.DB) Option { return func(s *settings) { s.db = db } }

// WithoutTemporal starts no Temporal server and no worker: the web app
// alone, with a nil Temporal client and no intake (handler tests).
func WithoutTemporal() Option { return WithTemporalClient(nil) }

// WithTemporalClient starts no Temporal server and no worker: the web app
// alone on client c (one that cannot connect, say; nil is
// WithoutTemporal).
func WithTemporalClient(c client.Client) Option {
	return func(s *settings) { s.temporal, s.client = false, c }
}

// WithoutSeed leaves the database as it is (the test seeds its own).
func WithoutSeed() Option { return func(s *settings) { s.seed = false } }

// WithMailListener serves the listener of replies to mails on a loopback
// port (Stack.SMTPAddr); it needs mail.listen_addr set (any value).
func WithMailListener() Option { return func(s *settings) { s.listener = true } }

// WithIntake gives the web app the intake service in (one on another
// database, or with a fake Temporal).
func WithIntake(in *intake.Service) Option { return func(s *settings) { s.intake = in } }

// WithLogger gives the parts a logger (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// Stack is a running Guichet for one test, stopped at its end.
type Stack struct {
	*assembly.App
	// World is what Seed created (nil WithoutSeed).
	*World
	// Server is the Temporal server (nil WithoutTemporal).
	Server *temporaltest.TestServer
	// SMTPAddr is the address of the replies listener (WithMailListener).
	SMTPAddr string
}

// New starts a stack configured by cfg (Config() adjusted, usually). With
// Temporal, cfg's namespace becomes the test server's, and the worker
// runs until the end of the test; the mail sender and the resumer do not
// run (tests read the outbox and call the resumer themselves).
func New(t *testing.T, cfg config.Config, opts ...Option) *Stack {
	t.Helper()
	s := settings{temporal: true, seed: true}
	for _, o := range opts {
		o(&s)
	}
	if s.db == nil {
		s.db = storetest.SQLite(t)
	}
	st := &Stack{}
	c := s.client
	if s.temporal {
		st.Server = temporaltest.NewServer(temporaltest.WithT(t))
		c = st.Server.GetDefaultClient()
		cfg.Temporal.Namespace = st.Server.GetDefaultNamespace()
		if err := worker.EnsureSearchAttributes(context.Background(), c, cfg.Temporal.Namespace); err != nil {
			t.Fatal(err)
		}
	}
	parts := assembly.All
	if !s.temporal {
		parts = assembly.Web
	}
	app, err := assembly.New(cfg, s.db, c, assembly.Options{Parts: parts, Logger: s.logger, Intake: s.intake})
	if err != nil {
		t.Fatal(err)
	}
	st.App = app
	if s.temporal {
		if err := app.Worker.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(app.Worker.Stop)
	}
	if s.listener {
		st.SMTPAddr = serveListener(t, app)
	}
	if s.seed {
		st.World = Seed(t, s.db)
	}
	return st
}

// serveListener serves app's replies listener on a free loopback port
// until the end of the test and returns its address.
func serveListener(t testing.TB, app *assembly.App) string {
	t.Helper()
	if app.Listener == nil {
		t.Fatal("stacktest: WithMailListener needs mail.listen_addr set in the configuration")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener.Serve(ln) }()
	t.Cleanup(func() {
		_ = app.Listener.Close() // the test is over; Serve reports the end
		<-done
	})
	return ln.Addr().String()
}

// Update sends the Update name with arg to the workflow of ticket number
// and waits until it is applied.
func (st *Stack) Update(t testing.TB, number, name string, arg any) workflows.UpdateResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	h, err := st.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.TicketWorkflowID(number), UpdateName: name, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		t.Fatalf("update %s %s: %v", number, name, err)
	}
	var res workflows.UpdateResult
	if err := h.Get(ctx, &res); err != nil {
		t.Fatalf("update %s %s: %v", number, name, err)
	}
	return res
}

// WaitTicket polls the projection of ticket number until cond holds (what
// says what for the failure) and returns the ticket.
func (st *Stack) WaitTicket(t testing.TB, number, what string, cond func(*store.Ticket) bool) *store.Ticket {
	t.Helper()
	var last *store.Ticket
	Eventually(t, what, func() bool {
		tk, err := st.DB.GetTicket(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		last = tk
		return cond(tk)
	})
	return last
}

// Eventually polls cond until it holds, failing the test after Wait.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Discard is a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// FreeAddr returns a loopback address whose port is free right now.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
