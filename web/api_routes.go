package web

// routesAPI registers every route of the REST API under /api/v1 (SPEC §10),
// with its permission and handler; routes.go calls it before the session and
// CSRF middleware: API requests authenticate with a bearer token (apiAuth),
// never with the session cookie. Every route is described in openapi.json;
// TestOpenAPIDocumentsEveryRoute keeps both in step.
func (s *Server) routesAPI() {
	s.get("/api/v1/openapi.json", s.require(PermPublic), s.apiOpenAPI)

	// Every authenticated route counts against its token's rate limit
	// (api.rate_limit, api_ratelimit.go), after authentication.
	limit := s.apiRateLimiter()
	s.get("/api/v1/me", s.apiAuth(false), limit, s.require(PermSignedIn), s.apiMe)
	s.get("/api/v1/categories", s.apiAuth(false), limit, s.require(PermTicketCreate), s.apiCategories)
	s.get("/api/v1/directory", s.apiAuth(false), limit, s.require(PermTicketCreate), s.apiDirectory)
	s.get("/api/v1/search", s.apiAuth(false), limit, s.require(PermSearch), s.apiSearch)

	s.post("/api/v1/files", s.apiAuth(true), limit, s.require(PermTicketCreate), s.apiFileUpload)
	s.get("/api/v1/tickets", s.apiAuth(false), limit, s.require(PermTicketViewOwn), s.apiTicketList)
	s.post("/api/v1/tickets", s.apiAuth(true), limit, s.require(PermTicketCreate), s.apiTicketCreate)
	// The ticket's académie is known once it is loaded: the handlers check.
	s.get("/api/v1/tickets/:number", s.apiAuth(false), limit, s.require(PermSignedIn), s.apiTicketShow)
	s.get("/api/v1/tickets/:number/attachments/:id<int>", s.apiAuth(false), limit, s.require(PermSignedIn), s.apiTicketAttachment)
	s.post("/api/v1/tickets/:number/actions/:action", s.apiAuth(true), limit, s.require(PermSignedIn), s.apiTicketAction)
}
