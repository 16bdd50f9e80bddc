// Package tickets is the ticket logic that both surfaces of the web app,
// the pages (package guichet/web) and the REST API (guichet/web/api),
// share: who may see a ticket and its
// documents, the person as a workflow actor, sending a ticket action to
// the ticket's workflow as an idempotent Update and turning its refusal or
// failure into the message the form or the API answer shows.
//
//   - actions.go: Desk.Viewer, Desk.Visible, Desk.Actor, Desk.Update and
//     ActionError, a ticket action that did not happen.
//   - refusals.go: Desk.RefusalMessage, the translation of a refusal of the
//     rules table (workflows/rules.go).
//   - documents.go: Desk.ViewableAttachment, SendDocument, Previewable.
//   - idempotency.go: the form nonce and the Idempotency-Key header that
//     Update IDs are made from (CONVENTIONS §19).
//   - incident.go: the new-incident form as the page and the API's ticket
//     creation share it: IncidentForm, FormErrors, the cleaning of typed
//     values (CleanLine, CleanText) and of uploads (ReadUpload, SniffType,
//     CleanFilename), and the ticket a valid form submits.
//
// It knows the request only through Request, which package web implements
// on a Fiber request (web/pages/ticket_request.go).
package tickets

import (
	"context"
	"log/slog"

	"go.temporal.io/sdk/client"

	"guichet/store"
	"guichet/web/catalogue"
)

// Desk is the ticket logic, built once by web.New.
type Desk struct {
	db *store.DB
	// temporal may be nil: every action then answers that it is
	// unavailable.
	temporal client.Client
	i18n     *catalogue.Catalogue
	log      *slog.Logger
}

// New returns the ticket logic on db and the Temporal client tc (nil when
// Temporal is not configured), with the messages of i18n.
func New(db *store.DB, tc client.Client, i18n *catalogue.Catalogue, log *slog.Logger) *Desk {
	return &Desk{db: db, temporal: tc, i18n: i18n, log: log}
}

// Request is the request being answered, as the ticket logic needs it.
type Request interface {
	// Context is the request's context.
	Context() context.Context
	// Person is the signed-in person (nil when signed out).
	Person() *store.Person
	// Grants are the person's role grants.
	Grants() ([]store.RoleGrant, error)
	// Lang is the interface language of the answer.
	Lang() string
	// UpdateID is the Update ID of action name sent by person personID in
	// this request, or "" when the request names no retry key.
	UpdateID(personID int64, name string) (string, error)
	// Applied records that the request has applied an Update.
	Applied()
}
