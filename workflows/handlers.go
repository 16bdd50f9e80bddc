package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"
)

// check applies the rules table (Validate) to an Update input against the
// current state: the validators and the handlers' second check after the
// lock.
func (t *ticket) check(in any) error {
	if r := Validate(t.s.Facts(), in); r != nil {
		return r.Err()
	}
	return nil
}

// guard locks the state for a handler and checks the action again: the state
// may have changed while the handler waited for the lock.
func (t *ticket) guard(ctx workflow.Context, validate func() error) (func(), error) {
	if err := t.lock.Lock(ctx); err != nil {
		return nil, fmt.Errorf("workflows: lock: %w", err)
	}
	if err := validate(); err != nil {
		t.lock.Unlock()
		return nil, err
	}
	return t.lock.Unlock, nil
}

// ----- pick up

func (t *ticket) validatePickUp(in PickUpInput) error { return t.check(in) }

func (t *ticket) pickUp(ctx workflow.Context, in PickUpInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validatePickUp(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	first := next.PickedUpAt.IsZero()
	if next.Status == StatusNew {
		next.Status = StatusInProgress
	}
	next.TechnicianID = in.Actor.PersonID
	if first {
		next.PickedUpAt = workflow.Now(ctx)
	}
	res, err := t.commit(ctx, next, Event{Kind: EventPickedUp, ActorID: in.Actor.PersonID, Public: true,
		Data: map[string]string{"technician": id(next.TechnicianID)}})
	if err != nil {
		return res, err
	}
	if first {
		t.notify(ctx, NotifyInput{Kind: MailPickedUp, Recipients: []string{RecipientRequester},
			ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	}
	return res, nil
}

// ----- assign

func (t *ticket) validateAssign(in AssignInput) error { return t.check(in) }

func (t *ticket) assign(ctx workflow.Context, in AssignInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateAssign(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	if in.GroupID != 0 {
		next.GroupID = in.GroupID
	}
	next.TechnicianID = in.TechnicianID
	takenUp := false
	if next.Status == StatusNew && next.TechnicianID != 0 {
		next.Status = StatusInProgress
		if next.PickedUpAt.IsZero() {
			next.PickedUpAt = workflow.Now(ctx)
			takenUp = true
		}
	}
	res, err := t.commit(ctx, next, Event{Kind: EventAssigned, ActorID: in.Actor.PersonID, Public: true, Body: in.Reason,
		Data: map[string]string{
			"from_group": id(t.s.GroupID), "group": id(next.GroupID),
			"from_technician": id(t.s.TechnicianID), "technician": id(next.TechnicianID),
		}})
	if err != nil {
		return res, err
	}
	to := RecipientTechnician
	if next.TechnicianID == 0 {
		to = RecipientGroup
	}
	t.notify(ctx, NotifyInput{Kind: MailAssigned, Recipients: []string{to},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	if takenUp {
		t.notify(ctx, NotifyInput{Kind: MailPickedUp, Recipients: []string{RecipientRequester},
			ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	}
	return res, nil
}

// ----- requalify

func (t *ticket) validateRequalify(in RequalifyInput) error { return t.check(in) }

func (t *ticket) requalify(ctx workflow.Context, in RequalifyInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateRequalify(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	var events []Event
	if in.Urgency != 0 && in.Urgency != t.s.Urgency {
		next.Urgency = in.Urgency
		events = append(events, Event{Kind: EventUrgencyChanged, ActorID: in.Actor.PersonID, Public: true, Body: in.Reason,
			Data: map[string]string{"from": fmt.Sprint(t.s.Urgency), "to": fmt.Sprint(in.Urgency)}})
	}
	if in.Impact != 0 && in.Impact != t.s.Impact {
		next.Impact = in.Impact
		events = append(events, Event{Kind: EventImpactChanged, ActorID: in.Actor.PersonID, Public: true, Body: in.Reason,
			Data: map[string]string{"from": fmt.Sprint(t.s.Impact), "to": fmt.Sprint(in.Impact)}})
	}
	return t.commit(ctx, next, events...)
}

// ----- reply and note

func (t *ticket) validateReply(in ReplyInput) error { return t.check(in) }

func (t *ticket) reply(ctx workflow.Context, in ReplyInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateReply(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	res, err := t.commit(ctx, t.s, Event{Kind: EventReply, ActorID: in.Actor.PersonID, Public: true,
		Body: in.Body, AttachmentIDs: in.AttachmentIDs})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailReply, Recipients: []string{RecipientRequester},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

func (t *ticket) validateNote(in NoteInput) error { return t.check(in) }

func (t *ticket) note(ctx workflow.Context, in NoteInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateNote(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	return t.commit(ctx, t.s, Event{Kind: EventNote, ActorID: in.Actor.PersonID,
		Body: in.Body, AttachmentIDs: in.AttachmentIDs})
}

// ----- request and add information

func (t *ticket) validateRequestInfo(in RequestInfoInput) error { return t.check(in) }

func (t *ticket) requestInfo(ctx workflow.Context, in RequestInfoInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateRequestInfo(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	next.Status = StatusWaiting
	next.WaitingSince = workflow.Now(ctx)
	next.WaitingReminded = false
	res, err := t.commit(ctx, next, Event{Kind: EventInfoRequested, ActorID: in.Actor.PersonID, Public: true, Body: in.Question})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailInfoRequested, Recipients: []string{RecipientRequester},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

func (t *ticket) validateAddInfo(in AddInfoInput) error { return t.check(in) }

func (t *ticket) addInfo(ctx workflow.Context, in AddInfoInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateAddInfo(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	return t.infoAdded(ctx, in, "")
}

// infoAdded records information from the requester; in waiting it resumes
// the ticket.
func (t *ticket) infoAdded(ctx workflow.Context, in AddInfoInput, messageID string) (UpdateResult, error) {
	next := t.s
	if next.Status == StatusWaiting {
		next.Status = StatusInProgress
		next.WaitingSince = time.Time{}
		next.WaitingReminded = false
	}
	data := map[string]string{}
	if messageID != "" {
		data["message_id"] = messageID
		data["via"] = "mail"
	}
	res, err := t.commit(ctx, next, Event{Kind: EventInfoAdded, ActorID: in.Actor.PersonID, Public: true,
		Body: in.Body, AttachmentIDs: in.AttachmentIDs, Data: data})
	if err != nil {
		return res, err
	}
	to := RecipientTechnician
	if next.TechnicianID == 0 {
		to = RecipientGroup
	}
	t.notify(ctx, NotifyInput{Kind: MailInfoAdded, Recipients: []string{to},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

// mailReply handles SignalMailReply: like add-info, but a signal has no
// answer, so what the rules refuse is logged and dropped.
func (t *ticket) mailReply(ctx workflow.Context, m MailReplyInput) {
	in := AddInfoInput{Actor: Actor{PersonID: m.PersonID}, Body: m.Body, AttachmentIDs: m.AttachmentIDs}
	unlock, err := t.guard(ctx, func() error { return t.validateAddInfo(in) })
	if err != nil {
		workflow.GetLogger(ctx).Warn("mail reply dropped", "message_id", m.MessageID, "error", err)
		return
	}
	defer unlock()
	if _, err := t.infoAdded(ctx, in, m.MessageID); err != nil {
		workflow.GetLogger(ctx).Error("mail reply not recorded", "message_id", m.MessageID, "error", err)
	}
}

// ----- resolve, accept, refuse

func (t *ticket) validateResolve(in ResolveInput) error { return t.check(in) }

func (t *ticket) resolve(ctx workflow.Context, in ResolveInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateResolve(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	now := workflow.Now(ctx)
	next := t.s
	next.Status = StatusResolved
	if next.TechnicianID == 0 {
		next.TechnicianID = in.Actor.PersonID // a refusal returns it to whoever resolved
	}
	next.Solution = in.Solution
	next.ArticleID = in.ArticleID
	next.ResolvedAt = now
	next.ValidationDueAt = now.Add(t.in.Timers.ValidationDeadline)
	next.ValidationReminded = false
	// The documents ride on the same Project command as before (only its
	// payload grows), so no workflow.GetVersion is needed: histories
	// recorded without AttachmentIDs replay with an empty list.
	res, err := t.commit(ctx, next, Event{Kind: EventResolved, ActorID: in.Actor.PersonID, Public: true, Body: in.Solution,
		Data:          map[string]string{"validation_due": stamp(next.ValidationDueAt), "article": id(in.ArticleID)},
		AttachmentIDs: in.AttachmentIDs})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailResolved, Recipients: []string{RecipientRequester},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

func (t *ticket) validateAccept(in AcceptInput) error { return t.check(in) }

func (t *ticket) accept(ctx workflow.Context, in AcceptInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateAccept(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	next.Status = StatusClosed
	next.ClosedAt = workflow.Now(ctx)
	next.ValidationDueAt = time.Time{}
	next.Validation = ValidationAccepted
	next.RatingDelay, next.RatingQuality, next.ValidationComment = in.RatingDelay, in.RatingQuality, in.Comment
	res, err := t.commit(ctx, next, Event{Kind: EventAccepted, ActorID: in.Actor.PersonID, Public: true, Body: in.Comment,
		Data: map[string]string{"rating_delay": fmt.Sprint(in.RatingDelay), "rating_quality": fmt.Sprint(in.RatingQuality)}})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailClosed, Recipients: []string{RecipientRequester},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

func (t *ticket) validateRefuse(in RefuseInput) error { return t.check(in) }

func (t *ticket) refuse(ctx workflow.Context, in RefuseInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateRefuse(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	next.Status = StatusInProgress // back to the same technician
	next.Refusals++
	next.ValidationDueAt = time.Time{}
	next.Validation = ValidationRefused
	next.RatingDelay, next.RatingQuality, next.ValidationComment = in.RatingDelay, in.RatingQuality, in.Comment
	res, err := t.commit(ctx, next, Event{Kind: EventRefused, ActorID: in.Actor.PersonID, Public: true, Body: in.Comment,
		Data: map[string]string{
			"rating_delay": fmt.Sprint(in.RatingDelay), "rating_quality": fmt.Sprint(in.RatingQuality),
			"refusals": fmt.Sprint(next.Refusals),
		}})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailRefused, Recipients: []string{RecipientTechnician},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

// ----- cancel and duplicate

func (t *ticket) validateCancel(in CancelInput) error { return t.check(in) }

func (t *ticket) cancel(ctx workflow.Context, in CancelInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateCancel(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	next := t.s
	next.Status = StatusCancelled
	next.ClosedAt = workflow.Now(ctx)
	res, err := t.commit(ctx, next, Event{Kind: EventCancelled, ActorID: in.Actor.PersonID, Public: true, Body: in.Reason})
	if err != nil {
		return res, err
	}
	recipients := []string{RecipientRequester}
	if next.TechnicianID != 0 {
		recipients = append(recipients, RecipientTechnician)
	}
	t.notify(ctx, NotifyInput{Kind: MailCancelled, Recipients: recipients,
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}

func (t *ticket) validateMarkDuplicate(in MarkDuplicateInput) error { return t.check(in) }

func (t *ticket) markDuplicate(ctx workflow.Context, in MarkDuplicateInput) (UpdateResult, error) {
	unlock, err := t.guard(ctx, func() error { return t.validateMarkDuplicate(in) })
	if err != nil {
		return UpdateResult{}, err
	}
	defer unlock()
	of := strings.ToUpper(strings.TrimSpace(in.Of))
	var other LookupTicketResult
	if err := t.execute(ctx, forever, ActivityLookupTicket,
		LookupTicketInput{Number: of}).Get(ctx, &other); err != nil {
		return UpdateResult{}, fmt.Errorf("workflows: look up %s: %w", of, err)
	}
	refuse := func(code string) (UpdateResult, error) {
		r := &Refusal{Action: UpdateMarkDuplicate, Code: code, Field: FieldOf, Ticket: of}
		if code == RefusedNotOpen {
			r.StatusKey = StatusKey(other.Status)
		}
		return UpdateResult{}, r.Err()
	}
	switch {
	case !other.Found:
		return refuse(RefusedUnknown)
	case other.Academy != t.s.Academy:
		return refuse(RefusedOtherAcademy)
	case other.Status == StatusClosed || other.Status == StatusCancelled:
		return refuse(RefusedNotOpen)
	}
	next := t.s
	next.Status = StatusClosed
	next.ClosedAt = workflow.Now(ctx)
	next.DuplicateOf = of
	res, err := t.commit(ctx, next, Event{Kind: EventDuplicate, ActorID: in.Actor.PersonID, Public: true, Body: in.Reason,
		Data: map[string]string{"of": of}})
	if err != nil {
		return res, err
	}
	t.notify(ctx, NotifyInput{Kind: MailDuplicate, Recipients: []string{RecipientRequester},
		ExcludePersonID: in.Actor.PersonID, AboutSeq: res.Seq})
	return res, nil
}
