package web

import (
	"github.com/gofiber/fiber/v2"

	"guichet/store"
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
	s.get("/healthz", s.healthz)
	s.get("/readyz", s.readyz)
	s.get("/metrics", s.metricsHandler())
	s.get("/static/:version/*", s.assets.serve)
	s.get("/favicon.ico", s.assets.favicon)

	// Everything below knows the session and refuses forged unsafe requests.
	app.Use(s.loadSession, s.checkCSRF)

	s.get("/langue/:lang", s.languageSwitch)
	s.get("/connexion", s.loginShow)
	s.post("/connexion", s.loginSubmit)
	s.post("/deconnexion", s.requireAuth, s.logout)

	s.get("/", s.requireAuth, s.home)

	// Developer tools (built-in mailbox of the embedded default).
	mailbox := []string{store.RoleSupervisor, store.RoleAdministrator}
	s.get("/outils/boite-mail", s.requireAuth, s.requireMailbox, s.requireRole(mailbox...), s.mailboxList)
	s.get("/outils/boite-mail/:id<int>", s.requireAuth, s.requireMailbox, s.requireRole(mailbox...), s.mailboxShow)

	// Anything else: a French 404 page.
	app.Use(s.notFound)
}

// get registers a GET (and HEAD) route, named by its path in metrics.
func (s *Server) get(path string, handlers ...fiber.Handler) {
	s.app.Get(path, append([]fiber.Handler{routeName(path)}, handlers...)...)
}

// post registers a POST route, named by its path in metrics.
func (s *Server) post(path string, handlers ...fiber.Handler) {
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
