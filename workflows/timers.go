package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// Timer kinds; also the timer summaries shown in the Temporal UI.
const (
	timerPickup             = "Délai de prise en charge"
	timerValidationReminder = "Relance de validation"
	timerValidation         = "Clôture automatique"
	timerWaitingReminder    = "Relance de la demande de précisions"
)

// nextTimer returns the earliest timer that applies to the state ("" when
// none does).
func (t *ticket) nextTimer() (string, time.Time) {
	kind, due := "", time.Time{}
	consider := func(k string, at time.Time) {
		if kind == "" || at.Before(due) {
			kind, due = k, at
		}
	}
	s, timers := t.s, t.in.Timers
	switch s.Status {
	case StatusNew:
		if !s.Late && !s.PickupDueAt.IsZero() {
			consider(timerPickup, s.PickupDueAt)
		}
	case StatusResolved:
		if r := timers.ValidationReminder; !s.ValidationReminded && r > 0 && r < timers.ValidationDeadline {
			consider(timerValidationReminder, s.ResolvedAt.Add(r))
		}
		if !s.ValidationDueAt.IsZero() {
			consider(timerValidation, s.ValidationDueAt)
		}
	case StatusWaiting:
		if r := timers.WaitingReminder; !s.WaitingReminded && r > 0 {
			consider(timerWaitingReminder, s.WaitingSince.Add(r))
		}
	}
	return kind, due
}

// step waits for the armed timer, a state change or a mail reply, and
// handles what came.
func (t *ticket) step(ctx workflow.Context, mails workflow.ReceiveChannel) {
	kind, due := t.nextTimer()
	if kind != t.timerKind || !due.Equal(t.timerDue) {
		// The state changed what to wait for: cancel the timer that no
		// longer applies and arm the new one.
		t.disarm()
		if kind != "" {
			timerCtx, cancel := workflow.WithCancel(ctx)
			t.timerKind, t.timerDue, t.timerCancel = kind, due, cancel
			t.timer = workflow.NewTimerWithOptions(timerCtx, due.Sub(workflow.Now(ctx)),
				workflow.TimerOptions{Summary: kind})
		}
	}

	var fired string
	var mail *MailReplyInput
	sel := workflow.NewSelector(ctx)
	if t.timer != nil {
		sel.AddFuture(t.timer, func(f workflow.Future) {
			if err := f.Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("timer failed", "timer", t.timerKind, "error", err)
			} else {
				fired = t.timerKind
			}
			t.timer, t.timerKind, t.timerDue, t.timerCancel = nil, "", time.Time{}, nil
		})
	}
	sel.AddReceive(ctx.Done(), func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	sel.AddReceive(t.wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	sel.AddReceive(mails, func(c workflow.ReceiveChannel, _ bool) {
		var m MailReplyInput
		c.Receive(ctx, &m)
		mail = &m
	})
	sel.Select(ctx)

	if fired != "" {
		t.onTimer(ctx, fired)
	}
	if mail != nil {
		t.mailReply(ctx, *mail)
	}
}

// disarm cancels the armed timer, if any.
func (t *ticket) disarm() {
	if t.timerCancel != nil {
		t.timerCancel()
	}
	t.timer, t.timerKind, t.timerDue, t.timerCancel = nil, "", time.Time{}, nil
}

// onTimer acts on a fired timer, unless a handler changed the state while
// the timer waited for the lock.
func (t *ticket) onTimer(ctx workflow.Context, kind string) {
	if err := t.lock.Lock(ctx); err != nil {
		return
	}
	defer t.lock.Unlock()
	if k, due := t.nextTimer(); k != kind || due.After(workflow.Now(ctx)) {
		return
	}
	var err error
	switch kind {
	case timerPickup:
		err = t.late(ctx)
	case timerValidationReminder:
		err = t.remindValidation(ctx)
	case timerValidation:
		err = t.autoClose(ctx)
	case timerWaitingReminder:
		err = t.remindWaiting(ctx)
	}
	if err != nil {
		workflow.GetLogger(ctx).Error("timer action failed", "timer", kind, "error", err)
	}
}

// late flags a ticket nobody picked up in time, tells the supervisors and
// offers it to the least-loaded available technician of its group. It stays
// new, in the queue.
func (t *ticket) late(ctx workflow.Context) error {
	next := t.s
	next.Late = true
	events := []Event{{Kind: EventLate, Data: map[string]string{"pickup_due": stamp(next.PickupDueAt)}}}
	offered := int64(0)
	if workflow.GetVersion(ctx, versionLateOffer, workflow.DefaultVersion, 1) >= 1 &&
		next.TechnicianID == 0 && next.GroupID != 0 {
		var pick PickTechnicianResult
		err := t.execute(ctx, bounded, ActivityPickTechnician,
			PickTechnicianInput{Academy: next.Academy, GroupID: next.GroupID}).Get(ctx, &pick)
		if err != nil {
			workflow.GetLogger(ctx).Error("no technician picked", "error", err)
		} else if pick.TechnicianID != 0 {
			offered = pick.TechnicianID
			next.TechnicianID = offered
			events = append(events, Event{Kind: EventAssigned, Data: map[string]string{
				"technician": id(offered), "group": id(next.GroupID), "offered": "true",
			}})
		}
	}
	res, err := t.commit(ctx, next, events...)
	if err != nil {
		return err
	}
	lateSeq := res.Seq - int64(len(events)-1)
	t.notify(ctx, NotifyInput{Kind: MailLate, Recipients: []string{RecipientSupervisors}, AboutSeq: lateSeq})
	if offered != 0 {
		t.notify(ctx, NotifyInput{Kind: MailOffered, Recipients: []string{RecipientTechnician},
			TechnicianID: offered, AboutSeq: res.Seq})
	}
	return nil
}

// remindValidation sends the reminder before automatic closure.
func (t *ticket) remindValidation(ctx workflow.Context) error {
	next := t.s
	next.ValidationReminded = true
	res, err := t.commit(ctx, next, Event{Kind: EventReminderSent, Public: true, Data: map[string]string{
		"reminder": "validation", "validation_due": stamp(next.ValidationDueAt),
	}})
	if err != nil {
		return err
	}
	t.notify(ctx, NotifyInput{Kind: MailValidationReminder, Recipients: []string{RecipientRequester}, AboutSeq: res.Seq})
	return nil
}

// autoClose closes a resolution nobody validated in time.
func (t *ticket) autoClose(ctx workflow.Context) error {
	next := t.s
	next.Status = StatusClosed
	next.ClosedAt = workflow.Now(ctx)
	next.Validation = ValidationAuto
	res, err := t.commit(ctx, next, Event{Kind: EventClosed, Public: true, Data: map[string]string{"auto": "true"}})
	if err != nil {
		return err
	}
	t.notify(ctx, NotifyInput{Kind: MailClosed, Recipients: []string{RecipientRequester}, AboutSeq: res.Seq})
	return nil
}

// remindWaiting sends the single reminder of an unanswered question.
func (t *ticket) remindWaiting(ctx workflow.Context) error {
	next := t.s
	next.WaitingReminded = true
	res, err := t.commit(ctx, next, Event{Kind: EventReminderSent, Public: true, Data: map[string]string{"reminder": "waiting"}})
	if err != nil {
		return err
	}
	t.notify(ctx, NotifyInput{Kind: MailWaitingReminder, Recipients: []string{RecipientRequester}, AboutSeq: res.Seq})
	return nil
}
