package web_test

// The Temporal-backed test stack. Every web test that needs real workflows
// (creating tickets, actions through Updates) uses newTestStack: it links
// the in-process Temporal server into the test binary once for the whole
// package.

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"guichet/activities"
	"guichet/config"
	"guichet/intake"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/web"
	"guichet/worker"
	"guichet/workflows"
)

// stackWait bounds every wait for an asynchronous outcome of the stack; a
// guard against a hung test, not an assertion on speed.
const stackWait = 90 * time.Second

// Entities of the stack's directory.
const (
	stackEntity      = "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"
	stackOtherEntity = "EN/ACADEMIE DE CRETEIL/DSDEN DU VAL-DE-MARNE"
	stackSchool      = "0940120X/LYCEE LOUISE MICHEL/CHAMPIGNY-SUR-MARNE"
)

// testStack is a whole running Guichet for web tests: a real database, an
// in-process Temporal server, the worker with the real activities and
// outbox, intake, and the web server wired to all of them. It embeds env,
// so e.browser(t), signIn, parse… work as in the other web tests.
type testStack struct {
	*env
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
	cfg.Tickets.PickupDeadline = time.Hour
	cfg.Tickets.ValidationDeadline = 72 * time.Hour
	cfg.Tickets.ValidationReminder = 48 * time.Hour
	cfg.Tickets.WaitingReminder = 72 * time.Hour
	cfg.Tickets.OpeningHours = config.OpeningHours{TimeZone: "Europe/Paris", Open: "00:00", Close: "23:59",
		Days: []int{1, 2, 3, 4, 5, 6, 7}, Holidays: "none"}
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
	ctx := context.Background()
	srv := temporaltest.NewServer(temporaltest.WithT(t))
	tc := srv.GetDefaultClient()
	if err := worker.EnsureSearchAttributes(ctx, tc, srv.GetDefaultNamespace()); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	outbox := mail.NewOutbox(db, config.Mail{From: "Guichet <guichet@ac-creteil.fr>"}, "https://guichet.test")
	if err := outbox.Err(); err != nil {
		t.Fatal(err)
	}
	w := worker.New(tc, cfg, &activities.Activities{DB: db, Outbox: outbox, BaseURL: "https://guichet.test",
		WebhookKey: store.NewWebhookKey(cfg.WebhookSecretKey()), WebhookAllowPrivate: cfg.Webhooks.AllowPrivateTargets})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	in := intake.New(db, tc, cfg, logger)
	st := &testStack{cfg: cfg, temporal: tc, intake: in, people: map[string]*store.Person{}, leaves: map[string]store.Category{}}
	st.seed(t, db)
	reg := prometheus.NewRegistry()
	ws, err := web.New(web.Deps{Config: cfg, DB: db, Temporal: tc, Registry: reg, Logger: logger, Intake: in})
	if err != nil {
		t.Fatal(err)
	}
	st.env = &env{t: t, db: db, srv: ws, reg: reg}
	return st
}

