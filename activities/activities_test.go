package activities_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"guichet/activities"
	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

// fixture is an académie with a platform group, a level-2 group routed by
// a category, people and one ticket.
type fixture struct {
	db       *store.DB
	acts     *activities.Activities
	people   map[string]int64
	platform int64
	level2   int64
	screen   int64 // category routed to the platform (intake) group
	network  int64 // category under a branch routed to level 2
	number   string
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, people: map[string]int64{}}
	f.acts = &activities.Activities{
		DB:      db,
		Outbox:  mail.NewOutbox(db, config.Mail{From: "Guichet <guichet@ac-creteil.fr>"}, "https://guichet.test"),
		BaseURL: "https://guichet.test/",
	}
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Créteil"}); err != nil {
		t.Fatal(err)
	}
	platform := &store.Group{AcademyCode: "creteil", Name: "Plateforme", Level: 1, Intake: true}
	level2 := &store.Group{AcademyCode: "creteil", Name: "Réseau", Level: 2}
	for _, g := range []*store.Group{platform, level2} {
		if err := db.CreateGroupUnaudited(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	f.platform, f.level2 = platform.ID, level2.ID
	for _, login := range []string{"agent", "collegue", "tech", "tech2", "away", "superviseur", "superviseur2", "nomail"} {
		p := &store.Person{AcademyCode: "creteil", Login: login, LastName: strings.ToUpper(login), FirstName: "Dominique",
			Email: login + "@ac-creteil.fr"}
		if login == "nomail" {
			p.Email = ""
		}
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		f.people[login] = p.ID
	}
	for _, login := range []string{"superviseur", "superviseur2", "nomail"} {
		if err := db.GrantRoleUnaudited(ctx, f.people[login], "creteil", store.RoleSupervisor); err != nil {
			t.Fatal(err)
		}
	}
	for _, login := range []string{"tech", "tech2", "away"} {
		if err := db.AddGroupMemberUnaudited(ctx, platform.ID, f.people[login]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetGroupMemberAvailableUnaudited(ctx, platform.ID, f.people["away"], false); err != nil {
		t.Fatal(err)
	}
	hw := &store.Category{AcademyCode: "creteil", Name: "Matériel"}
	if err := db.CreateCategoryUnaudited(ctx, hw); err != nil {
		t.Fatal(err)
	}
	screen := &store.Category{AcademyCode: "creteil", ParentID: &hw.ID, Name: "Écran"}
	if err := db.CreateCategoryUnaudited(ctx, screen); err != nil {
		t.Fatal(err)
	}
	net := &store.Category{AcademyCode: "creteil", Name: "Réseau", GroupID: &level2.ID}
	if err := db.CreateCategoryUnaudited(ctx, net); err != nil {
		t.Fatal(err)
	}
	wifi := &store.Category{AcademyCode: "creteil", ParentID: &net.ID, Name: "Wi-Fi"}
	if err := db.CreateCategoryUnaudited(ctx, wifi); err != nil {
		t.Fatal(err)
	}
	f.screen, f.network = screen.ID, wifi.ID
	n, err := db.CreateTicket(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: f.people["agent"],
		BeneficiaryID: f.people["collegue"], CategoryID: screen.ID, CategoryPath: "Matériel › Écran",
		Urgency: 3, Impact: 3, Priority: 5, Description: "Écran noir."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.number = n
	return f
}

// state returns the workflow snapshot of the fixture's ticket.
func (f *fixture) state(seq int64, status string) workflows.TicketState {
	return workflows.TicketState{Number: f.number, Academy: "creteil", RequesterID: f.people["agent"],
		BeneficiaryID: f.people["collegue"], Status: status, GroupID: f.platform,
		Urgency: 3, Impact: 3, Priority: 5, Seq: seq, UpdatedAt: time.Now()}
}

func TestActivityNamesMatchTheContract(t *testing.T) {
	for _, c := range []struct {
		name string
		acts any
		want []string
	}{
		{"the ticket and webhook activities are the contract's", &activities.Activities{}, []string{
			workflows.ActivityLookupTicket, workflows.ActivityNotify, workflows.ActivityPickTechnician,
			workflows.ActivityProject, workflows.ActivityRoute,
			workflows.ActivityDeliverWebhook, workflows.ActivityFailWebhook}}, // webhooks.go
		{"the directory activities are the contract's", &activities.Directory{}, []string{
			workflows.ActivityListSyncAcademies, workflows.ActivitySyncAcademy}}, // directory.go
	} {
		t.Run(c.name, func(t *testing.T) {
			typ := reflect.TypeOf(c.acts)
			var got []string
			for i := range typ.NumMethod() {
				got = append(got, typ.Method(i).Name)
			}
			sort.Strings(got)
			sort.Strings(c.want)
			if !slices.Equal(got, c.want) {
				t.Fatalf("exported methods (registered as activities) = %v, want %v", got, c.want)
			}
		})
	}
}

func TestProject(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tech := f.people["tech"]
		in := workflows.ProjectInput{
			Ticket: func() workflows.TicketState {
				s := f.state(2, workflows.StatusInProgress)
				s.TechnicianID = tech
				s.PickedUpAt = time.Now()
				return s
			}(),
			Events: []workflows.Event{{Seq: 2, Kind: workflows.EventPickedUp, ActorID: tech, Public: true,
				Data: map[string]string{"technician": "1", "a": "b"}, At: time.Now()}},
		}
		t.Run("a state change is written with its event", func(t *testing.T) {
			if _, err := f.acts.Project(ctx, in); err != nil {
				t.Fatal(err)
			}
			tk, err := db.GetTicket(ctx, f.number)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != store.StatusInProgress || tk.TechnicianID == nil || *tk.TechnicianID != tech || tk.GroupID == nil {
				t.Fatalf("ticket = %+v", tk)
			}
			ev, err := db.TicketEventAt(ctx, f.number, 2)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Data != `{"a":"b","technician":"1"}` || ev.ActorID == nil || *ev.ActorID != tech {
				t.Fatalf("event = %+v", ev)
			}
		})
		t.Run("a retried projection writes nothing twice", func(t *testing.T) {
			if _, err := f.acts.Project(ctx, in); err != nil {
				t.Fatal(err)
			}
			evs, err := db.Timeline(ctx, f.number, true)
			if err != nil || len(evs) != 2 {
				t.Fatalf("timeline = %d events, %v", len(evs), err)
			}
		})
		t.Run("bad input and a missing ticket are not retried", func(t *testing.T) {
			for name, in := range map[string]workflows.ProjectInput{
				"no number":                {Ticket: workflows.TicketState{Status: workflows.StatusNew}},
				"event without a sequence": {Ticket: f.state(3, workflows.StatusNew), Events: []workflows.Event{{Kind: workflows.EventNote}}},
				"unknown ticket": {Ticket: func() workflows.TicketState {
					s := f.state(3, workflows.StatusNew)
					s.Number = "I000101_0001"
					return s
				}()},
			} {
				_, err := f.acts.Project(ctx, in)
				var appErr *temporal.ApplicationError
				if !errors.As(err, &appErr) || !appErr.NonRetryable() {
					t.Errorf("%s: err = %v, want a non-retryable application error", name, err)
				}
			}
		})
	})
}

func TestRouteAndPick(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for _, tc := range []struct {
			name     string
			academy  string
			category int64
			want     int64
		}{
			{"a category without a route goes to the intake group", "creteil", f.screen, f.platform},
			{"a category inherits its parent's route", "creteil", f.network, f.level2},
			{"an unknown category goes to the intake group", "creteil", 99999, f.platform},
			{"an académie without an intake group leaves the ticket unrouted", "rouen", 99999, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.acts.Route(ctx, workflows.RouteInput{Number: f.number, Academy: tc.academy, CategoryID: tc.category})
				if err != nil || got.GroupID != tc.want {
					t.Fatalf("route = %+v, %v; want group %d", got, err, tc.want)
				}
			})
		}
		t.Run("the least-loaded available technician is picked", func(t *testing.T) {
			s := f.state(2, workflows.StatusInProgress)
			s.TechnicianID = f.people["tech"]
			if _, err := f.acts.Project(ctx, workflows.ProjectInput{Ticket: s}); err != nil {
				t.Fatal(err)
			}
			got, err := f.acts.PickTechnician(ctx, workflows.PickTechnicianInput{Academy: "creteil", GroupID: f.platform})
			if err != nil || got.TechnicianID != f.people["tech2"] {
				t.Fatalf("pick = %+v, %v; want tech2 (%d)", got, err, f.people["tech2"])
			}
		})
		t.Run("a group without available members yields nobody", func(t *testing.T) {
			got, err := f.acts.PickTechnician(ctx, workflows.PickTechnicianInput{Academy: "creteil", GroupID: f.level2})
			if err != nil || got.TechnicianID != 0 {
				t.Fatalf("pick = %+v, %v", got, err)
			}
		})
		t.Run("looking up a ticket reports whether it exists", func(t *testing.T) {
			got, err := f.acts.LookupTicket(ctx, workflows.LookupTicketInput{Number: f.number})
			if err != nil || !got.Found || got.Academy != "creteil" {
				t.Fatalf("lookup = %+v, %v", got, err)
			}
			got, err = f.acts.LookupTicket(ctx, workflows.LookupTicketInput{Number: "I000101_0001"})
			if err != nil || got.Found {
				t.Fatalf("lookup of an unknown ticket = %+v, %v", got, err)
			}
		})
	})
}

