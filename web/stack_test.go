package web_test

// The Temporal-backed test stack. Every web test that needs real workflows
// (creating tickets, actions through Updates) uses newTestStack, the web
// tests' view of the shared stacktest.Stack: it links the in-process
// Temporal server into the test binary once for the whole package.

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

// stackWait bounds every wait for an asynchronous outcome of the stack; a
// guard against a hung test, not an assertion on speed.
const stackWait = stacktest.Wait

// Entities of the stack's directory.
const (
	stackEntity      = stacktest.Entity
	stackOtherEntity = stacktest.OtherEntity
	stackSchool      = stacktest.School
)

// testStack is a whole running Guichet for web tests (stacktest.New): a
// real database, an in-memory Temporal server, the worker with the real
// activities and outbox, intake, and the web server wired to all of them.
// It embeds env, so e.browser(t), signIn, parse… work as in the other web
// tests.
type testStack struct {
	*env
	stack    *stacktest.Stack
	cfg      config.Config
	temporal client.Client
	intake   *intake.Service
	// people by login: agent, collegue (same entity as agent), etranger
	// (another entity), eleve (school staff, no account), tech,
	// superviseur, rouen (requester of another académie).
	people map[string]*store.Person
	// leaves of Créteil's category tree by name: "Écran", "Imprimante",
	// "Messagerie"; group is the intake (level-1) group.
	leaves map[string]store.Category
	group  int64
}

// stackConfig is the configuration of the stack: timers that never fire
// during a test, always-open hours, small upload limits (tests of the
// limits send little data), its own task queue.
func stackConfig() config.Config {
	cfg := testConfig()
	cfg.Temporal.TaskQueue = "guichet-web-test"
	cfg.Web.BaseURL = stacktest.BaseURL
	cfg.Mail.From = "Guichet <guichet@ac-creteil.fr>"
	cfg.Tickets.PickupDeadline = time.Hour
	cfg.Tickets.ValidationDeadline = 72 * time.Hour
	cfg.Tickets.ValidationReminder = 48 * time.Hour
	cfg.Tickets.WaitingReminder = 72 * time.Hour
	cfg.Tickets.OpeningHours = stacktest.AlwaysOpen("Europe/Paris")
	cfg.Tickets.MaxFileBytes = 64 << 10
	cfg.Tickets.MaxTicketBytes = 160 << 10
	cfg.Academies = []config.Academy{{Code: "creteil", Name: "Académie de Créteil"}, {Code: "rouen", Name: "Académie de Rouen"}}
	// The webhook tests' receivers listen on the loopback; secrets are
	// derived from a key, as in production.
	cfg.Webhooks.AllowPrivateTargets = true
	cfg.Webhooks.SecretKey = "web tests webhook key"
	return cfg
}

// newTestStack starts a stack on a fresh SQLite database.
func newTestStack(t *testing.T) *testStack {
	t.Helper()
	return newTestStackOn(t, storetest.SQLite(t), stackConfig())
}

// newTestStackOn starts a stack on db (from storetest.Backends, so table
// tests may run on PostgreSQL too) with configuration cfg (stackConfig()
// adjusted).
func newTestStackOn(t *testing.T, db *store.DB, cfg config.Config) *testStack {
	t.Helper()
	s := stacktest.New(t, cfg, stacktest.WithDB(db))
	return &testStack{env: &env{t: t, db: db, srv: s.Web, reg: s.Registry}, stack: s,
		cfg: s.Config, temporal: s.Temporal, intake: s.Intake, people: s.People, leaves: s.Leaves, group: s.Group}
}

// ticketOpts tweaks a ticket filed with submit.
type ticketOpts struct {
	beneficiary string // login; "" = the requester
	private     bool
	description string
	files       []store.Attachment
}

// submit files a ticket of Créteil through the real intake (as the form
// does) and waits until its workflow has started and routed it.
func (st *testStack) submit(t *testing.T, requester string, o ticketOpts) string {
	t.Helper()
	ben := st.people[requester]
	if o.beneficiary != "" {
		ben = st.people[o.beneficiary]
	}
	if o.description == "" {
		o.description = "L'écran reste noir au démarrage."
	}
	leaf := st.leaves["Écran"]
	number, err := st.intake.Submit(context.Background(), &store.Ticket{
		AcademyCode: "creteil", RequesterID: st.people[requester].ID, BeneficiaryID: ben.ID,
		Location: ben.Location, Entity: ben.Entity, Phone: ben.Phone,
		CategoryID: leaf.ID, CategoryPath: leaf.Path, Urgency: 3, Impact: 3, Priority: workflows.Priority(3, 3),
		Private: o.private, Description: o.description,
	}, o.files)
	if err != nil {
		t.Fatal(err)
	}
	st.waitTicket(t, number, "routed to the platform group", func(tk *store.Ticket) bool {
		return tk.WorkflowStartedAt != nil && tk.GroupID != nil
	})
	return number
}

// actor is login acting with their roles in Créteil.
func (st *testStack) actor(login string) workflows.Actor { return st.stack.Actor(login) }

// update sends an Update (as a technician would, outside the web app) and
// waits for it to be applied.
func (st *testStack) update(t *testing.T, number, name string, arg any) workflows.UpdateResult {
	t.Helper()
	return st.stack.Update(t, number, name, arg)
}

// resolve brings a ticket to resolved: the technician picks it up and
// resolves it.
func (st *testStack) resolve(t *testing.T, number string) {
	t.Helper()
	st.update(t, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: st.actor("tech")})
	st.update(t, number, workflows.UpdateResolve, workflows.ResolveInput{Actor: st.actor("tech"),
		Solution: "Le câble vidéo a été remplacé."})
}

// waitTicket polls the projection until cond holds and returns the ticket.
func (st *testStack) waitTicket(t *testing.T, number, what string, cond func(*store.Ticket) bool) *store.Ticket {
	t.Helper()
	return st.stack.WaitTicket(t, number, what, cond)
}

// webhookLog polls Créteil's webhook delivery log (the last ten) until done
// holds or stackWait has passed, and returns the last read: the caller
// checks it, so that a timeout fails with what the log did show.
func (st *testStack) webhookLog(t *testing.T, done func([]store.WebhookLogEntry) bool) []store.WebhookLogEntry {
	t.Helper()
	deadline := time.Now().Add(stackWait)
	for {
		log, err := st.db.WebhookDeliveries(context.Background(), "creteil", 10)
		if err != nil {
			t.Fatal(err)
		}
		if done(log) || time.Now().After(deadline) {
			return log
		}
		time.Sleep(50 * time.Millisecond)
	}
}
