// Package api is Guichet's REST API under /api/v1 (SPEC §10): bearer
// tokens, JSON, every route described in openapi.json.
//
//   - routes.go lists every route of the API with its permission and
//     handler (API.Routes); package web calls it before the session and
//     CSRF middleware.
//   - auth.go authenticates a request by its bearer token (Token),
//     ratelimit.go counts it against its token's limit.
//   - tickets.go, actions.go, attachments.go: tickets, their actions and
//     documents, on the ticket logic of package guichet/web/tickets;
//     misc.go: the person, categories, the directory, search, uploads and
//     the OpenAPI document.
//
// The API is mounted on the web server (package guichet/web), which it
// reaches through Host: routing with the permission table, the request's
// language, académie and permissions, and the checks of the new-incident
// form the API shares with the page. It never imports the pages.
package api

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/web/catalogue"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// Host is what the API needs of the web server it is mounted on.
type Host interface {
	// Get and Post register a route, recording the permissions of the
	// Require handlers among handlers (testdata/routes.txt).
	Get(path string, handlers ...fiber.Handler)
	Post(path string, handlers ...fiber.Handler)
	// Require guards a route with perm, checked in kit.AcademyOf(c).
	Require(perm kit.Permission) fiber.Handler
	// TicketRequest is the request as the ticket logic sees it.
	TicketRequest(c *fiber.Ctx) tickets.Request
	// StatusLabel is the label of a ticket status in lang.
	StatusLabel(lang, status string) string
	// FillAsset, ValidateIncident and MaxFileBytes are the new-incident
	// form's: the chosen asset's fields, the checks of a submission (the
	// beneficiary and the leaf category when valid), the per-file limit.
	FillAsset(c *fiber.Ctx, f *tickets.IncidentForm) error
	ValidateIncident(c *fiber.Ctx, caller bool, f *tickets.IncidentForm, errs *tickets.FormErrors) (*store.Person, store.Category, error)
	MaxFileBytes() int64
}

// Deps are the dependencies of the API.
type Deps struct {
	Config  config.Config
	DB      *store.DB
	Logger  *slog.Logger
	I18n    *catalogue.Catalogue
	Intake  *intake.Service
	Tickets *tickets.Desk
	// MaxUpload is the largest accepted upload (a whole ticket).
	MaxUpload int64
}

// API is the REST API.
type API struct {
	host      Host
	cfg       config.Config
	db        *store.DB
	log       *slog.Logger
	i18n      *catalogue.Catalogue
	intake    *intake.Service
	tickets   *tickets.Desk
	maxUpload int64
}

// New returns the API mounted on host. Routes registers its routes.
func New(host Host, d Deps) *API {
	return &API{host: host, cfg: d.Config, db: d.DB, log: d.Logger, i18n: d.I18n,
		intake: d.Intake, tickets: d.Tickets, maxUpload: d.MaxUpload}
}

// viewer returns the visibility viewer of the request's person.
func (s *API) viewer(c *fiber.Ctx) (store.Viewer, error) {
	return s.tickets.Viewer(s.host.TicketRequest(c))
}

// visibleTicket returns the ticket numbered number if the request's person
// may see it (tickets.Desk.Visible).
func (s *API) visibleTicket(c *fiber.Ctx, number string) (*store.Ticket, store.Viewer, error) {
	return s.tickets.Visible(s.host.TicketRequest(c), number)
}

// updateTicket sends the Update name to the workflow of ticket t as the
// request's person (tickets.Desk.Update).
func (s *API) updateTicket(c *fiber.Ctx, t *store.Ticket, name string, build func(workflows.Actor) any) (workflows.UpdateResult, error) {
	return s.tickets.Update(s.host.TicketRequest(c), t, name, build)
}
