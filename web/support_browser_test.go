package web_test

// A technician's journey in a real browser on the whole stack: pick a
// ticket up from the queue, ask the requester a question, resolve it; with
// an axe-core accessibility audit and a screenshot of each screen.

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store/storetest"
	"guichet/workflows"
)

// supportScreenshotDir is where the screens are saved (gitignored).
const supportScreenshotDir = "../test-output/screenshots"

// supportViolation is an axe-core finding, reduced to what a failure
// message needs.
type supportViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// supportAudit runs axe-core (WCAG 2.1 A and AA rules) on the current page
// and reports every violation. axe is injected through DevTools, which the
// page's Content-Security-Policy does not block.
func supportAudit(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+"\n;true")); err != nil {
		t.Fatalf("inject axe-core on %s: %v", page, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]supportViolation](`
		axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range violations {
		t.Errorf("accessibility of %s: %s (%s): %s — %v", page, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// supportScreenshot saves the whole page as test-output/screenshots/name.png.
func supportScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Quality 100 gives a PNG (below 100, a JPEG).
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(supportScreenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(supportScreenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// supportText reads the trimmed text of the first element matching sel.
func supportText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

func TestBrowserSupportPickUpAskResolve(t *testing.T) {
	ctx := browserContext(t)
	cfg := stackConfig()
	cfg.Temporal.UIURL = "http://localhost:8233"
	st := newTestStackOn(t, storetest.SQLite(t), cfg)
	number := st.submit(t, "agent", ticketOpts{description: "Mon écran s'est éteint deux fois d'un seul coup.\nIl ne se rallume plus."})
	older := st.submit(t, "collegue", ticketOpts{description: "L'imprimante du 2e étage bourre."})
	base := st.listen(t)

	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var problems consoleProblems
	problems.watch(watchCtx)
	// A generous bound, so a hung browser fails the test rather than CI.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/support/file"),
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
		chromedp.SendKeys(chromedp.CSS(`#login`), "tech"),
		chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
		chromedp.Click(chromedp.CSS(`#valider`)),
		chromedp.WaitVisible(chromedp.CSS(`#file`)),
	)
	if err != nil {
		t.Fatalf("sign in to the queue: %v", err)
	}

	t.Run("the queue shows both tickets with a live countdown", func(t *testing.T) {
		for _, n := range []string{number, older} {
			if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#ticket-"+n))); err != nil {
				t.Fatalf("row %s: %v", n, err)
			}
		}
		got := supportText(t, ctx, "#ticket-"+number+" time[data-countdown]")
		if !regexp.MustCompile(`^Reste \d+ (h \d\d min|min \d\d s)$`).MatchString(got) {
			t.Fatalf("countdown %q", got)
		}
		// The script rewrites the countdown from its deadline.
		err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`document.querySelector("time[data-countdown]").textContent = "?"; true`),
			chromedp.Poll[chromedp.Void](`document.querySelector("time[data-countdown]").textContent.startsWith("Reste ")`),
		)
		if err != nil {
			t.Fatalf("countdown script: %v", err)
		}
		supportScreenshot(t, ctx, "support-file")
		supportAudit(t, ctx, "/support/file")
	})

	t.Run("a technician picks a ticket up from the queue", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("#choix-"+number)),
			chromedp.Click(chromedp.CSS(`#lot-prendre`)),
			chromedp.WaitVisible(chromedp.CSS(`#resultats`)),
		)
		if err != nil {
			t.Fatalf("bulk pick-up: %v", err)
		}
		if got := supportText(t, ctx, "#resultats"); !strings.Contains(got, number+" : Pris en charge") || strings.Contains(got, older) {
			t.Fatalf("results %q", got)
		}
		if got := supportText(t, ctx, "#ticket-"+number+" .technicien"); got != "ROBERT, Marc" {
			t.Fatalf("technician %q", got)
		}
		supportScreenshot(t, ctx, "support-file-prise-en-charge")
	})

	t.Run("the workspace shows the ticket and asks the requester a question", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#ticket-`+number+` a[href="/support/incidents/`+number+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#form-questionner`)),
		)
		if err != nil {
			t.Fatalf("open workspace: %v", err)
		}
		if got := supportText(t, ctx, "#carte .carte-nom"); got != "MARTIN, Claire" {
			t.Fatalf("identity card %q", got)
		}
		if got := supportText(t, ctx, "#temporal"); got != "Voir dans Temporal" {
			t.Fatalf("temporal link %q", got)
		}
		supportScreenshot(t, ctx, "support-incident")
		supportAudit(t, ctx, "/support/incidents/:number")
		err = chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`#questionner-texte`), "Quel est le modèle de votre écran ?"),
			chromedp.Click(chromedp.CSS(`#questionner`)),
			chromedp.WaitVisible(chromedp.CSS(`#confirmation`)),
		)
		if err != nil {
			t.Fatalf("ask: %v", err)
		}
		// DSFR badges are upper-cased by CSS: compare without case.
		if got := supportText(t, ctx, "#statut"); !strings.EqualFold(got, "En attente d'information") {
			t.Fatalf("status %q", got)
		}
		if got := supportText(t, ctx, ".evenement--info_requested"); !strings.Contains(got, "Quel est le modèle de votre écran ?") {
			t.Fatalf("event %q", got)
		}
	})

	// The requester answers (their own screens are tested elsewhere).
	st.update(t, number, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: st.actor("agent"), Body: "Un Dell P2419H."})

	t.Run("the technician resolves the ticket", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/support/incidents/"+number),
			chromedp.WaitVisible(chromedp.CSS(`#form-resoudre`)),
			chromedp.SendKeys(chromedp.CSS(`#resoudre-solution`), "Le câble vidéo a été remplacé ; l'écran fonctionne."),
			chromedp.Click(chromedp.CSS(`#resoudre`)),
			chromedp.WaitVisible(chromedp.CSS(`#confirmation`)),
		)
		if err != nil {
			t.Fatalf("resolve: %v", err)
		}
		if got := supportText(t, ctx, "#statut"); !strings.EqualFold(got, "Résolu — en attente de validation") {
			t.Fatalf("status %q", got)
		}
		if got := supportText(t, ctx, "#solution"); !strings.Contains(got, "Le câble vidéo a été remplacé") {
			t.Fatalf("solution %q", got)
		}
		supportScreenshot(t, ctx, "support-incident-resolu")
		supportAudit(t, ctx, "/support/incidents/:number (résolu)")
	})

	t.Run("Mes tickets lists the resolved ticket", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/support/mes-tickets"),
			chromedp.WaitVisible(chromedp.CSS("#ticket-"+number)),
		)
		if err != nil {
			t.Fatalf("mes tickets: %v", err)
		}
		supportScreenshot(t, ctx, "support-mes-tickets")
		supportAudit(t, ctx, "/support/mes-tickets")
	})

	for _, p := range problems.list() {
		t.Errorf("browser console: %s", p)
	}
}
