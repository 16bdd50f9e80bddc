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
	"guichet/web/pages"
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

// Server is the web application: the assembly of the middleware, the
// operations endpoints, the REST API and the pages on one Fiber app.
type Server struct {
	cfg      config.Config
	db       *store.DB
	temporal client.Client
	log      *slog.Logger
	registry *prometheus.Registry
	metrics  *kit.HTTPMetrics
	assets   *kit.Assets

	app *fiber.App
	// api is the REST API under /api/v1, mounted on the server.
	api *api.API
	// pages are the server-rendered pages; their router also registers the
	// server's and the API's routes and records each route's permissions.
	pages *pages.Pages
}

// New builds the web application: it parses every template (a broken one
// fails here), registers the metrics and the routes. It does not listen.
func New(d Deps) (*Server, error) {
	if d.DB == nil {
		return nil, errors.New("web: new: nil database")
	}
	s := &Server{
		cfg:      d.Config,
		db:       d.DB,
		temporal: d.Temporal,
		log:      d.Logger,
		registry: d.Registry,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	sessionIdle := d.Config.Web.SessionIdle
	sessionMax := d.Config.Web.SessionMax
	maxUpload := d.Config.Tickets.MaxTicketBytes
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	if sessionIdle <= 0 {
		sessionIdle = defaultSessionIdle
	}
	if sessionMax <= 0 {
		sessionMax = defaultSessionMax
	}
	if maxUpload <= 0 {
		maxUpload = defaultMaxTicketBytes
	}
	i18n, err := catalogue.New()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	desk := tickets.New(s.db, s.temporal, i18n, s.log)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("web: load Europe/Paris: %w", err)
	}
	if s.assets, err = kit.NewAssets(); err != nil {
		return nil, err
	}
	if s.metrics, err = kit.NewHTTPMetrics(s.registry); err != nil {
		return nil, err
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "guichet",
		ErrorHandler:          func(c *fiber.Ctx, err error) error { return s.pages.HandleError(c, err) },
		BodyLimit:             int(maxUpload + bodyMargin),
		ReadBufferSize:        16 << 10, // room for cookies and long URLs
		ReadTimeout:           2 * time.Minute,
		WriteTimeout:          2 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		// Values from the request (params, form, headers) stay valid after
		// the handler returns: no buffer-reuse surprises.
		Immutable: true,
	})
	s.pages, err = pages.New(pages.Deps{
		Config:      s.cfg,
		DB:          s.db,
		Temporal:    s.temporal,
		Logger:      s.log,
		Intake:      d.Intake,
		I18n:        i18n,
		Tickets:     desk,
		Sessions:    kit.Sessions{DB: s.db, Idle: sessionIdle, Secure: s.cfg.Web.SecureCookies, Passive: pages.IsPolling},
		Assets:      s.assets,
		Identity:    identity.New(d.Config, d.DB, s.log.With("component", "identity")),
		Paris:       paris,
		SessionIdle: sessionIdle,
		SessionMax:  sessionMax,
		MaxUpload:   maxUpload,
		App:         s.app,
	})
	if err != nil {
		return nil, err
	}
	s.api = api.New(apiHost{s.pages}, api.Deps{Config: s.cfg, DB: s.db, Logger: s.log, I18n: i18n,
		Intake: d.Intake, Tickets: desk, MaxUpload: maxUpload})
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
