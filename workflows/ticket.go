package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Change IDs for workflow.GetVersion. Add one per change of workflow logic
// that alters the commands of an open ticket, keep the old branch while
// histories with the old version may still be open, and record a history of
// the new path in testdata/ for the replay test.
const (
	// versionLateOffer: a late ticket is offered to the least-loaded
	// available technician of its group (version 1 is the first release).
	versionLateOffer = "late-offer"
	// versionLocalActivities: the short database steps (Route, Project,
	// PickTechnician, LookupTicket, Notify) run as local activities, inside
	// the workflow task that needs them, instead of as activity tasks
	// scheduled through the Temporal server (version 1). A creation is then
	// one workflow task instead of four, an action one instead of three.
	// DefaultVersion (histories recorded before) keeps regular activities.
	versionLocalActivities = "local-activities"
	// versionWebhookChildren: the webhook deliveries of a projection are
	// started by the workflow, as child workflows (ParentClosePolicy
	// ABANDON), from the delivery IDs the Project activity returns, instead
	// of by the Project activity through a Temporal client, which made
	// every action wait on those calls (version 1). Asked at the first
	// projection that has deliveries, not at the start of a run: a ticket
	// without webhooks records no marker. See startWebhooks.
	versionWebhookChildren = "webhook-children"
)

// TicketWorkflow is the whole lifecycle of one ticket, from submission to
// closure (SPEC §4). Every user action is an Update; the live state is the
// QueryState query; timers (pick-up, validation, waiting) are durable.
func TicketWorkflow(ctx workflow.Context, in TicketInput) (TicketState, error) {
	t := newTicket(ctx, in)
	// Decided once per run: an open run recorded with regular activities
	// replays (and goes on) with them; the next run uses local ones.
	t.local = workflow.GetVersion(ctx, versionLocalActivities, workflow.DefaultVersion, 1) >= 1
	if err := t.setup(ctx); err != nil {
		return t.s, err
	}
	return t.run(ctx)
}

// ticket is the workflow's state and the receiver of its handlers.
type ticket struct {
	in   TicketInput
	s    TicketState
	lock workflow.Mutex   // held by every handler that runs activities
	wake workflow.Channel // tells the main loop the state changed

	local bool // run the activities as local activities (versionLocalActivities)
	// searchSynced: this run has upserted every search attribute once.
	searchSynced bool
	handled      int // state changes committed in this run (see MaxUpdatesPerRun)
	pending      int // notification goroutines and webhook starts in flight

	// The armed timer, kept across loop iterations while it still applies.
	timerKind   string
	timerDue    time.Time
	timer       workflow.Future
	timerCancel workflow.CancelFunc
}

func newTicket(ctx workflow.Context, in TicketInput) *ticket {
	t := &ticket{
		in:   in,
		lock: workflow.NewMutex(ctx),
		wake: workflow.NewBufferedChannel(ctx, 1),
	}
	if in.Resume != nil {
		t.s = *in.Resume
		t.in.Resume = nil
		return t
	}
	urgency, impact := orDefault(in.Urgency), orDefault(in.Impact)
	t.s = TicketState{
		Number:        in.Number,
		Academy:       in.Academy,
		RequesterID:   in.RequesterID,
		BeneficiaryID: in.BeneficiaryID,
		CategoryID:    in.CategoryID,
		Subject:       in.Subject,
		Private:       in.Private,
		CreatedAt:     in.CreatedAt,
		Status:        StatusNew,
		Urgency:       urgency,
		Impact:        impact,
		Priority:      Priority(urgency, impact),
		UpdatedAt:     in.CreatedAt,
	}
	if t.s.BeneficiaryID == 0 {
		t.s.BeneficiaryID = t.s.RequesterID
	}
	return t
}

