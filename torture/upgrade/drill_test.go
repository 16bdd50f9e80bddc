package upgrade

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// Who performs a step: the demo people of académie de Créteil.
const (
	requester  = "agent.creteil"
	technician = "tech.creteil"
	supervisor = "superviseur.creteil"
)

// Ticket statuses, as the API spells them.
const (
	statusNew        = "new"
	statusInProgress = "in_progress"
	statusWaiting    = "waiting"
	statusResolved   = "resolved"
	statusClosed     = "closed"
	statusCancelled  = "cancelled"
)

// step is one API action on a ticket and the status it leads to.
type step struct {
	as     string // login
	action string
	body   map[string]any
	want   string
}

func pickup() step { return step{technician, "pickup", nil, statusInProgress} }
func assign() step { return step{supervisor, "assign", nil, statusInProgress} } // body set by the drill
func note(want string) step {
	return step{technician, "note", map[string]any{"body": "Note interne de l'exercice."}, want}
}
func reply(want string) step {
	return step{technician, "reply", map[string]any{"body": "Nous regardons votre demande."}, want}
}
func requalify() step {
	return step{technician, "requalify", map[string]any{"urgency": 2, "impact": 2, "reason": "Plusieurs postes touchés."}, statusInProgress}
}
func requestInfo() step {
	return step{technician, "request-info", map[string]any{"question": "Quel est le numéro de la salle ?"}, statusWaiting}
}
func addInfo() step {
	return step{requester, "add-info", map[string]any{"body": "Salle 214, deuxième étage."}, statusInProgress}
}
func resolve() step {
	return step{technician, "resolve", map[string]any{"solution": "Câble remplacé."}, statusResolved}
}
func accept() step {
	return step{requester, "accept", map[string]any{"rating_delay": 4, "rating_quality": 5, "comment": "Merci."}, statusClosed}
}
func refuse() step {
	return step{requester, "refuse", map[string]any{"rating_delay": 2, "rating_quality": 2, "comment": "L'écran clignote encore."}, statusInProgress}
}
func cancel() step {
	return step{requester, "cancel", map[string]any{"reason": "Le problème a disparu."}, statusCancelled}
}
func duplicate() step { return step{technician, "duplicate", nil, statusClosed} } // "of" set by the drill

// scenario is a way through the lifecycle: the steps taken on the old build
// (which leave the ticket in one open state), then those taken on the new
// build to close it.
type scenario struct {
	name   string
	before []step
	at     string // status at the switch
	after  []step
	final  string
}

// scenarios cover every open state of the lifecycle (SPEC §4) and every way
// into it, then every way out to a final state.
var scenarios = []scenario{
	{"new", nil, statusNew, []step{pickup(), resolve(), accept()}, statusClosed},
	{"new, then marked duplicate", nil, statusNew, []step{duplicate()}, statusClosed},
	{"picked up", []step{pickup()}, statusInProgress, []step{note(statusInProgress), reply(statusInProgress), resolve(), accept()}, statusClosed},
	{"assigned by a supervisor", []step{assign()}, statusInProgress, []step{requalify(), resolve(), accept()}, statusClosed},
	{"picked up, noted, then cancelled", []step{pickup(), note(statusInProgress)}, statusInProgress, []step{cancel()}, statusCancelled},
	{"waiting for information", []step{pickup(), requestInfo()}, statusWaiting, []step{addInfo(), resolve(), accept()}, statusClosed},
	{"information added", []step{pickup(), requestInfo(), addInfo()}, statusInProgress, []step{resolve(), accept()}, statusClosed},
	{"resolved, awaiting validation", []step{pickup(), resolve()}, statusResolved, []step{accept()}, statusClosed},
	{"resolution refused, back in progress", []step{pickup(), resolve(), refuse()}, statusInProgress, []step{resolve(), accept()}, statusClosed},
	{"resolved again after a refusal", []step{pickup(), resolve(), refuse(), resolve()}, statusResolved, []step{refuse(), resolve(), accept()}, statusClosed},
}

