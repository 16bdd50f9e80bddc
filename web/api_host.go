package web

import (
	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/api"
	"guichet/web/kit"
	"guichet/web/tickets"
)

// apiHost mounts the REST API (package guichet/web/api) on the server: it
// is the api.Host the API reaches the router and its permission guard, the
// ticket request, the status labels and the new-incident form's checks
// through. The rest (language, académie, permission checks, grants) the API
// takes from the kit.
type apiHost struct{ s *Server }

var _ api.Host = apiHost{}

func (h apiHost) Get(path string, handlers ...fiber.Handler)  { h.s.get(path, handlers...) }
func (h apiHost) Post(path string, handlers ...fiber.Handler) { h.s.post(path, handlers...) }
func (h apiHost) Require(perm kit.Permission) fiber.Handler   { return h.s.require(perm) }
func (h apiHost) TicketRequest(c *fiber.Ctx) tickets.Request  { return ticketRequest{h.s, c} }
func (h apiHost) StatusLabel(lang, status string) string      { return h.s.statusLabel(lang, status) }
func (h apiHost) FillAsset(c *fiber.Ctx, f *tickets.IncidentForm) error {
	return h.s.fillAsset(c, f)
}
func (h apiHost) ValidateIncident(c *fiber.Ctx, caller bool, f *tickets.IncidentForm, errs *tickets.FormErrors) (*store.Person, store.Category, error) {
	return h.s.validateIncident(c, caller, f, errs)
}
func (h apiHost) MaxFileBytes() int64 { return h.s.maxFileBytes() }

// OpenAPIDocument returns the OpenAPI document served on
// /api/v1/openapi.json (for tests and tools; api.OpenAPIDocument).
func OpenAPIDocument() []byte { return api.OpenAPIDocument() }

// APIActionNames lists the actions of POST
// /api/v1/tickets/{number}/actions/{action} (api.ActionNames).
func APIActionNames() []string { return api.ActionNames() }
