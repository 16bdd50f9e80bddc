package web

import (
	"github.com/gofiber/fiber/v2"
)

// routes registers every route of the web app, in order: the middleware
// every request goes through, the endpoints that need no session (health,
// metrics, static files), the session and CSRF middleware, then the pages.
func (s *Server) routes() {
	app := s.app

	// Every request: request ID, access log + metrics + error rendering,
	// panic recovery, security headers.
	app.Use(newRequestID(), s.observe, s.recoverPanics, s.secureHeaders)

	// Operations and static files: no session lookup.
	s.get("/healthz", s.require(PermPublic), s.healthz)
	s.get("/readyz", s.require(PermPublic), s.readyz)
	s.get("/metrics", s.require(PermPublic), s.metricsHandler())
	s.get("/static/:version/*", s.require(PermPublic), s.assets.serve)
	s.get("/favicon.ico", s.require(PermPublic), s.assets.favicon)

	// REST API: bearer tokens, no session cookie, hence no CSRF (api_routes.go).
	s.routesAPI()

	// Database outages during a submission: kept input, spooled confirmation
	// (ahead of the session middleware, which needs the database).
	s.routesSpool()

	// Everything below knows the session and refuses forged unsafe requests.
	app.Use(s.loadSession, s.checkCSRF)

	s.get("/langue/:lang", s.require(PermPublic), s.languageSwitch)
	s.get("/connexion", s.require(PermPublic), s.loginShow)
	s.post("/connexion", s.require(PermPublic), s.loginSubmit)
	s.post("/deconnexion", s.require(PermSignedIn), s.logout)

	s.get("/", s.require(PermSignedIn), s.home)

	// Developer tools (built-in mailbox of the embedded default).
	s.get("/outils/boite-mail", s.require(PermMailboxRead), s.requireMailbox, s.mailboxList)
	s.get("/outils/boite-mail/:id<int>", s.require(PermMailboxRead), s.requireMailbox, s.mailboxShow)
	s.routesMailbox()

	// Before any route with /incidents/:number (it would take /incidents/entite).
	s.routesRequesterLists()
	s.routesSupport()
	s.routesRequester()
	s.routesKB()

	s.routesIntegration()

	s.routesIdentity()

	s.routesAdmin()

	// Anything else: a French 404 page.
	app.Use(s.notFound)
}

// get registers a GET (and HEAD) route, named by its path in metrics.
func (s *Server) get(path string, handlers ...fiber.Handler) {
	s.declare(path, fiber.MethodGet, fiber.MethodHead)
	s.app.Get(path, append([]fiber.Handler{routeName(path)}, handlers...)...)
}

// post registers a POST route, named by its path in metrics.
func (s *Server) post(path string, handlers ...fiber.Handler) {
	s.declare(path, fiber.MethodPost)
	s.app.Post(path, append([]fiber.Handler{routeName(path)}, handlers...)...)
}

// routeName records the matched route's pattern for metrics and logs (raw
// paths would make unbounded label values).
func routeName(path string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, path)
		return c.Next()
	}
}
