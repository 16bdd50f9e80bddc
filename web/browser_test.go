package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store/storetest"
)

// chromiumPath is where Debian's chromium package (installed by .ci/run)
// puts the browser; GUICHET_CHROMIUM overrides it.
const chromiumPath = "/usr/bin/chromium"

// browserContext starts headless Chromium for a test. Without Chromium the
// test is skipped, unless GUICHET_BROWSER_TESTS_REQUIRED=1 (CI), where it
// fails.
func browserContext(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("GUICHET_CHROMIUM")
	if path == "" {
		path = chromiumPath
	}
	if _, err := exec.LookPath(path); err != nil {
		msg := "browser test needs Chromium at " + path + " (apt-get install chromium, or set GUICHET_CHROMIUM): " + err.Error()
		if os.Getenv("GUICHET_BROWSER_TESTS_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first call starts the browser; it must not carry a timeout (that
	// would stop the browser), the later ones do.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// consoleProblems collects what the pages write to the console as errors:
// CSP violations, script exceptions, missing files.
type consoleProblems struct {
	mu   sync.Mutex
	msgs []string
}

// watch subscribes to the console of ctx's tab until ctx ends.
func (p *consoleProblems) watch(ctx context.Context) {
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.msgs = append(p.msgs, fmt.Sprintf("%s: %s (%s)", m.Type, m.Text, m.URL))
				p.mu.Unlock()
			}
		}
	}()
}

func (p *consoleProblems) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.msgs...)
}

func TestBrowserSignInHomeSignOut(t *testing.T) {
	ctx := browserContext(t)
	e := newEnv(t, storetest.SQLite(t), testConfig(), nil)
	e.person("agent.creteil")
	base := e.listen(t)

	// A generous bound, so a hung browser fails the test rather than CI.
	ctx, problems := browserSession(t, ctx, 90*time.Second)

	browse(t, ctx, "sign in",
		chromedp.Navigate(base+"/"),
		// Not signed in: the home page sends to the sign-in form.
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
		chromedp.SendKeys(chromedp.CSS(`#login`), "agent.creteil"),
		chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
		chromedp.Click(chromedp.CSS(`#valider`)),
		chromedp.WaitVisible(chromedp.CSS(`#actualites`)),
	)
	for sel, want := range map[string]string{
		"h1":             "Accueil",
		"#academie":      "Académie de Créteil",
		"#utilisateur":   "Claire MARTIN",
		".actualite h3":  "Sites web hébergés par le rectorat",
		"#actualites h2": "Actualités",
		"#deconnexion":   "Déconnexion",
	} {
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		if strings.TrimSpace(got) != want {
			t.Errorf("%s: got %q, want %q", sel, got, want)
		}
	}

	// DSFR's JavaScript ran despite the strict CSP (it marks <html>).
	started, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.hasAttribute("data-fr-js")`))
	if err != nil {
		t.Fatal(err)
	}
	if !started {
		t.Error("DSFR JavaScript did not start")
	}

	browse(t, ctx, "sign out",
		chromedp.Click(chromedp.CSS(`#deconnexion`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
	)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/connexion") {
		t.Errorf("after sign-out at %s, want /connexion", loc)
	}
	// Signed out for real: home sends to the sign-in page again.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#form-connexion`))); err != nil {
		t.Fatalf("home after sign-out: %v", err)
	}
	for _, p := range problems.list() {
		t.Errorf("browser console: %s", p)
	}
}

// screenshotDir is where browser tests save what a person may look at
// (gitignored).
var screenshotDir = filepath.Join("..", "test-output", "screenshots")

// screenshot saves the whole page as test-output/screenshots/name.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	// Quality 100 gives a PNG (below 100, a JPEG).
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// axeViolation is an axe-core finding, reduced to what a failure message
// needs.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeAudit runs axe-core (web/testdata/axe.min.js, injected through the
// DevTools protocol, so the CSP does not apply) on the current page once
// the DSFR's script has set up its components, and fails on any serious
// or critical WCAG 2.1 A/AA violation.
func axeAudit(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	// Audit the page as people see it: once the DSFR's script has set up
	// its components (it marks <html data-fr-js>; it also drops the
	// header menu's aria-labelledby, which axe flags on a div without role).
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute("data-fr-js")`)); err != nil {
		t.Fatalf("DSFR script on %s: %v", page, err)
	}
	for _, v := range axeRun(t, ctx, page) {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility (%s) %s: %s at %v", page, v.Impact, v.ID, v.Help, v.Nodes)
		}
	}
}

// axeAuditAll is axeAudit failing on every violation, whatever its impact,
// without waiting for the DSFR's script.
func axeAuditAll(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range axeRun(t, ctx, page) {
		t.Errorf("accessibility of %s: %s (%s): %s — %v", page, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// axeRun injects axe-core into the current page and returns its WCAG 2.1
// A and AA violations (five nodes each at most).
func axeRun(t *testing.T, ctx context.Context, page string) []axeViolation {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+"\n;true")); err != nil {
		t.Fatalf("inject axe-core on %s: %v", page, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`
		axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
		  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	return violations
}

// pageText reads the rendered text of the first element matching sel,
// spaces collapsed.
func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return elementText(t, ctx, sel, chromedp.Text(chromedp.CSS(sel)))
}

// textContent reads the text content (not its CSS-transformed rendering)
// of the first element matching sel, spaces collapsed.
func textContent(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return elementText(t, ctx, sel, chromedp.TextContent(chromedp.CSS(sel)))
}

func elementText(t *testing.T, ctx context.Context, sel string, read chromedp.Action[string]) string {
	t.Helper()
	s, err := chromedp.Run(ctx, read)
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// browserSession watches the console of the browser of ctx until the end
// of the test and bounds the test's browsing to limit (a generous bound,
// so that a hung browser fails the test rather than CI). It returns the
// bounded context and the problems the console shows.
func browserSession(t *testing.T, ctx context.Context, limit time.Duration) (context.Context, *consoleProblems) {
	t.Helper()
	watchCtx, stopWatch := context.WithCancel(ctx)
	t.Cleanup(stopWatch)
	problems := &consoleProblems{}
	problems.watch(watchCtx)
	ctx, cancel := context.WithTimeout(ctx, limit)
	t.Cleanup(cancel)
	return ctx, problems
}

// browserSteps returns step, which runs actions in ctx and fails the test
// with what when one fails.
func browserSteps(t *testing.T, ctx context.Context) func(what string, actions ...chromedp.Action[chromedp.Void]) {
	return func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// signInActions opens url, signs login in through the sign-in form it
// shows, and waits until the element ready is visible.
func signInActions(url, login, ready string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
		chromedp.SendKeys(chromedp.CSS(`#login`), login),
		chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
		chromedp.Click(chromedp.CSS(`#valider`)),
		chromedp.WaitVisible(chromedp.CSS(ready)),
	)
}

// browse runs steps in the browser and stops the test at the first error,
// prefixed with what was being done when what is not empty.
func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		if what == "" {
			t.Fatal(err)
		}
		t.Fatalf("%s: %v", what, err)
	}
}