// drill is one run: the stack's API as each person, and the tickets.
type drill struct {
	apis       map[string]api
	category   int64
	techID     int64
	anchor     string // the open ticket duplicates point to
	concurrent int
	temporal   client.Client
	logf       func(format string, args ...any)
	retries    atomic.Int64
	spooled    atomic.Int64
}

// tracked is one ticket of the drill.
type tracked struct {
	sc     *scenario
	number string
	err    error // the first failure met driving it
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestUpgradeDrill opens tickets in every open state on the previous
// release, switches the stack to the working tree, and closes them all.
func TestUpgradeDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two releases and runs two stacks")
	}
	full := os.Getenv("GUICHET_UPGRADE_DRILL") == "1"
	perState := 2
	if full {
		// 1,000 tickets in all, spread over the scenarios (see README).
		perState = (1000 + len(scenarios) - 1) / len(scenarios)
	}
	perState = envInt("GUICHET_UPGRADE_DRILL_PER_STATE", perState)
	concurrent := envInt("GUICHET_UPGRADE_DRILL_CONCURRENCY", 8)

	root := repoRoot(t)
	began := time.Now()
	oldRel := buildPrevious(t, root)
	newRel := buildCurrent(t, root)
	buildTime := time.Since(began)

	dataDir := t.TempDir()
	a := newAddrs(t)
	ctx := context.Background()

	// Old build: open the tickets.
	phase := time.Now()
	oldProc := startDev(t, oldRel, dataDir, "old.log", a)
	tc, err := dialTemporal(a.temporal)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	// The demo tickets are filed in the background: let them settle, so
	// that they too cross the switch in their states.
	if err := waitQuiet(ctx, tc, 5*time.Second, 3*time.Minute); err != nil {
		t.Logf("demo tickets: %v", err)
	}
	d := &drill{apis: map[string]api{}, concurrent: concurrent, temporal: tc, logf: t.Logf}
	for _, login := range []string{requester, technician, supervisor} {
		d.apis[login] = api{base: "http://" + a.web, token: createToken(t, oldRel, dataDir, login)}
	}
	d.prepare(ctx, t)
	tickets := d.open(ctx, t, perState)
	if t.Failed() {
		t.Logf("old build log:\n%s", oldProc.tail())
		t.FailNow()
	}
	d.checkAt(ctx, t, tickets, "on the old build")
	openTime := time.Since(phase)

	// The switch: SIGTERM, then the new build on the same data directory.
	phase = time.Now()
	// The drill's idle keep-alive connections closed, as a load balancer
	// drains a process before stopping it. An unclean exit of the old
	// build is reported, not failed: that release can no longer change.
	httpClient.CloseIdleConnections()
	oldExit := "clean"
	if err := oldProc.stop(); err != nil {
		oldExit = err.Error()
		t.Logf("stopping the old build: %v\n%s", err, oldProc.tail())
	}
	newProc := startDev(t, newRel, dataDir, "new.log", a)
	switchTime := time.Since(phase)
	lost := d.checkAt(ctx, t, tickets, "on the new build, before any action")

	// New build: close every ticket.
	phase = time.Now()
	d.close(ctx, t, tickets)
	closeTime := time.Since(phase)

	// Checks: every ticket closed, its workflow completed without a
	// workflow task failure, and replayed by the new build.
	phase = time.Now()
	all := append(slices.Clone(tickets), &tracked{sc: &scenario{name: "anchor", final: statusClosed}, number: d.anchor})
	var nde, faults, notReplayed, notClosed, timeouts int
	perScenario := map[string]int{}
	for _, tk := range all {
		closed := tk.err == nil
		got, err := d.apis[requester].ticket(ctx, tk.number)
		switch {
		case err != nil:
			t.Errorf("%s (%s): %v", tk.number, tk.sc.name, err)
			closed = false
		case got.Status != tk.sc.final:
			t.Errorf("%s (%s): status %s at the end, want %s", tk.number, tk.sc.name, got.Status, tk.sc.final)
			closed = false
		}
		if closed {
			perScenario[tk.sc.name]++
			// The workflow ends once its last notifications are sent.
			wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			st, err := waitClosed(wctx, tc, tk.number)
			cancel()
			if err != nil || st != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
				t.Errorf("%s (%s): workflow %s, %v", tk.number, tk.sc.name, st, err)
			}
		} else {
			notClosed++
		}
		au, err := auditWorkflow(ctx, tc, tk.number)
		if err != nil {
			t.Error(err)
			continue
		}
		timeouts += au.timeouts
		if au.nde() {
			nde++
		}
		if fs := au.faults(); len(fs) > 0 {
			faults++
			for _, f := range fs {
				t.Errorf("%s (%s, %s at the switch): workflow task failed: %s", tk.number, tk.sc.name, tk.sc.at, f)
			}
		}
		if len(au.identities) < 2 {
			notReplayed++
			t.Errorf("%s (%s): workflow tasks completed by %v only, not by both builds", tk.number, tk.sc.name, au.identities)
		}
	}
	listed, nsFaults, err := namespaceFaults(ctx, tc)
	if err != nil {
		t.Error(err)
	}
	for _, f := range nsFaults {
		t.Errorf("workflow in trouble: %s", f)
	}
	checkTime := time.Since(phase)
	httpClient.CloseIdleConnections()
	if err := newProc.stop(); err != nil {
		t.Errorf("stopping the new build: %v\n%s", err, newProc.tail())
	}

	var b strings.Builder
	fmt.Fprintf(&b, "upgrade drill: %s → %s, %d tickets (%d per scenario + 1 anchor), concurrency %d\n",
		oldRel.name, newRel.name, len(all), perState, concurrent)
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "  %-40s %-12s → %-9s %4d/%d\n", sc.name, sc.at, sc.final, perScenario[sc.name], perState)
	}
	fmt.Fprintf(&b, "  lost: %d   not closed: %d   non-determinism errors: %d   other workflow task failures: %d\n",
		lost, notClosed, nde, faults)
	fmt.Fprintf(&b, "  not replayed by the new build: %d   workflow task timeouts (worker stopped or overloaded mid-task): %d\n", notReplayed, timeouts)
	fmt.Fprintf(&b, "  namespace: %d workflows listed, %d in trouble   API retries: %d   spooled submissions: %d\n",
		listed, len(nsFaults), d.retries.Load(), d.spooled.Load())
	fmt.Fprintf(&b, "  old build's exit on SIGTERM: %s\n", oldExit)
	fmt.Fprintf(&b, "  time: builds %s, open on old %s, switch %s, close on new %s, checks %s, total %s\n",
		buildTime.Round(time.Second), openTime.Round(time.Second), switchTime.Round(time.Second),
		closeTime.Round(time.Second), checkTime.Round(time.Second), time.Since(began).Round(time.Second))
	t.Log("\n" + b.String())
	if path := os.Getenv("GUICHET_UPGRADE_DRILL_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.Logf("new build log (end):\n%s", newProc.tail())
	}
}

