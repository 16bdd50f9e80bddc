package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
)

// routes registers every route of the web app, top to bottom in the order
// Fiber matches them: the middleware every request goes through, the
// endpoints that need no session (health, metrics, static files, the REST
// API, whose routes api/routes.go lists), then the pages (pages/routes.go:
// the spooled-submission page, the session and CSRF middleware, the pages
// area by area), and the 404 page last. Each line gives the URL, the
// permission checked in the académie acted on (kit/authz.go) and the
// handler. testdata/routes.txt holds the resulting list
// (TestRoutesMatchTheCheckedInList): the order matters, so change it only
// on purpose.
func (s *Server) routes() {
	app := s.app

	// Every request: request ID, access log + metrics + error rendering,
	// panic recovery, security headers.
	app.Use(kit.NewRequestID(), s.observe, s.recoverPanics, s.secureHeaders)

	// Operations and static files: no session lookup.
	s.get("/healthz", s.require(kit.PermPublic), s.healthz)
	s.get("/readyz", s.require(kit.PermPublic), s.readyz)
	s.get("/metrics", s.require(kit.PermPublic), kit.MetricsHandler(s.registry))
	s.get("/static/:version/*", s.require(kit.PermPublic), s.assets.Serve)
	s.get("/favicon.ico", s.require(kit.PermPublic), s.assets.Favicon)

	// REST API under /api/v1: bearer tokens, no session cookie, hence no
	// CSRF. Its routes are listed in api/routes.go.
	s.api.Routes()

	// The pages, with the spooled-submission page and the session and CSRF
	// middleware ahead of them. Their routes are listed in pages/routes.go.
	s.pages.Routes()

	// Anything else: a French 404 page.
	app.Use(s.notFound)
}

// get and require register a route of the server through the pages'
// router, which records every route's declared permissions
// (pages/access.go).
func (s *Server) get(path string, handlers ...fiber.Handler) { s.pages.Get(path, handlers...) }
func (s *Server) require(perm kit.Permission) fiber.Handler  { return s.pages.Require(perm) }

// RouteAccess lists every route of the app (middleware excluded) with the
// permissions it declares, sorted by path then method: the route walk test
// and documentation read it.
func (s *Server) RouteAccess() []kit.RouteAccess { return s.pages.RouteAccess() }

// PurgeSessions deletes expired sessions every interval until ctx ends
// (pages.PurgeSessions).
func (s *Server) PurgeSessions(ctx context.Context, every time.Duration) {
	s.pages.PurgeSessions(ctx, every)
}