// setup registers the query and the update handlers.
func (t *ticket) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (TicketState, error) {
		return t.s, nil
	}); err != nil {
		return fmt.Errorf("workflows: register query: %w", err)
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdatePickUp, t.pickUp, t.validatePickUp},
		{UpdateAssign, t.assign, t.validateAssign},
		{UpdateRequalify, t.requalify, t.validateRequalify},
		{UpdateReply, t.reply, t.validateReply},
		{UpdateNote, t.note, t.validateNote},
		{UpdateRequestInfo, t.requestInfo, t.validateRequestInfo},
		{UpdateAddInfo, t.addInfo, t.validateAddInfo},
		{UpdateResolve, t.resolve, t.validateResolve},
		{UpdateAccept, t.accept, t.validateAccept},
		{UpdateRefuse, t.refuse, t.validateRefuse},
		{UpdateCancel, t.cancel, t.validateCancel},
		{UpdateMarkDuplicate, t.markDuplicate, t.validateMarkDuplicate},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return fmt.Errorf("workflows: register update %s: %w", u.name, err)
		}
	}
	return nil
}

// run files a new ticket, then serves timers and mail replies until the
// ticket is closed or cancelled, or continues-as-new when the history grows.
func (t *ticket) run(ctx workflow.Context) (TicketState, error) {
	if t.s.Seq == 0 {
		if err := t.create(ctx); err != nil {
			return t.s, err
		}
	}
	mails := workflow.GetSignalChannel(ctx, SignalMailReply)
	for t.s.Open() && !t.continueAsNewDue(ctx) {
		t.step(ctx, mails)
		if err := ctx.Err(); err != nil {
			// Cancelled from the Temporal UI or CLI: the ticket keeps its
			// last projected state.
			t.disarm()
			return t.s, err
		}
	}
	t.disarm()

	// Let running handlers and notifications finish, and handle the mail
	// replies already received, before completing or continuing-as-new.
	for {
		if err := workflow.Await(ctx, func() bool {
			return workflow.AllHandlersFinished(ctx) && t.pending == 0
		}); err != nil {
			return t.s, fmt.Errorf("workflows: await handlers: %w", err)
		}
		var m MailReplyInput
		if !mails.ReceiveAsync(&m) {
			break
		}
		t.mailReply(ctx, m)
	}
	if t.s.Open() {
		next := t.in
		state := t.s
		next.Resume = &state
		return TicketState{}, workflow.NewContinueAsNewError(ctx, TicketWorkflow, next)
	}
	return t.s, nil
}

