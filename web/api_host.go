package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/api"
	"guichet/web/kit"
	"guichet/web/pages"
	"guichet/web/tickets"
)

// apiHost mounts the REST API (package guichet/web/api) on the server: it
// is the api.Host the API reaches the router and its permission guard, the
// ticket request, the status labels and the new-incident form's checks
// through. The rest (language, académie, permission checks, grants) the API
// takes from the kit.
type apiHost struct{ p *pages.Pages }

var _ api.Host = apiHost{}

func (h apiHost) Get(path string, handlers ...fiber.Handler)  { h.p.Get(path, handlers...) }
func (h apiHost) Post(path string, handlers ...fiber.Handler) { h.p.Post(path, handlers...) }
func (h apiHost) Require(perm kit.Permission) fiber.Handler   { return h.p.Require(perm) }
func (h apiHost) TicketRequest(c *fiber.Ctx) tickets.Request {
	return apiTicketRequest{h.p.TicketRequest(c), c}
}
func (h apiHost) StatusLabel(lang, status string) string { return h.p.StatusLabel(lang, status) }
func (h apiHost) FillAsset(c *fiber.Ctx, f *tickets.IncidentForm) error {
	return h.p.FillAsset(c, f)
}
func (h apiHost) ValidateIncident(c *fiber.Ctx, caller bool, f *tickets.IncidentForm, errs *tickets.FormErrors) (*store.Person, store.Category, error) {
	return h.p.ValidateIncident(c, caller, f, errs)
}
func (h apiHost) MaxFileBytes() int64 { return h.p.MaxFileBytes() }

// OpenAPIDocument returns the OpenAPI document served on
// /api/v1/openapi.json (for tests and tools; api.OpenAPIDocument).
func OpenAPIDocument() []byte { return api.OpenAPIDocument() }

// APIActionNames lists the actions of POST
// /api/v1/tickets/{number}/actions/{action} (api.ActionNames).
func APIActionNames() []string { return api.ActionNames() }

// apiTicketRequest is the pages' ticket request whose Update ID comes from
// an API call's Idempotency-Key rather than a form's nonce.
type apiTicketRequest struct {
	tickets.Request
	c *fiber.Ctx
}

// UpdateID returns the Update ID of the ticket action name sent by person
// personID in this API call, or "" when it names no Idempotency-Key (the
// SDK then makes a random one). A malformed Idempotency-Key is refused
// (422) rather than silently not deduplicated.
func (r apiTicketRequest) UpdateID(personID int64, name string) (string, error) {
	if api.Token(r.c) == nil {
		return r.Request.UpdateID(personID, name)
	}
	key := r.c.Get(tickets.HeaderIdempotencyKey)
	if key == "" {
		return "", nil
	}
	if !tickets.ValidIdempotencyKey(key) {
		return "", api.Unprocessable("api.error.idempotency", tickets.MaxIdempotencyKey)
	}
	return fmt.Sprintf("api:%d:%s:%s", personID, name, key), nil
}