func TestNotify(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tech := f.people["tech"]
		resolved := f.state(3, workflows.StatusResolved)
		resolved.TechnicianID = tech
		resolved.Solution = "Câble remplacé."
		resolved.ValidationDueAt = time.Date(2026, 12, 7, 9, 5, 0, 0, time.UTC)
		if _, err := f.acts.Project(ctx, workflows.ProjectInput{Ticket: resolved, Events: []workflows.Event{
			{Seq: 2, Kind: workflows.EventPickedUp, ActorID: tech, Public: true},
			{Seq: 3, Kind: workflows.EventResolved, ActorID: tech, Public: true, Body: "Câble remplacé."},
		}}); err != nil {
			t.Fatal(err)
		}
		notify := func(t *testing.T, in workflows.NotifyInput) int {
			t.Helper()
			in.Number, in.Academy = f.number, "creteil"
			res, err := f.acts.Notify(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return res.Queued
		}
		to := func(t *testing.T, kind string) []string {
			t.Helper()
			ms, err := db.ListMailsForTicket(ctx, f.number)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range ms {
				if strings.Contains(m.DedupeKey, ":"+kind+"|") {
					out = append(out, m.ToAddr)
				}
			}
			sort.Strings(out)
			return out
		}

		resolvedMail := workflows.NotifyInput{Kind: workflows.MailResolved, Recipients: []string{workflows.RecipientRequester},
			ExcludePersonID: tech, AboutSeq: 3, Seq: 4, DedupeKey: f.number + ":3:resolved"}
		t.Run("the requester and the beneficiary are mailed the resolution", func(t *testing.T) {
			if n := notify(t, resolvedMail); n != 2 {
				t.Fatalf("queued %d mails, want 2", n)
			}
			if got := to(t, "resolved"); !slices.Equal(got, []string{"agent@ac-creteil.fr", "collegue@ac-creteil.fr"}) {
				t.Fatalf("recipients = %v", got)
			}
		})
		t.Run("the resolution mail is French, with the solution, the deadline and the link", func(t *testing.T) {
			ms, err := db.ListMailsForTicket(ctx, f.number)
			if err != nil {
				t.Fatal(err)
			}
			m := ms[0]
			for _, want := range []string{"Câble remplacé.", "07/12/2026 10:05", "https://guichet.test/incidents/" + f.number,
				"https://guichet.test/validations/" + f.number, "Bonjour"} {
				if !strings.Contains(m.TextBody, want) {
					t.Errorf("text lacks %q:\n%s", want, m.TextBody)
				}
			}
			if !strings.Contains(m.Subject, f.number) || !strings.Contains(m.HTMLBody, `<a href="https://guichet.test/incidents/`+f.number+`">`) {
				t.Errorf("subject %q / html %q", m.Subject, m.HTMLBody)
			}
		})
		t.Run("a retried notification queues nothing and records the mail once", func(t *testing.T) {
			if n := notify(t, resolvedMail); n != 0 {
				t.Fatalf("retry queued %d mails", n)
			}
			evs, err := db.Timeline(ctx, f.number, true)
			if err != nil {
				t.Fatal(err)
			}
			sent := 0
			for _, ev := range evs {
				if ev.Kind == workflows.EventMailSent {
					sent++
					if ev.Public || ev.Seq != 4 {
						t.Errorf("mail record = %+v", ev)
					}
				}
			}
			if sent != 1 {
				t.Fatalf("%d mail records, want 1", sent)
			}
		})
		t.Run("the actor is never mailed about their own action", func(t *testing.T) {
			notify(t, workflows.NotifyInput{Kind: workflows.MailClosed, Recipients: []string{workflows.RecipientRequester},
				ExcludePersonID: f.people["agent"], AboutSeq: 3})
			if got := to(t, "closed"); !slices.Equal(got, []string{"collegue@ac-creteil.fr"}) {
				t.Fatalf("recipients = %v", got)
			}
		})
		t.Run("supervisors with an address are mailed a late ticket", func(t *testing.T) {
			notify(t, workflows.NotifyInput{Kind: workflows.MailLate, Recipients: []string{workflows.RecipientSupervisors}, AboutSeq: 2})
			if got := to(t, "late"); !slices.Equal(got, []string{"superviseur2@ac-creteil.fr", "superviseur@ac-creteil.fr"}) {
				t.Fatalf("recipients = %v", got)
			}
		})
		t.Run("the available members of the group are mailed when nobody holds the ticket", func(t *testing.T) {
			unassigned := resolved
			unassigned.TechnicianID = 0
			unassigned.Status = workflows.StatusInProgress
			unassigned.Seq = 5
			if _, err := f.acts.Project(ctx, workflows.ProjectInput{Ticket: unassigned}); err != nil {
				t.Fatal(err)
			}
			notify(t, workflows.NotifyInput{Kind: workflows.MailInfoAdded, Recipients: []string{workflows.RecipientGroup},
				ExcludePersonID: f.people["agent"], AboutSeq: 3})
			if got := to(t, "info_added"); !slices.Equal(got, []string{"tech2@ac-creteil.fr", "tech@ac-creteil.fr"}) {
				t.Fatalf("recipients = %v", got)
			}
		})
		t.Run("the technician given the ticket is mailed", func(t *testing.T) {
			notify(t, workflows.NotifyInput{Kind: workflows.MailOffered, Recipients: []string{workflows.RecipientTechnician},
				TechnicianID: f.people["tech2"], AboutSeq: 2})
			if got := to(t, "offered"); !slices.Equal(got, []string{"tech2@ac-creteil.fr"}) {
				t.Fatalf("recipients = %v", got)
			}
		})
		t.Run("every mail kind composes a mail", func(t *testing.T) {
			kinds := []string{workflows.MailCreated, workflows.MailPickedUp, workflows.MailAssigned, workflows.MailOffered,
				workflows.MailReply, workflows.MailInfoRequested, workflows.MailWaitingReminder, workflows.MailInfoAdded,
				workflows.MailResolved, workflows.MailValidationReminder, workflows.MailClosed, workflows.MailRefused,
				workflows.MailCancelled, workflows.MailDuplicate, workflows.MailLate}
			for _, k := range kinds {
				if _, err := f.acts.Notify(ctx, workflows.NotifyInput{Kind: k, Number: f.number, AboutSeq: 3,
					Recipients: []string{workflows.RecipientRequester}, DedupeKey: "all:" + k}); err != nil {
					t.Errorf("%s: %v", k, err)
				}
			}
		})
		t.Run("an unknown kind or recipient is not retried", func(t *testing.T) {
			for _, in := range []workflows.NotifyInput{
				{Kind: "nope", Number: f.number, Recipients: []string{workflows.RecipientRequester}},
				{Kind: workflows.MailClosed, Number: f.number, Recipients: []string{"everyone"}},
			} {
				_, err := f.acts.Notify(ctx, in)
				var appErr *temporal.ApplicationError
				if !errors.As(err, &appErr) || !appErr.NonRetryable() {
					t.Errorf("%+v: err = %v, want non-retryable", in, err)
				}
			}
		})
	})
}