// seed fills the directory, roles, groups and categories of the stack.
func (st *testStack) seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, a := range []store.Academy{{Code: "creteil", Name: "Académie de Créteil"}, {Code: "rouen", Name: "Académie de Rouen"}} {
		if err := db.UpsertAcademy(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateNewsUnaudited(ctx, &store.News{AcademyCode: "creteil", Title: "Bienvenue sur Guichet",
		Body: "La plateforme d'assistance est ouverte."}); err != nil {
		t.Fatal(err)
	}
	g := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
	if err := db.CreateGroupUnaudited(ctx, g); err != nil {
		t.Fatal(err)
	}
	st.group = g.ID
	type who struct {
		login, last, first, academy, entity, location, role string
		account                                             bool
	}
	for _, p := range []who{
		{"agent", "MARTIN", "Claire", "creteil", stackEntity, "94/CRETEIL/RECTORAT ACADEMIE DE CRETEIL", store.RoleRequester, true},
		{"collegue", "BERNARD", "Julien", "creteil", stackEntity, "94/CRETEIL/RECTORAT ACADEMIE DE CRETEIL", store.RoleRequester, true},
		{"etranger", "PETIT", "Sophie", "creteil", stackOtherEntity, "94/CRETEIL/DSDEN 94", store.RoleRequester, true},
		{"eleve", "DURAND", "Paul", "creteil", stackSchool, "94/CHAMPIGNY-SUR-MARNE/LYCEE LOUISE MICHEL", "", false},
		{"tech", "ROBERT", "Marc", "creteil", "EN/ACADEMIE DE CRETEIL/DSI", "94/CRETEIL/RECTORAT ACADEMIE DE CRETEIL", store.RoleTechnician, true},
		{"superviseur", "RICHARD", "Anne", "creteil", "EN/ACADEMIE DE CRETEIL/DSI", "94/CRETEIL/RECTORAT ACADEMIE DE CRETEIL", store.RoleSupervisor, true},
		{"rouen", "LEROY", "Hugo", "rouen", stackEntity, "76/ROUEN/RECTORAT", store.RoleRequester, true},
	} {
		person := &store.Person{AcademyCode: p.academy, Login: p.login, LastName: p.last, FirstName: p.first,
			Email: p.login + "@ac-" + p.academy + ".fr", Phone: "01 57 02 60 00", Location: p.location,
			Entity: p.entity, Service: "DSI", Office: "214"}
		if err := db.CreatePerson(ctx, person); err != nil {
			t.Fatal(err)
		}
		if p.account {
			if err := db.SetPassword(ctx, person.ID, testPassword); err != nil {
				t.Fatal(err)
			}
		}
		if p.role != "" {
			if err := db.GrantRoleUnaudited(ctx, person.ID, p.academy, p.role); err != nil {
				t.Fatal(err)
			}
		}
		if p.role == store.RoleTechnician {
			if err := db.AddGroupMemberUnaudited(ctx, g.ID, person.ID); err != nil {
				t.Fatal(err)
			}
		}
		st.people[p.login] = person
	}
	for _, a := range []*store.Asset{
		{PersonID: st.people["agent"].ID, Kind: "Écran", Brand: "Dell", Model: "P2419H", Serial: "CN-0ABC-123", Maintenance: "Garantie 2027", Placement: "Bureau 214"},
		{PersonID: st.people["eleve"].ID, Kind: "Vidéoprojecteur", Brand: "Epson", Model: "EB-X41", Serial: "X41-778", Maintenance: "Contrat région", Placement: "Salle B12"},
	} {
		if err := db.AddAsset(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, tree := range []struct {
		root   string
		leaves []string
	}{
		{"Matériel", []string{"Écran", "Imprimante"}},
		{"Applications académiques", []string{"Messagerie"}},
	} {
		root := &store.Category{AcademyCode: "creteil", Name: tree.root}
		if err := db.CreateCategoryUnaudited(ctx, root); err != nil {
			t.Fatal(err)
		}
		for _, name := range tree.leaves {
			leaf := &store.Category{AcademyCode: "creteil", ParentID: &root.ID, Name: name}
			if err := db.CreateCategoryUnaudited(ctx, leaf); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetCategory(ctx, leaf.ID)
			if err != nil {
				t.Fatal(err)
			}
			st.leaves[name] = *got
		}
	}
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
func (st *testStack) actor(login string) workflows.Actor {
	role := map[string]string{"tech": workflows.RoleTechnician, "superviseur": workflows.RoleSupervisor}[login]
	if role == "" {
		role = workflows.RoleRequester
	}
	return workflows.Actor{PersonID: st.people[login].ID, Roles: []string{role}, Name: login}
}

// update sends an Update (as a technician would, outside the web app) and
// waits for it to be applied.
func (st *testStack) update(t *testing.T, number, name string, arg any) workflows.UpdateResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stackWait)
	defer cancel()
	h, err := st.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
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
	deadline := time.Now().Add(stackWait)
	for {
		tk, err := st.db.GetTicket(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		if cond(tk) {
			return tk
		}
		if time.Now().After(deadline) {
			t.Fatalf("ticket %s: still waiting for: %s (status %s)", number, what, tk.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signedIn returns a browser signed in as login.
func (st *testStack) signedIn(t *testing.T, login string) *browser {
	t.Helper()
	b := st.browser(t)
	b.signIn(login)
	return b
}
