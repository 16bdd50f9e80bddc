package api

import "guichet/web/kit"

// Routes registers every route of the REST API under /api/v1 (SPEC §10),
// with its permission and handler; web/routes.go calls it before the session
// and CSRF middleware: API requests authenticate with a bearer token (apiAuth),
// never with the session cookie. Every route is described in openapi.json;
// TestOpenAPIDocumentsEveryRoute keeps both in step.
func (s *API) Routes() {
	s.host.Get("/api/v1/openapi.json", s.host.Require(kit.PermPublic), s.apiOpenAPI)

	// Every authenticated route counts against its token's rate limit
	// (api.rate_limit, api_ratelimit.go), after authentication.
	limit := s.apiRateLimiter()
	s.host.Get("/api/v1/me", s.apiAuth(false), limit, s.host.Require(kit.PermSignedIn), s.apiMe)
	s.host.Get("/api/v1/categories", s.apiAuth(false), limit, s.host.Require(kit.PermTicketCreate), s.apiCategories)
	s.host.Get("/api/v1/directory", s.apiAuth(false), limit, s.host.Require(kit.PermTicketCreate), s.apiDirectory)
	s.host.Get("/api/v1/search", s.apiAuth(false), limit, s.host.Require(kit.PermSearch), s.apiSearch)

	s.host.Post("/api/v1/files", s.apiAuth(true), limit, s.host.Require(kit.PermTicketCreate), s.apiFileUpload)
	s.host.Get("/api/v1/tickets", s.apiAuth(false), limit, s.host.Require(kit.PermTicketViewOwn), s.apiTicketList)
	s.host.Post("/api/v1/tickets", s.apiAuth(true), limit, s.host.Require(kit.PermTicketCreate), s.apiTicketCreate)
	// The ticket's académie is known once it is loaded: the handlers check.
	s.host.Get("/api/v1/tickets/:number", s.apiAuth(false), limit, s.host.Require(kit.PermSignedIn), s.apiTicketShow)
	s.host.Get("/api/v1/tickets/:number/attachments/:id<int>", s.apiAuth(false), limit, s.host.Require(kit.PermSignedIn), s.apiTicketAttachment)
	s.host.Post("/api/v1/tickets/:number/actions/:action", s.apiAuth(true), limit, s.host.Require(kit.PermSignedIn), s.apiTicketAction)
}
