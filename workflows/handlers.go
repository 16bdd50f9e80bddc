package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Text limits of user input carried in payloads.
const (
	maxBody   = 20000 // replies, notes, questions, information, solutions
	maxReason = 2000  // reasons and validation comments
)

// rejected returns the error of a refused action: type ErrRejected, French
// message safe to show.
func rejected(format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), ErrRejected)
}

// StatusLabel returns the French label of a status.
func StatusLabel(status string) string {
	switch status {
	case StatusNew:
		return "Nouveau"
	case StatusInProgress:
		return "En cours de traitement"
	case StatusWaiting:
		return "En attente d'information"
	case StatusResolved:
		return "Résolu — en attente de validation"
	case StatusClosed:
		return "Clôturé"
	case StatusCancelled:
		return "Annulé"
	}
	return status
}

// checkState rejects actions on a closed or cancelled ticket and actions
// the current status does not allow.
func (t *ticket) checkState(allowed ...string) error {
	switch t.s.Status {
	case StatusClosed:
		return rejected("Le ticket %s est clôturé : il n'accepte plus aucune action.", t.s.Number)
	case StatusCancelled:
		return rejected("Le ticket %s est annulé : il n'accepte plus aucune action.", t.s.Number)
	}
	if !slices.Contains(allowed, t.s.Status) {
		return rejected("Action impossible : le ticket est « %s ».", StatusLabel(t.s.Status))
	}
	return nil
}

// openStatuses lists the statuses of a ticket that accepts actions.
func openStatuses() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}
}

// beforeResolution lists the statuses of an open, unresolved ticket.
func beforeResolution() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting}
}

func (t *ticket) isRequester(a Actor) bool {
	return a.PersonID != 0 && (a.PersonID == t.s.RequesterID || a.PersonID == t.s.BeneficiaryID)
}

func checkActor(a Actor) error {
	if a.PersonID <= 0 {
		return rejected("Action refusée : personne non identifiée.")
	}
	return nil
}

func checkSupport(a Actor) error {
	if err := checkActor(a); err != nil {
		return err
	}
	if !a.Support() {
		return rejected("Action réservée à l'équipe de support.")
	}
	return nil
}

func (t *ticket) checkRequester(a Actor) error {
	if err := checkActor(a); err != nil {
		return err
	}
	if !t.isRequester(a) {
		return rejected("Action réservée au demandeur ou au bénéficiaire du ticket.")
	}
	return nil
}

// checkText rejects an empty or too long text.
func checkText(text, missing string, limit int) error {
	if strings.TrimSpace(text) == "" {
		return rejected("%s", missing)
	}
	if n := utf8.RuneCountInString(text); n > limit {
		return rejected("Le texte est trop long (%d caractères au plus).", limit)
	}
	return nil
}

func checkOptional(text string, limit int) error {
	if utf8.RuneCountInString(text) > limit {
		return rejected("Le texte est trop long (%d caractères au plus).", limit)
	}
	return nil
}

func checkRatings(delay, quality int) error {
	if delay < 1 || delay > 5 || quality < 1 || quality > 5 {
		return rejected("Les notes de délai et de qualité d'intervention vont de 1 à 5.")
	}
	return nil
}

