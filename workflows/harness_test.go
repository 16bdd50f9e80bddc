package workflows

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
)

// People and groups of the tests.
const (
	requesterID   = 1
	beneficiaryID = 2
	technicianID  = 100
	colleagueID   = 101
	supervisorID  = 200
	intakeGroup   = 10
	level2Group   = 20
	offeredTechID = 150
)

var (
	requester   = Actor{PersonID: requesterID, Roles: []string{RoleRequester}}
	beneficiary = Actor{PersonID: beneficiaryID, Roles: []string{RoleRequester}}
	technician  = Actor{PersonID: technicianID, Roles: []string{RoleRequester, RoleTechnician}}
	colleague   = Actor{PersonID: colleagueID, Roles: []string{RoleTechnician}}
	supervisor  = Actor{PersonID: supervisorID, Roles: []string{RoleSupervisor}}
)

// paris is the académies' time zone.
func paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatalf("load Europe/Paris: %v", err)
	}
	return loc
}

// defaultHours are the default opening hours (Mon–Fri 08:00–18:00 Paris,
// French public holidays).
func defaultHours() OpeningHours {
	return OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00", Days: []int{1, 2, 3, 4, 5}, Holidays: "fr"}
}

// fakeActivities stands for activities.Activities: registering it checks
// that the contract's names are method names, and it records every call.
type fakeActivities struct {
	mu         sync.Mutex
	projects   []ProjectInput
	notifies   []NotifyInput
	routes     int
	lookups    map[string]LookupTicketResult
	technician int64
	// failProjects is how many Project calls still fail (a database
	// outage); projectCalls counts every call.
	failProjects int
	projectCalls int
	// webhooks are the pending webhook deliveries Project returns for the
	// events of each kind (when asked to return them).
	webhooks map[string][]int64
}

func (f *fakeActivities) Project(_ context.Context, in ProjectInput) (ProjectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.projectCalls++
	if f.failProjects > 0 {
		f.failProjects--
		return ProjectResult{}, errors.New("database is locked")
	}
	f.projects = append(f.projects, in)
	var res ProjectResult
	for _, ev := range in.Events {
		if in.ReturnWebhooks {
			res.WebhookDeliveries = append(res.WebhookDeliveries, f.webhooks[ev.Kind]...)
		}
	}
	return res, nil
}

func (f *fakeActivities) Route(_ context.Context, _ RouteInput) (RouteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes++
	return RouteResult{GroupID: intakeGroup}, nil
}

func (f *fakeActivities) PickTechnician(_ context.Context, _ PickTechnicianInput) (PickTechnicianResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return PickTechnicianResult{TechnicianID: f.technician}, nil
}

func (f *fakeActivities) Notify(_ context.Context, in NotifyInput) (NotifyResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifies = append(f.notifies, in)
	return NotifyResult{Queued: 1}, nil
}

func (f *fakeActivities) LookupTicket(_ context.Context, in LookupTicketInput) (LookupTicketResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lookups[in.Number], nil
}

// events returns every projected event, in order.
func (f *fakeActivities) events() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Event
	for _, p := range f.projects {
		out = append(out, p.Events...)
	}
	return out
}

// kinds returns the kinds of the projected events.
func (f *fakeActivities) kinds() []string {
	var out []string
	for _, e := range f.events() {
		out = append(out, e.Kind)
	}
	return out
}

// mails returns the kinds of the notifications.
func (f *fakeActivities) mails() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, n := range f.notifies {
		out = append(out, n.Kind)
	}
	return out
}

// mail returns the first notification of a kind.
func (f *fakeActivities) mail(t *testing.T, kind string) NotifyInput {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.notifies {
		if n.Kind == kind {
			return n
		}
	}
	t.Fatalf("no %q notification", kind)
	return NotifyInput{}
}

// event returns the last projected event of a kind.
func (f *fakeActivities) event(t *testing.T, kind string) Event {
	t.Helper()
	evs := f.events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == kind {
			return evs[i]
		}
	}
	t.Fatalf("no %q event in %v", kind, f.kinds())
	return Event{}
}

// outcome is what became of one update.
type outcome struct {
	name     string
	done     bool
	rejected error // from the validator
	err      error // from the handler
	result   UpdateResult
}