// prepare finds a category leaf and the technician, and opens the anchor
// ticket that duplicates will point to.
func (d *drill) prepare(ctx context.Context, t *testing.T) {
	t.Helper()
	var cats struct {
		Categories []struct {
			ID   int64 `json:"id"`
			Leaf bool  `json:"leaf"`
		} `json:"categories"`
	}
	if _, err := d.apis[requester].do(ctx, http.MethodGet, "/api/v1/categories", nil, &cats); err != nil {
		t.Fatal(err)
	}
	for _, c := range cats.Categories {
		if c.Leaf {
			d.category = c.ID
			break
		}
	}
	if d.category == 0 {
		t.Fatal("no category leaf in académie de Créteil")
	}
	var me struct {
		ID int64 `json:"id"`
	}
	if _, err := d.apis[technician].do(ctx, http.MethodGet, "/api/v1/me", nil, &me); err != nil || me.ID == 0 {
		t.Fatalf("GET /api/v1/me as %s: %v", technician, err)
	}
	d.techID = me.ID
	anchor := &tracked{sc: &scenario{name: "anchor"}}
	if err := d.create(ctx, anchor); err != nil {
		t.Fatal(err)
	}
	if err := d.act(ctx, anchor.number, pickup(), statusNew); err != nil {
		t.Fatal(err)
	}
	d.anchor = anchor.number
}

