// Package activities implements the activities of Guichet's workflows:
// those of the ticket workflow (Activities: they project the workflow's
// state into the database, route tickets, pick technicians, queue
// notification mails and record webhook deliveries), of the webhook
// deliveries (Activities, webhooks.go) and of the directory
// synchronisation (Directory, directory.go). Each is a method named exactly
// as its workflows.Activity… constant; the worker registers the structs, so
// the method name is the registered activity name.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"

	"guichet/mail"
	"guichet/store"
	"guichet/workflows"
)

// Activities holds the dependencies of the ticket activities. Every
// exported method is registered as an activity: helpers stay unexported.
type Activities struct {
	DB     *store.DB
	Outbox *mail.Outbox
	// BaseURL is the public URL of the web app; mails link to
	// BaseURL/incidents/NUMBER.
	BaseURL string
	Logger  *slog.Logger
	// ReplyTo returns the signed per-ticket Reply-To address of a ticket's
	// mails to its requester; nil (or an empty result) means no Reply-To,
	// and the mails then ask not to reply.
	ReplyTo func(number string) string
	// Location is the time zone of dates written in mails (default
	// Europe/Paris).
	Location *time.Location
	// WebhookKey derives the webhook signing secrets (config
	// WebhookSecretKey); the zero key signs only secrets stored in clear.
	WebhookKey store.WebhookKey
	// WebhookAllowPrivate lets deliveries connect to loopback and private
	// addresses (webhooks.allow_private_targets; tests).
	WebhookAllowPrivate bool
}

// Error types of the non-retryable application errors the activities return.
const (
	// ErrBadInput marks an input the activity can never act on.
	ErrBadInput = "BadInput"
	// ErrTicketNotFound marks a ticket missing from the database.
	ErrTicketNotFound = "TicketNotFound"
)

func (a *Activities) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
}

// badInput returns a non-retryable error: retrying cannot fix the input.
func badInput(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return temporal.NewNonRetryableApplicationError("activities: "+msg, ErrBadInput, nil)
}

// storeError wraps a store error; a missing ticket is not retryable.
func storeError(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError("activities: "+what+": "+err.Error(), ErrTicketNotFound, err)
	}
	return fmt.Errorf("activities: %s: %w", what, err)
}

// Project writes a state change of the workflow: the ticket snapshot and
// its new timeline events, in one transaction, idempotently (a retry writes
// nothing twice and an older snapshot never rewinds a newer one), then
// records the webhook deliveries of the events and returns the pending
// ones (or, for a workflow of an earlier release, starts them: see
// workflows.ProjectInput).
func (a *Activities) Project(ctx context.Context, in workflows.ProjectInput) (workflows.ProjectResult, error) {
	s := in.Ticket
	if s.Number == "" || s.Status == "" {
		return workflows.ProjectResult{}, badInput("project: ticket number and status are required")
	}
	events := make([]store.ProjectedEvent, 0, len(in.Events))
	for _, ev := range in.Events {
		if ev.Seq < 1 || ev.Kind == "" {
			return workflows.ProjectResult{}, badInput("project %s: event seq %d kind %q (a positive sequence and a kind are required)", s.Number, ev.Seq, ev.Kind)
		}
		data := "{}"
		if len(ev.Data) > 0 {
			b, err := json.Marshal(ev.Data) // map keys come out sorted
			if err != nil {
				return workflows.ProjectResult{}, badInput("project %s: event %d data: %v", s.Number, ev.Seq, err)
			}
			data = string(b)
		}
		events = append(events, store.ProjectedEvent{
			TicketEvent: store.TicketEvent{
				Seq: ev.Seq, Kind: ev.Kind, ActorID: personRef(ev.ActorID), Public: ev.Public,
				Body: ev.Body, Data: data, CreatedAt: ev.At,
			},
			AttachmentIDs:   ev.AttachmentIDs,
			SolvedArticleID: solvedArticle(ev),
		})
	}
	p := store.TicketProjection{
		Seq: s.Seq, Status: s.Status, GroupID: s.GroupID, TechnicianID: s.TechnicianID,
		Urgency: s.Urgency, Impact: s.Impact, Priority: s.Priority, Late: s.Late, Refusals: s.Refusals,
		Solution: s.Solution, DuplicateOf: s.DuplicateOf,
		PickupDueAt: s.PickupDueAt, PickedUpAt: s.PickedUpAt, ResolvedAt: s.ResolvedAt,
		ValidationDueAt: s.ValidationDueAt, ClosedAt: s.ClosedAt,
		Validation: s.Validation, RatingDelay: s.RatingDelay, RatingQuality: s.RatingQuality,
		ValidationComment: s.ValidationComment, UpdatedAt: s.UpdatedAt,
	}
	if _, err := a.DB.ApplyProjection(ctx, s.Number, p, events); err != nil {
		return workflows.ProjectResult{}, storeError("project "+s.Number, err)
	}
	pending, err := a.enqueueWebhooks(ctx, s, in.Events) // webhooks.go
	if err != nil {
		return workflows.ProjectResult{}, err
	}
	if in.ReturnWebhooks {
		return workflows.ProjectResult{WebhookDeliveries: pending}, nil
	}
	// A workflow of an earlier release: start the deliveries here, as it
	// expects.
	if err := a.startWebhooks(ctx, pending); err != nil {
		return workflows.ProjectResult{}, err
	}
	return workflows.ProjectResult{}, nil
}

