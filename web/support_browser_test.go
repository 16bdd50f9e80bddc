package web_test

// A technician's journey in a real browser on the whole stack: pick a
// ticket up from the queue, ask the requester a question, resolve it; with
// an axe-core accessibility audit and a screenshot of each screen.

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store/storetest"
	"guichet/workflows"
)

func TestBrowserSupportPickUpAskResolve(t *testing.T) {
	ctx := browserContext(t)
	cfg := stackConfig()
	cfg.Temporal.UIURL = "http://localhost:8233"
	st := newTestStackOn(t, storetest.SQLite(t), cfg)
	number := st.submit(t, "agent", ticketOpts{description: "Mon écran s'est éteint deux fois d'un seul coup.\nIl ne se rallume plus."})
	older := st.submit(t, "collegue", ticketOpts{description: "L'imprimante du 2e étage bourre."})
	base := st.listen(t)

	// A generous bound, so a hung browser fails the test rather than CI.
	ctx, problems := browserSession(t, ctx, 3*time.Minute)

	browse(t, ctx, "sign in to the queue",
		signInActions(base+"/support/file", "tech", `#file`),
	)

	t.Run("the queue shows both tickets with a live countdown", func(t *testing.T) {
		for _, n := range []string{number, older} {
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#ticket-"+n))); err != nil {
				t.Fatalf("row %s: %v", n, err)
			}
		}
		got := pageText(t, ctx, "#ticket-"+number+" time[data-countdown]")
		if !regexp.MustCompile(`^Reste \d+ (h \d\d min|min \d\d s)$`).MatchString(got) {
			t.Fatalf("countdown %q", got)
		}
		// The script rewrites the countdown from its deadline.
		browse(t, ctx, "countdown script",
			chromedp.Evaluate[chromedp.Void](`document.querySelector("time[data-countdown]").textContent = "?"; true`),
			chromedp.Poll[chromedp.Void](`document.querySelector("time[data-countdown]").textContent.startsWith("Reste ")`),
		)
		screenshot(t, ctx, "support-file")
		axeAuditAll(t, ctx, "/support/file")
	})

	t.Run("a technician picks a ticket up from the queue", func(t *testing.T) {
		browse(t, ctx, "bulk pick-up",
			chromedp.Click(chromedp.CSS("#choix-"+number)),
			chromedp.Click(chromedp.CSS(`#lot-prendre`)),
			chromedp.WaitVisible(chromedp.CSS(`#resultats`)),
		)
		if got := pageText(t, ctx, "#resultats"); !strings.Contains(got, number+" : Pris en charge") || strings.Contains(got, older) {
			t.Fatalf("results %q", got)
		}
		if got := pageText(t, ctx, "#ticket-"+number+" .technicien"); got != "ROBERT, Marc" {
			t.Fatalf("technician %q", got)
		}
		screenshot(t, ctx, "support-file-prise-en-charge")
	})

	t.Run("the workspace shows the ticket and asks the requester a question", func(t *testing.T) {
		browse(t, ctx, "open workspace",
			chromedp.Click(chromedp.CSS(`#ticket-`+number+` a[href="/support/incidents/`+number+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#form-questionner`)),
		)
		if got := pageText(t, ctx, "#carte .carte-nom"); got != "MARTIN, Claire" {
			t.Fatalf("identity card %q", got)
		}
		if got := pageText(t, ctx, "#temporal"); got != "Voir dans Temporal" {
			t.Fatalf("temporal link %q", got)
		}
		screenshot(t, ctx, "support-incident")
		axeAuditAll(t, ctx, "/support/incidents/:number")
		browse(t, ctx, "ask",
			chromedp.SendKeys(chromedp.CSS(`#questionner-texte`), "Quel est le modèle de votre écran ?"),
			chromedp.Click(chromedp.CSS(`#questionner`)),
			chromedp.WaitVisible(chromedp.CSS(`#confirmation`)),
		)
		// DSFR badges are upper-cased by CSS: compare without case.
		if got := pageText(t, ctx, "#statut"); !strings.EqualFold(got, "En attente d'information") {
			t.Fatalf("status %q", got)
		}
		if got := pageText(t, ctx, ".evenement--info_requested"); !strings.Contains(got, "Quel est le modèle de votre écran ?") {
			t.Fatalf("event %q", got)
		}
	})

	// The requester answers (their own screens are tested elsewhere).
	st.update(t, number, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: st.actor("agent"), Body: "Un Dell P2419H."})

	t.Run("the technician resolves the ticket", func(t *testing.T) {
		browse(t, ctx, "resolve",
			chromedp.Navigate(base+"/support/incidents/"+number),
			chromedp.WaitVisible(chromedp.CSS(`#form-resoudre`)),
			chromedp.SendKeys(chromedp.CSS(`#resoudre-solution`), "Le câble vidéo a été remplacé ; l'écran fonctionne."),
			chromedp.Click(chromedp.CSS(`#resoudre`)),
			chromedp.WaitVisible(chromedp.CSS(`#confirmation`)),
		)
		if got := pageText(t, ctx, "#statut"); !strings.EqualFold(got, "Résolu — en attente de validation") {
			t.Fatalf("status %q", got)
		}
		if got := pageText(t, ctx, "#solution"); !strings.Contains(got, "Le câble vidéo a été remplacé") {
			t.Fatalf("solution %q", got)
		}
		screenshot(t, ctx, "support-incident-resolu")
		axeAuditAll(t, ctx, "/support/incidents/:number (résolu)")
	})

	t.Run("Mes tickets lists the resolved ticket", func(t *testing.T) {
		browse(t, ctx, "mes tickets",
			chromedp.Navigate(base+"/support/mes-tickets"),
			chromedp.WaitVisible(chromedp.CSS("#ticket-"+number)),
		)
		screenshot(t, ctx, "support-mes-tickets")
		axeAuditAll(t, ctx, "/support/mes-tickets")
	})

	for _, p := range problems.list() {
		t.Errorf("browser console: %s", p)
	}
}