// each runs fn for every ticket, d.concurrent at a time; a long run logs
// its progress every tenth under the name what (none when empty).
func (d *drill) each(what string, tickets []*tracked, fn func(*tracked)) {
	work := make(chan *tracked)
	var wg sync.WaitGroup
	var done atomic.Int64
	start := time.Now()
	for range d.concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tk := range work {
				fn(tk)
				if n := done.Add(1); what != "" && len(tickets) >= 200 && n%int64(len(tickets)/10) == 0 {
					d.logf("%s: %d/%d tickets in %s", what, n, len(tickets), time.Since(start).Round(time.Second))
				}
			}
		}()
	}
	for _, tk := range tickets {
		work <- tk
	}
	close(work)
	wg.Wait()
}

// open files perState tickets per scenario and drives each to its state at
// the switch. The scenarios are interleaved, as real traffic is.
func (d *drill) open(ctx context.Context, t *testing.T, perState int) []*tracked {
	t.Helper()
	var tickets []*tracked
	for range perState {
		for s := range scenarios {
			tickets = append(tickets, &tracked{sc: &scenarios[s]})
		}
	}
	var failed atomic.Int64
	d.each("opening on the old build", tickets, func(tk *tracked) {
		if failed.Load() > 10 {
			tk.err = errors.New("not opened: too many failures")
			return
		}
		if err := d.create(ctx, tk); err != nil {
			tk.err = err
		} else {
			tk.err = d.drive(ctx, tk.number, statusNew, tk.sc.before)
		}
		if tk.err != nil {
			failed.Add(1)
		}
	})
	for _, tk := range tickets {
		if tk.err != nil {
			t.Errorf("opening a ticket %q on the old build: %s %v", tk.sc.name, tk.number, tk.err)
		}
	}
	return tickets
}

// checkAt checks every ticket is in the state its scenario left it in; it
// returns how many are missing.
func (d *drill) checkAt(ctx context.Context, t *testing.T, tickets []*tracked, when string) int {
	t.Helper()
	var mu sync.Mutex
	lost := 0
	d.each("", tickets, func(tk *tracked) {
		got, err := d.apis[requester].ticket(ctx, tk.number)
		mu.Lock()
		defer mu.Unlock()
		var ae *apiError
		switch {
		case errors.As(err, &ae) && ae.status == http.StatusNotFound:
			lost++
			t.Errorf("%s %s (%s): not found", when, tk.number, tk.sc.name)
		case err != nil:
			lost++
			t.Errorf("%s %s (%s): %v", when, tk.number, tk.sc.name, err)
		case got.Status != tk.sc.at:
			t.Errorf("%s %s (%s): status %s, want %s", when, tk.number, tk.sc.name, got.Status, tk.sc.at)
		}
	})
	return lost
}

// close drives every ticket to its final state, then closes the anchor.
func (d *drill) close(ctx context.Context, t *testing.T, tickets []*tracked) {
	t.Helper()
	d.each("closing on the new build", tickets, func(tk *tracked) {
		tk.err = d.drive(ctx, tk.number, tk.sc.at, tk.sc.after)
	})
	failures := 0
	for _, tk := range tickets {
		if tk.err != nil {
			failures++
			if failures <= 20 {
				t.Errorf("closing %s (%s, %s at the switch) on the new build: %v", tk.number, tk.sc.name, tk.sc.at, tk.err)
			}
		}
	}
	if failures > 20 {
		t.Errorf("… and %d more tickets not closed", failures-20)
	}
	if err := d.drive(ctx, d.anchor, statusInProgress, []step{resolve(), accept()}); err != nil {
		t.Errorf("closing the anchor %s: %v", d.anchor, err)
	}
}

