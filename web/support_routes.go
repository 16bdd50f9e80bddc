package web

// routesSupport registers the technicians' screens: the académie's queue
// (with its bulk actions and the polled follow-up cell of each row), Mes
// tickets, and the ticket workspace with one POST per workflow action.
// Routes carry the permission checked in the person's académie; handlers
// check it again in the ticket's académie (another académie's ticket is a
// 404).
func (s *Server) routesSupport() {
	s.get("/support/file", s.require(PermQueueView), s.supportQueue)
	s.post("/support/file", s.require(PermQueueView), s.supportQueueBulk)
	s.get("/support/file/suivi/:number", s.require(PermQueueView), s.supportQueueCell)
	s.get("/support/mes-tickets", s.require(PermQueueView), s.supportMine)
	s.get("/support/incidents/:number", s.require(PermQueueView), s.supportTicket)
	s.get("/support/incidents/:number/documents/:id<int>", s.require(PermQueueView), s.supportDocument)
	// htmx fragments of the resolve form (support_resolve_article.go).
	s.get("/support/incidents/:number/resolution/articles", s.require(PermQueueView), s.supportResolveFragment("articles"))
	s.get("/support/incidents/:number/resolution/solution", s.require(PermQueueView), s.supportResolveFragment("solution"))
	for _, a := range []string{sactPickUp, sactAssign, sactRequalify, sactReply, sactNote, sactAsk, sactResolve, sactDuplicate} {
		s.post("/support/incidents/:number/"+a, s.require(PermQueueView), s.supportActionHandler(a))
	}
}
