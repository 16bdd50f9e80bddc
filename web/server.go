package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	_ "time/tzdata" // Europe/Paris even on hosts without a zoneinfo database

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"guichet/config"
	"guichet/identity"
	"guichet/intake"
	"guichet/store"
	"guichet/web/api"
	"guichet/web/catalogue"
	"guichet/web/kit"
	"guichet/web/tickets"
)

// Defaults used when the configuration leaves a value at zero.
const (
	defaultSessionIdle    = 30 * time.Minute
	defaultSessionMax     = 12 * time.Hour
	defaultMaxTicketBytes = 25 << 20
	// bodyMargin is added to the ticket size limit for the form's other
	// fields and the multipart framing.
	bodyMargin = 1 << 20
)

// Deps are the dependencies of the web application.
type Deps struct {
	Config config.Config
	DB     *store.DB
	// Temporal is the client the app starts and updates workflows with. It
	// may be nil (tests, or Temporal not configured): /readyz then reports
	// Temporal as failing.
	Temporal client.Client
	Logger   *slog.Logger
	// Registry receives the HTTP metrics and is served on /metrics. A new
	// registry is made when nil.
	Registry *prometheus.Registry
	// Intake stores new tickets and starts their workflows; a submission is
	// kept even while Temporal is unreachable.
	Intake *intake.Service
}

// Server is the web application.
type Server struct {
	cfg      config.Config
	db       *store.DB
	temporal client.Client
	log      *slog.Logger
	registry *prometheus.Registry
	metrics  *kit.HTTPMetrics
	i18n     *catalogue.Catalogue // messages of every page and API error
	views    *kit.Views
	// sessions reads and writes the browser's session and CSRF tokens.
	sessions kit.Sessions
	assets   *kit.Assets
	paris    *time.Location

	sessionIdle time.Duration
	sessionMax  time.Duration
	// maxUpload is the largest accepted upload (a whole ticket); the body
	// limit adds bodyMargin to it.
	maxUpload int64

	app *fiber.App
	// intake stores new tickets and starts their workflows (nil: the
	// new-incident form answers that creation is unavailable).
	intake *intake.Service
	// access records each route's declared permissions (access.go).
	access routeAccess
	// tickets is the ticket logic the pages and the API share.
	tickets *tickets.Desk
	// api is the REST API under /api/v1, mounted on the server.
	api *api.API
	// identity signs people in (local, LDAP, TOTP, rate limits) and
	// imports the directory.
	identity *identity.Service
}

// New builds the web application: it parses every template (a broken one
// fails here), registers the metrics and the routes. It does not listen.
func New(d Deps) (*Server, error) {
	if d.DB == nil {
		return nil, errors.New("web: new: nil database")
	}
	s := &Server{
		cfg:         d.Config,
		db:          d.DB,
		temporal:    d.Temporal,
		log:         d.Logger,
		registry:    d.Registry,
		sessionIdle: d.Config.Web.SessionIdle,
		sessionMax:  d.Config.Web.SessionMax,
		maxUpload:   d.Config.Tickets.MaxTicketBytes,
		intake:      d.Intake,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.identity = identity.New(d.Config, d.DB, s.log.With("component", "identity"))
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	if s.sessionIdle <= 0 {
		s.sessionIdle = defaultSessionIdle
	}
	if s.sessionMax <= 0 {
		s.sessionMax = defaultSessionMax
	}
	if s.maxUpload <= 0 {
		s.maxUpload = defaultMaxTicketBytes
	}
	s.sessions = kit.Sessions{DB: s.db, Idle: s.sessionIdle, Secure: s.cfg.Web.SecureCookies, Passive: isPolling}
	var err error
	if s.i18n, err = catalogue.New(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.tickets = tickets.New(s.db, s.temporal, s.i18n, s.log)
	if s.paris, err = time.LoadLocation("Europe/Paris"); err != nil {
		return nil, fmt.Errorf("web: load Europe/Paris: %w", err)
	}
	if s.assets, err = kit.NewAssets(); err != nil {
		return nil, err
	}
	if s.views, err = s.parseViews(templateFS); err != nil {
		return nil, err
	}
	if s.metrics, err = kit.NewHTTPMetrics(s.registry); err != nil {
		return nil, err
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "guichet",
		ErrorHandler:          s.handleError,
		BodyLimit:             int(s.maxUpload + bodyMargin),
		ReadBufferSize:        16 << 10, // room for cookies and long URLs
		ReadTimeout:           2 * time.Minute,
		WriteTimeout:          2 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		// Values from the request (params, form, headers) stay valid after
		// the handler returns: no buffer-reuse surprises.
		Immutable: true,
	})
	s.api = api.New(apiHost{s}, api.Deps{Config: s.cfg, DB: s.db, Logger: s.log, I18n: s.i18n,
		Intake: s.intake, Tickets: s.tickets, MaxUpload: s.maxUpload})
	s.routes()
	return s, nil
}

// App returns the Fiber application (for tests: app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves HTTP on addr until Shutdown.
func (s *Server) Listen(addr string) error {
	if err := s.app.Listen(addr); err != nil {
		return fmt.Errorf("web: listen %s: %w", addr, err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for in-flight requests to
// finish, or for ctx to end.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	return nil
}