func checkLevel(v int, what string) error {
	if v < 0 || v > 3 {
		return rejected("%s doit valoir 1 (haute), 2 (moyenne) ou 3 (faible).", what)
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

func (t *ticket) validatePickUp(in PickUpInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if !in.Actor.Has(RoleTechnician) {
		return rejected("Seul un technicien peut prendre un ticket en charge.")
	}
	if err := t.checkState(beforeResolution()...); err != nil {
		return err
	}
	if t.s.Status != StatusNew && t.s.TechnicianID != 0 {
		if t.s.TechnicianID == in.Actor.PersonID {
			return rejected("Vous avez déjà pris ce ticket en charge.")
		}
		return rejected("Ce ticket est déjà pris en charge par un autre technicien.")
	}
	return nil
}

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

func (t *ticket) validateAssign(in AssignInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(beforeResolution()...); err != nil {
		return err
	}
	if in.GroupID < 0 || in.TechnicianID < 0 || (in.GroupID == 0 && in.TechnicianID == 0) {
		return rejected("Choisissez un technicien ou un groupe.")
	}
	if (in.GroupID == 0 || in.GroupID == t.s.GroupID) && in.TechnicianID == t.s.TechnicianID {
		return rejected("Le ticket est déjà affecté ainsi.")
	}
	return checkOptional(in.Reason, maxReason)
}

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

func (t *ticket) validateRequalify(in RequalifyInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(beforeResolution()...); err != nil {
		return err
	}
	if err := checkLevel(in.Urgency, "L'urgence"); err != nil {
		return err
	}
	if err := checkLevel(in.Impact, "L'impact"); err != nil {
		return err
	}
	if (in.Urgency == 0 || in.Urgency == t.s.Urgency) && (in.Impact == 0 || in.Impact == t.s.Impact) {
		return rejected("Rien à requalifier : l'urgence et l'impact sont inchangés.")
	}
	return checkText(in.Reason, "Indiquez le motif de la requalification.", maxReason)
}

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

func (t *ticket) validateReply(in ReplyInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(openStatuses()...); err != nil {
		return err
	}
	return checkText(in.Body, "La réponse est vide.", maxBody)
}

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

func (t *ticket) validateNote(in NoteInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(openStatuses()...); err != nil {
		return err
	}
	return checkText(in.Body, "La note est vide.", maxBody)
}

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

func (t *ticket) validateRequestInfo(in RequestInfoInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(StatusInProgress); err != nil {
		return err
	}
	return checkText(in.Question, "Posez votre question au demandeur.", maxBody)
}

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

func (t *ticket) validateAddInfo(in AddInfoInput) error {
	if err := t.checkRequester(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(openStatuses()...); err != nil {
		return err
	}
	if len(in.AttachmentIDs) > 0 && strings.TrimSpace(in.Body) == "" {
		return checkOptional(in.Body, maxBody)
	}
	return checkText(in.Body, "L'information ajoutée est vide.", maxBody)
}

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

func (t *ticket) validateResolve(in ResolveInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(StatusInProgress); err != nil {
		return err
	}
	if in.ArticleID < 0 {
		return rejected("Article de la base de connaissances inconnu.")
	}
	return checkText(in.Solution, "Décrivez la solution apportée.", maxBody)
}

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

func (t *ticket) validateAccept(in AcceptInput) error {
	if err := t.checkRequester(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(StatusResolved); err != nil {
		return err
	}
	if err := checkRatings(in.RatingDelay, in.RatingQuality); err != nil {
		return err
	}
	return checkOptional(in.Comment, maxReason)
}

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

func (t *ticket) validateRefuse(in RefuseInput) error {
	if err := t.checkRequester(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(StatusResolved); err != nil {
		return err
	}
	if err := checkRatings(in.RatingDelay, in.RatingQuality); err != nil {
		return err
	}
	return checkText(in.Comment, "Un refus doit être motivé : indiquez ce qui ne convient pas.", maxReason)
}

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

func (t *ticket) validateCancel(in CancelInput) error {
	if err := checkActor(in.Actor); err != nil {
		return err
	}
	if !t.isRequester(in.Actor) && !in.Actor.Has(RoleSupervisor) {
		return rejected("Seul le demandeur peut annuler son ticket.")
	}
	if t.s.Status == StatusResolved {
		return rejected("Le ticket est résolu : acceptez ou refusez la solution au lieu de l'annuler.")
	}
	if err := t.checkState(beforeResolution()...); err != nil {
		return err
	}
	return checkOptional(in.Reason, maxReason)
}

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

func (t *ticket) validateMarkDuplicate(in MarkDuplicateInput) error {
	if err := checkSupport(in.Actor); err != nil {
		return err
	}
	if err := t.checkState(beforeResolution()...); err != nil {
		return err
	}
	of := strings.TrimSpace(in.Of)
	if of == "" {
		return rejected("Indiquez le numéro du ticket à suivre.")
	}
	if strings.EqualFold(of, t.s.Number) {
		return rejected("Un ticket ne peut pas être le doublon de lui-même.")
	}
	return checkOptional(in.Reason, maxReason)
}

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
	switch {
	case !other.Found:
		return UpdateResult{}, rejected("Le ticket %s n'existe pas.", of)
	case other.Academy != t.s.Academy:
		return UpdateResult{}, rejected("Le ticket %s appartient à une autre académie.", of)
	case other.Status == StatusClosed || other.Status == StatusCancelled:
		return UpdateResult{}, rejected("Le ticket %s est %s : choisissez un ticket ouvert.", of, strings.ToLower(StatusLabel(other.Status)))
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
