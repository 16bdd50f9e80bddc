package tickets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"guichet/store"
	"guichet/web/kit"
	"guichet/workflows"
)

// updateTimeout bounds one ticket action: the Update is sent and waited for
// until the workflow has applied it and the database projection is written.
const updateTimeout = 30 * time.Second

// ActionError is a ticket action that did not happen, with the French (or
// English) message to show on the form that sent it — never an error page.
// The handler re-renders its form with Message and every typed value.
type ActionError struct {
	// Message is safe to show to the user.
	Message string
	// Refusal is the rules table's refusal (code, field) when the rules
	// refused the action; nil for the other reasons.
	Refusal *workflows.Refusal
	// Reason says why: "rejected" (the workflow's validator refused),
	// "closed" (the workflow is completed), "pending" (the workflow is not
	// started yet), "unavailable" (Temporal could not be reached).
	Reason string
	Err    error
}

// Error implements error.
func (e *ActionError) Error() string {
	return fmt.Sprintf("web: ticket action %s: %s: %v", e.Reason, e.Message, e.Err)
}

// Unwrap returns the cause.
func (e *ActionError) Unwrap() error { return e.Err }

// Viewer returns the visibility viewer of the person making request r (an
// error when nobody is signed in).
func (d *Desk) Viewer(r Request) (store.Viewer, error) {
	u := r.Person()
	if u == nil {
		return store.Viewer{}, kit.Errorf(kit.EUNAUTHORIZED, "")
	}
	g, err := r.Grants()
	if err != nil {
		return store.Viewer{}, err
	}
	return store.NewViewer(u, g), nil
}

// Visible returns the ticket numbered number if the person making request
// r may see it, else an ENOTFOUND application error (hidden tickets look
// missing). It also returns the viewer.
func (d *Desk) Visible(r Request, number string) (*store.Ticket, store.Viewer, error) {
	v, err := d.Viewer(r)
	if err != nil {
		return nil, v, err
	}
	t, err := d.db.VisibleTicket(r.Context(), v, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, v, &kit.Error{Code: kit.ENOTFOUND, Key: "ticket.notfound", Args: []any{number}, Err: err}
	}
	if err != nil {
		return nil, v, fmt.Errorf("web: ticket %s: %w", number, err)
	}
	return t, v, nil
}

// Actor returns the person making request r as a workflow actor, with the
// roles they hold in académie academy (a global administrator acts as a
// technician and supervisor everywhere).
func (d *Desk) Actor(r Request, academy string) (workflows.Actor, error) {
	u := r.Person()
	if u == nil {
		return workflows.Actor{}, kit.Errorf(kit.EUNAUTHORIZED, "")
	}
	g, err := r.Grants()
	if err != nil {
		return workflows.Actor{}, err
	}
	a := workflows.Actor{PersonID: u.ID, Name: u.Login}
	for _, role := range []string{workflows.RoleRequester, workflows.RoleTechnician, workflows.RoleSupervisor} {
		if u.GlobalAdmin && role != workflows.RoleRequester || store.HasRole(g, academy, role) {
			a.Roles = append(a.Roles, role)
		}
	}
	return a, nil
}

// Update sends the Update name to the workflow of ticket t as the person
// making request r and waits until it is applied (WaitForStage Completed,
// so the database already shows the change when it returns). build makes
// the Update's input from the actor, e.g.
//
//	d.Update(r, t, workflows.UpdateAddInfo, func(a workflows.Actor) any {
//		return workflows.AddInfoInput{Actor: a, Body: body}
//	})
//
// The Update carries the request's Update ID (the form's nonce or the API's
// Idempotency-Key), so a resent form or a retried call applies once.
// A refused action (validator), a closed ticket, one whose workflow was
// ended outside Guichet or an unreachable Temporal
// come back as *ActionError carrying the message to show on the form; other
// errors are internal.
func (d *Desk) Update(r Request, t *store.Ticket, name string, build func(workflows.Actor) any) (workflows.UpdateResult, error) {
	var res workflows.UpdateResult
	lang := r.Lang()
	if t.Status == store.StatusClosed || t.Status == store.StatusCancelled {
		return res, &ActionError{Reason: "closed", Message: d.i18n.T(lang, "action.closed"),
			Err: fmt.Errorf("ticket %s is %s", t.Number, t.Status)}
	}
	if t.WorkflowEndedStatus != "" {
		// Its workflow was ended outside Guichet (reconcile): no Update
		// can reach it, whatever its status says.
		return res, &ActionError{Reason: "closed", Message: d.i18n.T(lang, "action.workflowended"),
			Err: fmt.Errorf("ticket %s: workflow %s outside Guichet", t.Number, t.WorkflowEndedStatus)}
	}
	actor, err := d.Actor(r, t.AcademyCode)
	if err != nil {
		return res, err
	}
	in := build(actor)
	// The fields are checked here from the rules table, before a round
	// trip to the workflow, whose validator checks them again.
	if rf := workflows.CheckInput(in); rf != nil {
		return res, &ActionError{Reason: "rejected", Refusal: rf, Message: d.RefusalMessage(lang, rf), Err: rf}
	}
	if d.temporal == nil {
		return res, &ActionError{Reason: "unavailable", Message: d.i18n.T(lang, "action.unavailable"),
			Err: errors.New("no temporal client")}
	}
	id, err := r.UpdateID(actor.PersonID, name)
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), updateTimeout)
	defer cancel()
	err = sendUpdate(ctx, d.temporal, t.Number, name, id, in, &res)
	if err == nil {
		r.Applied()
		return res, nil
	}
	return res, d.actionError(lang, t.Number, err)
}

// sendUpdate sends one Update and waits for its result. A non-empty id is
// the Update ID: the workflow applies an ID once and answers its repeats
// with the first result (idempotency.go); "" lets the SDK pick one.
func sendUpdate(ctx context.Context, tc client.Client, number, name, id string, arg any, res *workflows.UpdateResult) error {
	h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     id,
		WorkflowID:   workflows.TicketWorkflowID(number),
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return fmt.Errorf("web: update %s %s: %w", number, name, err)
	}
	if err := h.Get(ctx, res); err != nil {
		return fmt.Errorf("web: update %s %s: %w", number, name, err)
	}
	return nil
}

// actionError classifies the error of an Update.
func (d *Desk) actionError(lang, number string, err error) error {
	if rf, ok := workflows.RefusalOf(err); ok {
		return &ActionError{Reason: "rejected", Refusal: rf, Message: d.RefusalMessage(lang, rf), Err: err}
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == workflows.ErrRejected {
		// A worker older than the rules table: its French message.
		return &ActionError{Reason: "rejected", Message: appErr.Message(), Err: err}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		if strings.Contains(nf.Error(), "already completed") {
			return &ActionError{Reason: "closed", Message: d.i18n.T(lang, "action.closed"), Err: err}
		}
		return &ActionError{Reason: "pending", Message: d.i18n.T(lang, "action.pending"), Err: err}
	}
	if strings.Contains(err.Error(), "workflow execution already completed") {
		return &ActionError{Reason: "closed", Message: d.i18n.T(lang, "action.closed"), Err: err}
	}
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	if errors.As(err, &unavailable) || errors.As(err, &deadline) ||
		errors.Is(err, context.DeadlineExceeded) {
		d.log.Warn("ticket action: temporal unavailable", "ticket", number, "error", err)
		return &ActionError{Reason: "unavailable", Message: d.i18n.T(lang, "action.unavailable"), Err: err}
	}
	return fmt.Errorf("web: ticket %s action: %w", number, err)
}
