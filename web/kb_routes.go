package web

// routesKB registers the knowledge base (read by everyone, written by
// support) and the full-text search. Fixed paths come before /:id.
//
// For the new-incident form (helper "requester"): knowledge-base
// suggestions while the description is typed come from
//
//	GET /base-de-connaissances/suggestions?q=TEXT
//
// (or ?sujet=…&description=…&categorie=ID as sent by hx-include of those
// fields), an htmx fragment listing up to 5 published articles the person
// may read ("Peut-être la solution à votre problème"), empty when nothing
// matches. templates/incident_new.html wires it:
//
//	<div id="suggestions-kb" aria-live="polite"
//	     hx-get="/base-de-connaissances/suggestions" hx-include="#description, #categorie"
//	     hx-trigger="keyup changed delay:600ms from:#description, change from:#categorie"></div>
func (s *Server) routesKB() {
	s.get("/base-de-connaissances", s.require(PermKnowledgeRead), s.kbList)
	s.get("/base-de-connaissances/suggestions", s.require(PermKnowledgeRead), s.kbSuggestions)
	s.get("/base-de-connaissances/nouvel-article", s.require(PermKnowledgeWrite), s.kbNew)
	s.post("/base-de-connaissances/depuis-incident", s.require(PermKnowledgeWrite), s.kbFromTicket)
	s.post("/base-de-connaissances", s.require(PermKnowledgeWrite), s.kbCreate)
	s.get("/base-de-connaissances/:id<int>", s.require(PermKnowledgeRead), s.kbShow)
	// The handlers also check that the person supports the article's
	// académie (Viewer.CanEditArticle).
	s.get("/base-de-connaissances/:id<int>/modifier", s.require(PermKnowledgeWrite), s.kbEdit)
	s.post("/base-de-connaissances/:id<int>", s.require(PermKnowledgeWrite), s.kbUpdate)
	// Problems solved without a ticket (kb_self_solved.go).
	s.post("/base-de-connaissances/:id<int>/resolu", s.require(PermKnowledgeRead), s.kbSolvedWithoutTicket)
	s.post("/incidents/nouveau/abandon", s.require(PermTicketCreate), s.incidentAbandon)

	s.get("/recherche", s.require(PermSearch), s.search)
}
