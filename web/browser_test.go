package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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

	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var problems consoleProblems
	problems.watch(watchCtx)

	// A generous bound, so a hung browser fails the test rather than CI.
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		// Not signed in: the home page sends to the sign-in form.
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
		chromedp.SendKeys(chromedp.CSS(`#login`), "agent.creteil"),
		chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
		chromedp.Click(chromedp.CSS(`#valider`)),
		chromedp.WaitVisible(chromedp.CSS(`#actualites`)),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
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

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#deconnexion`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
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