// solvedArticle is the knowledge-base article a resolved event names (0
// for none): the projection counts it solved once, with the event.
func solvedArticle(ev workflows.Event) int64 {
	if ev.Kind != workflows.EventResolved {
		return 0
	}
	n, err := strconv.ParseInt(ev.Data["article"], 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// personRef turns a person ID into a nullable column value (0 = nobody).
func personRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Route chooses the group of a new ticket: the group of its category or of
// the nearest ancestor that has one, else the académie's intake group; 0
// when the académie has none.
func (a *Activities) Route(ctx context.Context, in workflows.RouteInput) (workflows.RouteResult, error) {
	if in.Academy == "" {
		return workflows.RouteResult{}, badInput("route %s: académie is required", in.Number)
	}
	if in.CategoryID != 0 {
		g, err := a.DB.RouteGroup(ctx, in.CategoryID)
		switch {
		case err == nil && g.AcademyCode == in.Academy:
			return workflows.RouteResult{GroupID: g.ID}, nil
		case err == nil:
			a.logger().WarnContext(ctx, "activities: category routes to another académie's group, using the intake group",
				"ticket", in.Number, "category", in.CategoryID, "group", g.ID)
		case !errors.Is(err, store.ErrNotFound):
			return workflows.RouteResult{}, fmt.Errorf("activities: route %s: %w", in.Number, err)
		}
	}
	g, err := a.DB.IntakeGroup(ctx, in.Academy)
	if errors.Is(err, store.ErrNotFound) {
		a.logger().WarnContext(ctx, "activities: académie has no intake group, ticket left unrouted",
			"ticket", in.Number, "academy", in.Academy)
		return workflows.RouteResult{}, nil
	}
	if err != nil {
		return workflows.RouteResult{}, fmt.Errorf("activities: route %s: %w", in.Number, err)
	}
	return workflows.RouteResult{GroupID: g.ID}, nil
}

// PickTechnician chooses the available member of a group with the fewest
// open tickets; ties go to the least recently assigned, then the lowest ID.
// It returns 0 when nobody is available.
func (a *Activities) PickTechnician(ctx context.Context, in workflows.PickTechnicianInput) (workflows.PickTechnicianResult, error) {
	if in.GroupID == 0 {
		return workflows.PickTechnicianResult{}, nil
	}
	loads, err := a.DB.TechnicianLoads(ctx, in.GroupID)
	if err != nil {
		return workflows.PickTechnicianResult{}, fmt.Errorf("activities: pick technician: %w", err)
	}
	if len(loads) == 0 {
		return workflows.PickTechnicianResult{}, nil
	}
	return workflows.PickTechnicianResult{TechnicianID: loads[0].PersonID}, nil
}

// LookupTicket reports whether a ticket exists, with its académie and
// status (Found false, not an error, when it does not).
func (a *Activities) LookupTicket(ctx context.Context, in workflows.LookupTicketInput) (workflows.LookupTicketResult, error) {
	t, err := a.DB.GetTicket(ctx, in.Number)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.LookupTicketResult{}, nil
	}
	if err != nil {
		return workflows.LookupTicketResult{}, fmt.Errorf("activities: lookup ticket: %w", err)
	}
	return workflows.LookupTicketResult{Found: true, Academy: t.AcademyCode, Status: t.Status}, nil
}
