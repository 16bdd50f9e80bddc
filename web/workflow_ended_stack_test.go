package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/config"
	"guichet/mail"
	"guichet/reconcile"
	"guichet/workflows"
)

// A ticket's workflow terminated from outside Guichet (as from the
// Temporal Web UI or CLI) is found by the reconciliation: the ticket is
// flagged, the supervisors are mailed once and find it on their
// dashboard, and both ticket pages show the alert, which a healthy ticket
// never shows.
func TestATicketWhoseWorkflowIsTerminatedOutsideGuichetIsReconciled(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	stopped := st.submit(t, "agent", ticketOpts{})
	healthy := st.submit(t, "agent", ticketOpts{description: "L'imprimante ne répond plus."})

	cancelled := st.submit(t, "agent", ticketOpts{description: "La messagerie refuse mon mot de passe."})
	if err := st.temporal.TerminateWorkflow(ctx, workflows.TicketWorkflowID(stopped), "",
		"terminé depuis l'interface de Temporal"); err != nil {
		t.Fatal(err)
	}
	if err := st.temporal.CancelWorkflow(ctx, workflows.TicketWorkflowID(cancelled), ""); err != nil {
		t.Fatal(err)
	}

	outbox := mail.NewOutbox(st.db, config.Mail{From: "Guichet <guichet@ac-creteil.fr>"}, "https://guichet.test")
	rec, err := reconcile.New(st.db, st.temporal, outbox, st.cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st.reg)
	if err != nil {
		t.Fatal(err)
	}
	// Visibility lags behind the termination: pass again until both show.
	found := map[string]string{}
	deadline := time.Now().Add(stackWait)
	for len(found) < 2 {
		fs, err := rec.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if _, dup := found[f.Number]; dup {
				t.Errorf("%s reported twice", f.Number)
			}
			found[f.Number] = f.Status
		}
		if len(found) < 2 && time.Now().After(deadline) {
			t.Fatalf("the reconciliation found only %v", found)
		}
		time.Sleep(100 * time.Millisecond)
	}

	t.Run("it reports the terminated and the cancelled tickets, once", func(t *testing.T) {
		if found[stopped] != "Terminated" || found[cancelled] != "Canceled" || len(found) != 2 {
			t.Fatalf("found = %v, want %s Terminated and %s Canceled", found, stopped, cancelled)
		}
		again, err := rec.Reconcile(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second pass = %v, %v; want nothing new", again, err)
		}
		if got := reconciledCount(t, st, "Terminated"); got != 1 {
			t.Errorf("guichet_reconcile_workflows_ended_total{status=Terminated} = %v, want 1", got)
		}
		if got := reconciledCount(t, st, "Canceled"); got != 1 {
			t.Errorf("guichet_reconcile_workflows_ended_total{status=Canceled} = %v, want 1", got)
		}
	})

	t.Run("the ticket is flagged and keeps its status", func(t *testing.T) {
		tk, err := st.db.GetTicket(ctx, stopped)
		if err != nil {
			t.Fatal(err)
		}
		if tk.WorkflowEndedStatus != "Terminated" || tk.WorkflowEndedAt == nil {
			t.Errorf("flag = %q at %v, want Terminated with a time", tk.WorkflowEndedStatus, tk.WorkflowEndedAt)
		}
		if tk.Status != workflows.StatusNew {
			t.Errorf("status = %q, want still %q", tk.Status, workflows.StatusNew)
		}
		other, err := st.db.GetTicket(ctx, healthy)
		if err != nil {
			t.Fatal(err)
		}
		if other.WorkflowEndedStatus != "" {
			t.Errorf("healthy ticket flagged %q", other.WorkflowEndedStatus)
		}
	})

	t.Run("the académie's supervisors are mailed once", func(t *testing.T) {
		mails, err := st.db.ListMailsForTicket(ctx, stopped)
		if err != nil {
			t.Fatal(err)
		}
		var notices []string
		for _, m := range mails {
			if strings.Contains(m.Subject, "traitement arrêté hors de Guichet") {
				notices = append(notices, m.ToAddr)
			}
		}
		if len(notices) != 1 || notices[0] != st.people["superviseur"].Email {
			t.Fatalf("notices to %v, want one to %s", notices, st.people["superviseur"].Email)
		}
	})

	t.Run("the supervisors' dashboard lists the stopped ticket", func(t *testing.T) {
		b := st.signedIn(t, "superviseur")
		resp := b.get("/pilotage")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /pilotage = %d", resp.StatusCode)
		}
		links := parse(t, resp).Find("#traitements-arretes a")
		var listed []string
		links.Each(func(_ int, a *goquery.Selection) { listed = append(listed, text(a)) })
		slices.Sort(listed)
		want := []string{stopped, cancelled}
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("stopped tickets listed = %v, want %v", listed, want)
		}
	})

	pages := []struct{ who, path string }{
		{"agent", "/incidents/"}, {"tech", "/support/incidents/"},
	}
	for _, p := range pages {
		t.Run("the page "+p.path+" shows "+p.who+" the alert on the stopped ticket only", func(t *testing.T) {
			b := st.signedIn(t, p.who)
			resp := b.get(p.path + stopped)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s%s = %d", p.path, stopped, resp.StatusCode)
			}
			alert := parse(t, resp).Find("#traitement-arrete.fr-alert")
			if alert.Length() != 1 || !strings.Contains(text(alert), "arrêté en dehors de Guichet") ||
				!strings.Contains(text(alert), "Le support en a été informé") {
				t.Errorf("alert = %q, want one saying processing stopped outside Guichet and support told", text(alert))
			}
			resp = b.get(p.path + healthy)
			if n := parse(t, resp).Find("#traitement-arrete").Length(); n != 0 {
				t.Errorf("healthy ticket %s shows the alert", healthy)
			}
		})
	}

	t.Run("the stopped ticket offers no action, the healthy one does", func(t *testing.T) {
		agent, tech := st.signedIn(t, "agent"), st.signedIn(t, "tech")
		actions := `form[method="post"][action*="/incidents/"]:not(#form-favori), a[href$="/informations"], a[href$="/annulation"]`
		if n := parse(t, agent.get("/incidents/"+stopped)).Find(actions).Length(); n != 0 {
			t.Errorf("requester's page of %s offers %d actions", stopped, n)
		}
		if n := parse(t, tech.get("/support/incidents/"+stopped)).Find(`form[action^="/support/incidents/"]`).Length(); n != 0 {
			t.Errorf("support page of %s offers %d action forms", stopped, n)
		}
		if n := parse(t, tech.get("/support/incidents/"+healthy)).Find(`form[action^="/support/incidents/"]`).Length(); n == 0 {
			t.Errorf("support page of healthy %s offers no action", healthy)
		}
	})

	t.Run("an action posted on the stopped ticket is refused with the reason", func(t *testing.T) {
		tech := st.signedIn(t, "tech")
		resp := supportPost(t, tech, stopped, "prendre", nil)
		doc := parse(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(text(doc.Find("#form-prendre .erreur, .erreur, #refus-action")), "arrêté en dehors de Guichet") {
			t.Fatalf("pick-up on %s: status %d, message %q", stopped, resp.StatusCode, text(doc.Find(".erreur")))
		}
		tk, err := st.db.GetTicket(ctx, stopped)
		if err != nil {
			t.Fatal(err)
		}
		if tk.TechnicianID != nil {
			t.Errorf("ticket %s got technician %d", stopped, *tk.TechnicianID)
		}
	})
}

// reconciledCount reads guichet_reconcile_workflows_ended_total{status}
// from the stack's registry (0 when absent).
func reconciledCount(t *testing.T, st *testStack, status string) float64 {
	t.Helper()
	families, err := st.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "guichet_reconcile_workflows_ended_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "status" && l.GetValue() == status {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
