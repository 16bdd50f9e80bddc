package torture_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.temporal.io/sdk/client"
	temporallog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"guichet/assembly"
	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/embedded"
	"guichet/intake"
	gmail "guichet/mail"
	"guichet/store"
	"guichet/worker"
	"guichet/workflows"
)

// wait bounds every wait for the stack; a guard against a hung test, not an
// assertion on speed.
const wait = 3 * time.Minute

// relay is a go-smtp server on loopback counting what it accepts by
// Message-ID; while refuse is set it answers 451 to every MAIL FROM.
type relay struct {
	port   int
	refuse atomic.Bool
	mu     sync.Mutex
	byID   map[string]int
	at     map[string][]time.Time // when each Message-ID was accepted
	refusd atomic.Int64
}

func startRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{byID: map[string]int{}, at: map[string][]time.Time{}}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }))
	s.Domain = "relay.test"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return r
}

// acceptedAt returns when the relay accepted Message-ID id, in order.
func (r *relay) acceptedAt(id string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.at[id]...)
}

// counts returns a copy of the Message-ID counts.
func (r *relay) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.byID))
	for k, v := range r.byID {
		out[k] = v
	}
	return out
}

type relaySession struct{ r *relay }

func (s *relaySession) Mail(string, *smtp.MailOptions) error {
	if s.r.refuse.Load() {
		s.r.refusd.Add(1)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (s *relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *relaySession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, m.Body)
	s.r.mu.Lock()
	id := strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
	s.r.byID[id]++
	s.r.at[id] = append(s.r.at[id], time.Now())
	s.r.mu.Unlock()
	return nil
}
func (s *relaySession) Reset()        {}
func (s *relaySession) Logout() error { return nil }

// stack is a whole Guichet on a data directory, whose parts the test stops
// and starts.
type stack struct {
	t        *testing.T
	dir      string
	hostPort string
	cfg      config.Config
	log      *slog.Logger
	db       *store.DB
	tsrv     *embedded.Temporal
	c        client.Client
	w        sdkworker.Worker
	in       *intake.Service
	bgCancel context.CancelFunc
	bgDone   sync.WaitGroup
	world    *stacktest.World
	people   map[string]*store.Person
	leaf     store.Category
	faults   []string
	// outages are the times the mail sender was cut without warning (its
	// worker process killed, the database stopped): see report.resent.
	outages []outage
}

// outage is a time a process or the database was down.
type outage struct{ from, to time.Time }

// freePort returns a loopback address free now, kept across Temporal
// restarts so clients reconnect to the same place.
func freePort(t *testing.T) string { return stacktest.FreeAddr(t) }

// stackConfig: always-open hours, a short pick-up deadline (the timer the
// suite watches fire across outages), the relay as SMTP host.
func stackConfig(dir string, relayPort int) config.Config {
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.Database.Driver = store.DriverSQLite
	cfg.Temporal.Namespace = "default"
	cfg.Temporal.TaskQueue = "guichet-torture"
	cfg.Tickets.PickupDeadline = 3 * time.Second
	cfg.Tickets.ValidationDeadline = 72 * time.Hour
	cfg.Tickets.ValidationReminder = 48 * time.Hour
	cfg.Tickets.WaitingReminder = 72 * time.Hour
	cfg.Tickets.OpeningHours = config.OpeningHours{TimeZone: "Europe/Paris", Open: "00:00", Close: "23:59",
		Days: []int{1, 2, 3, 4, 5, 6, 7}, Holidays: "none"}
	cfg.Academies = []config.Academy{{Code: "creteil", Name: "Académie de Créteil"}}
	cfg.Mail = config.Mail{From: "Guichet <guichet@ac-creteil.fr>", SMTPHost: "127.0.0.1", SMTPPort: relayPort,
		SMTPTLS: "none", ReplyDomain: "guichet.test"}
	cfg.Web.BaseURL = "https://guichet.test"
	cfg.API.RateLimit = 0 // the load polls with one token per person, faster than api.rate_limit allows
	return cfg
}

// newStack opens (and migrates) the database of dir, starts Temporal on
// hostPort with dir as its data directory, the worker and the background
// loops. seed fills an empty database.
func newStack(t *testing.T, dir, hostPort string, relayPort int, seed bool, adjust ...func(*config.Config)) *stack {
	t.Helper()
	s := openStack(t, dir, hostPort, relayPort, seed, adjust...)
	s.startWorker()
	s.startBackground()
	return s
}

// openStack is newStack without the worker and the background loops: the
// database (SQLite in dir, or the one adjust configures), Temporal and a
// client, for a test running the worker in a separate process.
func openStack(t *testing.T, dir, hostPort string, relayPort int, seed bool, adjust ...func(*config.Config)) *stack {
	t.Helper()
	s := &stack{t: t, dir: dir, hostPort: hostPort, cfg: stackConfig(dir, relayPort), people: map[string]*store.Person{}}
	for _, fn := range adjust {
		fn(&s.cfg)
	}
	s.cfg.Temporal.HostPort = hostPort
	level := slog.LevelError
	if os.Getenv("GUICHET_TORTURE_VERBOSE") == "1" {
		level = slog.LevelInfo
	}
	s.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	db, err := store.Open(s.cfg.Database.Driver, s.cfg.DatabaseDSN())
	if err != nil {
		t.Fatal(err)
	}
	s.db = db
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.startTemporal()
	c, err := client.Dial(client.Options{HostPort: hostPort, Namespace: "default",
		Logger: temporallog.NewStructuredLogger(s.log)})
	if err != nil {
		t.Fatal(err)
	}
	s.c = c
	if err := worker.EnsureSearchAttributes(context.Background(), c, "default"); err != nil {
		t.Fatal(err)
	}
	if seed {
		s.seed()
	} else {
		s.load()
	}
	return s
}

func (s *stack) startTemporal() {
	s.t.Helper()
	// The embedded server picks its internal ports free, then binds them:
	// on a busy machine another process may take one in between, so a
	// start failing on a taken address is tried again.
	var (
		tsrv *embedded.Temporal
		err  error
	)
	for attempt := 0; attempt < 5; attempt++ {
		tsrv, err = embedded.StartTemporal(context.Background(), embedded.TemporalOptions{
			DataDir: s.dir, HostPort: s.hostPort, Namespace: "default", Logger: s.log})
		if err == nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.tsrv = tsrv
}

func (s *stack) stopTemporal() {
	if s.tsrv != nil {
		if err := s.tsrv.Stop(); err != nil {
			s.t.Errorf("stop temporal: %v", err)
		}
		s.tsrv = nil
	}
}

// assemble builds the worker part of Guichet on the stack's database and
// client (assembly.New, as guichet worker does), the mail sender polling
// and backing off fast.
func (s *stack) assemble() *assembly.App {
	s.t.Helper()
	app, err := assembly.New(s.cfg, s.db, s.c, assembly.Options{Parts: assembly.Worker, Logger: s.log,
		Sender: []gmail.SenderOption{gmail.WithPollInterval(100 * time.Millisecond),
			gmail.WithBackoff(func(int) time.Duration { return 300 * time.Millisecond }), gmail.WithTimeout(5 * time.Second)}})
	if err != nil {
		s.t.Fatal(err)
	}
	return app
}

func (s *stack) startWorker() {
	s.t.Helper()
	s.w = s.assemble().Worker
	if err := s.w.Start(); err != nil {
		s.t.Fatal(err)
	}
}

func (s *stack) stopWorker() {
	if s.w != nil {
		s.w.Stop()
		s.w = nil
	}
}

// startBackground runs the mail sender and the intake resumer.
func (s *stack) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	s.bgCancel = cancel
	app := s.assemble()
	s.in = app.Intake
	s.in.ResumeEvery, s.in.ResumeAfter, s.in.StartTimeout = 300*time.Millisecond, 0, time.Second
	s.bgDone.Add(2)
	go func() { defer s.bgDone.Done(); _ = app.Sender.Run(ctx) }()
	go func() { defer s.bgDone.Done(); _ = s.in.RunResumer(ctx) }()
}

// close stops everything, worker first, database last.
func (s *stack) close() {
	if s.bgCancel != nil {
		s.bgCancel()
		s.bgDone.Wait()
		s.bgCancel = nil
	}
	s.stopWorker()
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
	s.stopTemporal()
	if s.db != nil {
		_ = s.db.Close()
		s.db = nil
	}
}

// seed fills the directory (stacktest.Seed): among others a requester
// (agent), a technician of the intake group (tech), a supervisor.
func (s *stack) seed() {
	s.world = stacktest.Seed(s.t, s.db)
	s.people, s.leaf = s.world.People, s.world.Leaves["Écran"]
}

// load reads the seeded people and category back (after a restore).
func (s *stack) load() {
	s.world = stacktest.Load(s.t, s.db)
	s.people, s.leaf = s.world.People, s.world.Leaves["Écran"]
}

// submit files a ticket through intake, as the web form does; with
// Temporal down it is kept pending and still gets its number.
func (s *stack) submit(ctx context.Context, i int) (string, error) {
	a := s.people["agent"]
	return s.in.Submit(ctx, &store.Ticket{
		AcademyCode: "creteil", RequesterID: a.ID, BeneficiaryID: a.ID, Location: a.Location, Entity: a.Entity,
		CategoryID: s.leaf.ID, CategoryPath: s.leaf.Path, Urgency: 3, Impact: 3, Priority: workflows.Priority(3, 3),
		Description: "Écran noir, poste " + strconv.Itoa(i),
	}, nil)
}

func (s *stack) actor(login string) workflows.Actor {
	return s.world.Actor(login)
}

// step is one Update of a lifecycle.
type step struct {
	name string
	arg  any
}

// plan is the lifecycle a ticket of class k is driven through, and the
// state it must end in: 0 stays new (its pick-up timer must fire: late),
// 1 in progress, 2 resolved, 3 closed (accepted).
func (s *stack) plan(k int) ([]step, string) {
	tech, agent := s.actor("tech"), s.actor("agent")
	steps := []step{
		{workflows.UpdatePickUp, workflows.PickUpInput{Actor: tech}},
		{workflows.UpdateReply, workflows.ReplyInput{Actor: tech, Body: "Nous regardons."}},
		{workflows.UpdateResolve, workflows.ResolveInput{Actor: tech, Solution: "Câble remplacé."}},
		{workflows.UpdateAccept, workflows.AcceptInput{Actor: agent, RatingDelay: 5, RatingQuality: 5}},
	}
	n, want := planCut(k)
	return steps[:n], want
}

// planCut is how many of the four lifecycle steps (pick up, reply, resolve,
// accept) a ticket of class k goes through, and the state it ends in.
func planCut(k int) (int, string) {
	switch k {
	case 0:
		return 0, workflows.StatusNew
	case 1:
		return 1, workflows.StatusInProgress
	case 2:
		return 3, workflows.StatusResolved
	}
	return 4, workflows.StatusClosed
}

// drive sends the steps, each with a stable Update ID (so a retry after a
// lost answer is not applied twice), retrying while the stack is down.
func (s *stack) drive(ctx context.Context, number string, steps []step) error {
	for _, st := range steps {
		if err := s.updateRetry(ctx, number, st); err != nil {
			return err
		}
	}
	return nil
}

func (s *stack) updateRetry(ctx context.Context, number string, st step) error {
	for {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		h, err := s.c.UpdateWorkflow(actx, client.UpdateWorkflowOptions{
			WorkflowID: workflows.TicketWorkflowID(number), UpdateID: number + "/" + st.name, UpdateName: st.name,
			Args: []any{st.arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			var res workflows.UpdateResult
			err = h.Get(actx, &res)
		}
		cancel()
		if err == nil {
			return nil
		}
		var app *temporal.ApplicationError
		if errors.As(err, &app) && app.Type() == workflows.ErrRejected {
			return err
		}
		if ctx.Err() != nil {
			return errors.Join(ctx.Err(), err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
