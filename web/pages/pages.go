package pages

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.temporal.io/sdk/client"

	"guichet/config"
	"guichet/identity"
	"guichet/intake"
	"guichet/store"
	"guichet/web/catalogue"
	"guichet/web/kit"
	"guichet/web/tickets"
)

// RouteLocal is the Fiber local holding the matched route's pattern, set
// by every route the pages' router registers (for metrics and logs).
const RouteLocal = localRoute

// Deps are what the pages need; the server (package guichet/web) builds
// them once in web.New.
type Deps struct {
	Config   config.Config
	DB       *store.DB
	Temporal client.Client // may be nil
	Logger   *slog.Logger
	Intake   *intake.Service // nil: creation is unavailable
	I18n     *catalogue.Catalogue
	Tickets  *tickets.Desk
	Sessions kit.Sessions
	Assets   *kit.Assets
	Identity *identity.Service
	Paris    *time.Location
	// SessionIdle, SessionMax and MaxUpload are already defaulted.
	SessionIdle time.Duration
	SessionMax  time.Duration
	MaxUpload   int64
	// App is the Fiber app the pages register their routes on.
	App *fiber.App
}

// Pages are the server-rendered pages: every handler is a method of Pages.
type Pages struct {
	cfg      config.Config
	db       *store.DB
	temporal client.Client
	log      *slog.Logger
	i18n     *catalogue.Catalogue // messages of every page
	views    *kit.Views
	// sessions reads and writes the browser's session and CSRF tokens.
	sessions kit.Sessions
	assets   *kit.Assets
	paris    *time.Location

	sessionIdle time.Duration
	sessionMax  time.Duration
	// maxUpload is the largest accepted upload (a whole ticket).
	maxUpload int64

	app *fiber.App
	// intake stores new tickets and starts their workflows (nil: the
	// new-incident form answers that creation is unavailable).
	intake *intake.Service
	// access records each route's declared permissions (access.go).
	access routeAccess
	// tickets is the ticket logic the pages and the API share.
	tickets *tickets.Desk
	// identity signs people in (local, LDAP, TOTP, rate limits) and
	// imports the directory.
	identity *identity.Service
}

// New builds the pages and parses every template (a broken one fails
// here). It registers no route: Routes does.
func New(d Deps) (*Pages, error) {
	if d.App == nil || d.I18n == nil || d.Assets == nil {
		return nil, errors.New("pages: new: missing dependency")
	}
	s := &Pages{
		cfg:         d.Config,
		db:          d.DB,
		temporal:    d.Temporal,
		log:         d.Logger,
		i18n:        d.I18n,
		sessions:    d.Sessions,
		assets:      d.Assets,
		paris:       d.Paris,
		sessionIdle: d.SessionIdle,
		sessionMax:  d.SessionMax,
		maxUpload:   d.MaxUpload,
		app:         d.App,
		intake:      d.Intake,
		tickets:     d.Tickets,
		identity:    d.Identity,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if s.views, err = s.parseViews(templateFS); err != nil {
		return nil, err
	}
	return s, nil
}

// The server and the REST API's host (web/api_host.go) reach the pages'
// router, permission guard, error page and ticket request through these.

// Get registers a GET (and HEAD) route, named by its path in metrics.
func (s *Pages) Get(path string, handlers ...fiber.Handler) { s.get(path, handlers...) }

// Post registers a POST route, named by its path in metrics.
func (s *Pages) Post(path string, handlers ...fiber.Handler) { s.post(path, handlers...) }

// Require guards a route with perm (require).
func (s *Pages) Require(perm kit.Permission) fiber.Handler { return s.require(perm) }

// HandleError is the Fiber ErrorHandler (error_handler.go).
func (s *Pages) HandleError(c *fiber.Ctx, err error) error { return s.handleError(c, err) }

// SecurityHeaders writes the security headers on the response.
func (s *Pages) SecurityHeaders(c *fiber.Ctx) { s.securityHeaders(c) }

// TicketRequest adapts the ticket logic to a Fiber request.
func (s *Pages) TicketRequest(c *fiber.Ctx) tickets.Request { return ticketRequest{s, c} }

// StatusLabel is a ticket status's label in lang.
func (s *Pages) StatusLabel(lang, status string) string { return s.statusLabel(lang, status) }

// FillAsset completes the new-incident form's asset fields.
func (s *Pages) FillAsset(c *fiber.Ctx, f *tickets.IncidentForm) error { return s.fillAsset(c, f) }

// ValidateIncident checks the new-incident form.
func (s *Pages) ValidateIncident(c *fiber.Ctx, caller bool, f *tickets.IncidentForm, errs *tickets.FormErrors) (*store.Person, store.Category, error) {
	return s.validateIncident(c, caller, f, errs)
}

// MaxFileBytes is the largest accepted file.
func (s *Pages) MaxFileBytes() int64 { return s.maxFileBytes() }

// DeclaredPermissions returns the permissions declared for the route
// "METHOD /path", and whether it declared any (for the route list test).
func (s *Pages) DeclaredPermissions(route string) ([]kit.Permission, bool) {
	p, ok := s.access.perms[route]
	return p, ok
}