// harness runs one ticket workflow in the SDK test environment.
type harness struct {
	t        *testing.T
	suite    testsuite.WorkflowTestSuite
	env      *testsuite.TestWorkflowEnvironment
	fake     *fakeActivities
	in       TicketInput
	outcomes []*outcome
}

// newHarness prepares a ticket filed at start (Paris wall clock) with the
// default timers: 10 minutes of opening hours, 7 days with a reminder at
// day 5, waiting reminder after 3 days.
func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, fake: &fakeActivities{technician: offeredTechID, lookups: map[string]LookupTicketResult{}}}
	h.suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	h.env = h.suite.NewTestWorkflowEnvironment()
	h.env.SetStartTime(start)
	h.env.RegisterWorkflow(TicketWorkflow)
	h.env.RegisterActivity(h.fake)
	h.in = TicketInput{
		Number: "I240304_0001", Academy: "creteil",
		RequesterID: requesterID, BeneficiaryID: beneficiaryID,
		Urgency: 3, Impact: 3, CategoryID: 7, Subject: "Matériel › Écran",
		CreatedAt: start,
		Timers: Timers{
			PickupDeadline:     10 * time.Minute,
			ValidationDeadline: 7 * 24 * time.Hour,
			ValidationReminder: 5 * 24 * time.Hour,
			WaitingReminder:    3 * 24 * time.Hour,
			Hours:              defaultHours(),
		},
	}
	return h
}

// monday10 is a plain working morning: Monday 4 March 2024, 10:00 Paris.
func monday10(t *testing.T) time.Time {
	return time.Date(2024, 3, 4, 10, 0, 0, 0, paris(t))
}

// update schedules an update at the given offset from the start.
func (h *harness) update(at time.Duration, name string, arg any) *outcome {
	o := &outcome{name: name}
	h.outcomes = append(h.outcomes, o)
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { o.done, o.rejected = true, err },
			OnComplete: func(res any, err error) {
				o.done, o.err = true, err
				if r, ok := res.(UpdateResult); ok {
					o.result = r
				}
			},
		}, arg)
	}, at)
	return o
}

// signal schedules a mail reply at the given offset.
func (h *harness) signal(at time.Duration, m MailReplyInput) {
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalMailReply, m) }, at)
}

// query schedules a state query at the given offset; the state is checked
// after the run.
func (h *harness) query(at time.Duration) *TicketState {
	st := &TicketState{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryState)
		if err != nil {
			h.t.Errorf("query at %v: %v", at, err)
			return
		}
		if err := v.Get(st); err != nil {
			h.t.Errorf("decode state: %v", err)
		}
	}, at)
	return st
}

// stopAt cancels the workflow at the given offset (for tickets left open).
func (h *harness) stopAt(at time.Duration) {
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, at)
}

// run executes the workflow and checks that every scheduled update ran.
func (h *harness) run() {
	h.t.Helper()
	h.env.ExecuteWorkflow(TicketWorkflow, h.in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	for _, o := range h.outcomes {
		if !o.done {
			h.t.Errorf("update %s never finished", o.name)
		}
	}
}

// final returns the result of a workflow that ended normally.
func (h *harness) final() TicketState {
	h.t.Helper()
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st TicketState
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatalf("workflow result: %v", err)
	}
	return st
}

// cancelled checks the workflow ended by stopAt.
func (h *harness) cancelled() {
	h.t.Helper()
	var canceled *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &canceled) {
		h.t.Fatalf("workflow error = %v, want cancelled by the test", err)
	}
}

// accepted checks an update went through.
func accepted(t *testing.T, o *outcome) {
	t.Helper()
	if o.rejected != nil || o.err != nil {
		t.Fatalf("update %s: rejected=%v err=%v", o.name, o.rejected, o.err)
	}
}

// refused checks an update was rejected (by its validator, or by its
// handler when validator passed) with a French reason containing want.
func refused(t *testing.T, o *outcome, want string) {
	t.Helper()
	err := o.rejected
	if err == nil {
		err = o.err
	}
	if err == nil {
		t.Fatalf("update %s accepted, want rejected with %q", o.name, want)
	}
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ErrRejected {
		t.Fatalf("update %s error %v is not a %s application error", o.name, err, ErrRejected)
	}
	if !strings.Contains(app.Error(), want) {
		t.Fatalf("update %s rejected with %q, want %q", o.name, app.Error(), want)
	}
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// sorted returns a sorted copy.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// mockAny matches any argument of a mocked activity.
const mockAny = mock.Anything