// create files a ticket as the requester.
func (d *drill) create(ctx context.Context, tk *tracked) error {
	body := map[string]any{
		"category_id": d.category, "urgency": 3, "phone": "01 02 03 04 05",
		"description": "Exercice de mise à jour : " + tk.sc.name + ".",
	}
	for attempt := 1; ; attempt++ {
		var out struct {
			Number string `json:"number"`
		}
		status, err := d.apis[requester].do(ctx, http.MethodPost, "/api/v1/tickets", body, &out)
		switch {
		case err == nil && status == http.StatusCreated && out.Number != "":
			tk.number = out.Number
			return nil
		case err == nil && status == http.StatusAccepted:
			// Kept in the spool (database busy): it becomes a ticket later,
			// outside the drill; file another one.
			d.spooled.Add(1)
		case err == nil:
			return fmt.Errorf("create: HTTP %d without a number", status)
		case !retryable(status) || attempt == 5:
			return fmt.Errorf("create: %w", err)
		}
		d.retries.Add(1)
		time.Sleep(time.Duration(attempt) * time.Second)
	}
}

// drive applies steps to a ticket that is in status from.
func (d *drill) drive(ctx context.Context, number, from string, steps []step) error {
	for _, st := range steps {
		if err := d.act(ctx, number, st, from); err != nil {
			return err
		}
		from = st.want
	}
	return nil
}

func retryable(status int) bool {
	return status == 0 || status == http.StatusConflict || status == http.StatusTooManyRequests || status >= 500
}

// act applies one step. A failed attempt (network, 5xx, or a 409 such as
// "workflow not started yet") is retried; when the step changes the status
// and the ticket already shows the new one, an earlier attempt went through.
func (d *drill) act(ctx context.Context, number string, st step, from string) error {
	body := st.body
	switch st.action {
	case "assign":
		body = map[string]any{"technician_id": d.techID, "reason": "Répartition de l'exercice."}
	case "duplicate":
		body = map[string]any{"of": d.anchor, "reason": "Même panne."}
	}
	path := "/api/v1/tickets/" + number + "/actions/" + st.action
	var last error
	for attempt := 1; attempt <= 6; attempt++ {
		var got ticket
		status, err := d.apis[st.as].do(ctx, http.MethodPost, path, body, &got)
		if err == nil {
			if got.Status != st.want {
				return fmt.Errorf("%s: status %s afterwards, want %s", st.action, got.Status, st.want)
			}
			return nil
		}
		last = fmt.Errorf("%s as %s (attempt %d): %w", st.action, st.as, attempt, err)
		if !retryable(status) {
			return last
		}
		if stuck := d.stuck(ctx, number); stuck != "" {
			return fmt.Errorf("%w; %s", last, stuck)
		}
		if st.want != from {
			if cur, err := d.apis[requester].ticket(ctx, number); err == nil && cur.Status == st.want {
				return nil
			}
		}
		d.retries.Add(1)
		time.Sleep(time.Duration(attempt) * time.Second)
	}
	return last
}

// stuck returns, for a workflow whose workflow task keeps failing (such as
// on a non-determinism error), what its history says; "" otherwise.
func (d *drill) stuck(ctx context.Context, number string) string {
	desc, err := d.temporal.DescribeWorkflowExecution(ctx, number, "")
	if err != nil {
		return ""
	}
	pt := desc.GetPendingWorkflowTask()
	if pt == nil || pt.GetAttempt() <= 1 {
		return ""
	}
	au, err := auditWorkflow(ctx, d.temporal, number)
	if err != nil || len(au.failures) == 0 {
		return fmt.Sprintf("workflow task at attempt %d", pt.GetAttempt())
	}
	return fmt.Sprintf("workflow task at attempt %d, %s", pt.GetAttempt(), au.failures[len(au.failures)-1])
}