// continueAsNewDue reports whether this run should hand over to a new one.
func (t *ticket) continueAsNewDue(ctx workflow.Context) bool {
	if t.in.MaxUpdatesPerRun > 0 && t.handled >= t.in.MaxUpdatesPerRun {
		return true
	}
	return workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

// create routes the new ticket, sets its pick-up deadline and records it.
func (t *ticket) create(ctx workflow.Context) error {
	if err := t.lock.Lock(ctx); err != nil {
		return fmt.Errorf("workflows: lock: %w", err)
	}
	defer t.lock.Unlock()

	if !t.local {
		// StartOptions sets the memo already: the local-activity path
		// saves this command.
		if err := workflow.UpsertMemo(ctx, map[string]any{MemoSubject: t.s.Subject}); err != nil {
			workflow.GetLogger(ctx).Warn("memo not set", "error", err)
		}
	}
	var route RouteResult
	err := t.execute(ctx, forever, ActivityRoute, RouteInput{
		Number: t.s.Number, Academy: t.s.Academy, CategoryID: t.s.CategoryID,
	}).Get(ctx, &route)
	if err != nil {
		return fmt.Errorf("workflows: route %s: %w", t.s.Number, err)
	}
	next := t.s
	next.GroupID = route.GroupID
	next.PickupDueAt = PickupDeadline(next.CreatedAt, t.in.Timers.PickupDeadline, t.in.Timers.Hours)
	res, err := t.commit(ctx, next, Event{
		Kind: EventCreated, ActorID: next.RequesterID, Public: true,
		Data: map[string]string{"group": id(next.GroupID), "pickup_due": stamp(next.PickupDueAt)},
	})
	if err != nil {
		return err
	}
	// The acknowledgement goes to the requester too: it carries the number.
	t.notify(ctx, NotifyInput{Kind: MailCreated, Recipients: []string{RecipientRequester}, AboutSeq: res.Seq})
	return nil
}

// commit projects next (with events numbered from the current sequence) and
// makes it the state once written. It returns only after the projection, so
// the page loaded next shows the change.
func (t *ticket) commit(ctx workflow.Context, next TicketState, events ...Event) (UpdateResult, error) {
	now := workflow.Now(ctx)
	next.UpdatedAt = now
	next.Priority = Priority(next.Urgency, next.Impact)
	next.Seq = t.s.Seq
	for i := range events {
		next.Seq++
		events[i].Seq = next.Seq
		events[i].At = now
	}
	// The sequences are spent even if the projection fails: a failed attempt
	// may have written them, and a later event must not collide with them.
	t.s.Seq = next.Seq
	var res ProjectResult
	err := t.execute(ctx, forever, ActivityProject, ProjectInput{Ticket: next, Events: events, ReturnWebhooks: true}).Get(ctx, &res)
	if err != nil {
		return UpdateResult{}, fmt.Errorf("workflows: project %s: %w", next.Number, err)
	}
	prev := t.s
	t.s = next
	t.handled++
	t.upsertSearch(ctx, prev, next)
	t.startWebhooks(ctx, res.WebhookDeliveries)
	t.wake.SendAsync(struct{}{})
	return UpdateResult{Status: next.Status, Seq: next.Seq}, nil
}

// upsertSearch keeps the search attributes current. On the
// versionLocalActivities path, after a first full upsert in each run, only
// the attributes that changed are sent, and nothing when none did (a reply
// or a note): every upsert costs Temporal a visibility write.
func (t *ticket) upsertSearch(ctx workflow.Context, prev, next TicketState) {
	updates := searchUpdates(next)
	if t.local && t.searchSynced {
		updates = changedSearchUpdates(prev, next)
	}
	t.searchSynced = true
	if len(updates) == 0 {
		return
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		workflow.GetLogger(ctx).Warn("search attributes not updated", "error", err)
	}
}

// notify queues the mails of an event in the background: the update returns
// once the change is projected; run waits for pending notifications before
// the workflow ends.
func (t *ticket) notify(ctx workflow.Context, n NotifyInput) {
	t.s.Seq++
	n.Seq = t.s.Seq
	n.Number = t.s.Number
	n.Academy = t.s.Academy
	if n.TechnicianID == 0 {
		n.TechnicianID = t.s.TechnicianID
	}
	n.DedupeKey = fmt.Sprintf("%s:%d:%s", n.Number, n.AboutSeq, n.Kind)
	t.pending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { t.pending-- }()
		err := t.execute(ctx, bounded, ActivityNotify, n).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Error("notification not queued", "kind", n.Kind, "error", err)
		}
	})
}

// retry classes of activities.
const (
	forever = iota // state must not be lost: retry until it works
	bounded        // best effort: give up after a while
)

// execute runs an activity of the contract (by its registered name) with
// the retry policy of its class: as a local activity on the
// versionLocalActivities path, else as a regular activity.
func (t *ticket) execute(ctx workflow.Context, class int, activity string, arg any) workflow.Future {
	if t.local {
		return workflow.ExecuteLocalActivity(withLocalActivity(ctx, class), activity, arg)
	}
	return workflow.ExecuteActivity(withActivity(ctx, class), activity, arg)
}

// activityTimeout bounds one attempt of an activity.
const activityTimeout = 30 * time.Second

// localForever stands for "no overall limit" on a local activity, which
// needs one: its retries stop after ScheduleToCloseTimeout (a regular
// activity has none).
const localForever = 10 * 365 * 24 * time.Hour

// retryPolicy is the policy of a retry class: 1 s, 2 s, 4 s… up to a
// minute between attempts; forever, or 10 attempts for bounded.
func retryPolicy(class int) *temporal.RetryPolicy {
	policy := &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	}
	if class == bounded {
		policy.MaximumAttempts = 10
	}
	return policy
}

func withActivity(ctx workflow.Context, class int) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: activityTimeout,
		RetryPolicy:         retryPolicy(class),
	})
}

// withLocalActivity gives a local activity the same retries as withActivity
// gives a regular one. Backoffs longer than the workflow task timeout are
// durable timers (the SDK does it), so a long outage of the database costs
// a few events a minute, as a regular activity's retries did.
func withLocalActivity(ctx workflow.Context, class int) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: localForever,
		StartToCloseTimeout:    activityTimeout,
		RetryPolicy:            retryPolicy(class),
	})
}

// id formats an ID for event data ("" when unset).
func id(v int64) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprint(v)
}

// stamp formats an instant for event data ("" when unset).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
