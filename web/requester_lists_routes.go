package web

// routesRequesterLists registers the requester's lists (Suivi des
// incidents, Incidents de mon entité, Validations), the Actions menu and
// the cancellation of selected tickets, the validation form, favourites,
// the header counters and the header's search box. Call it before the
// routes with a :number parameter under /incidents/, so /incidents/entite,
// /incidents/actions and /incidents/annulation are not taken for numbers.
func (s *Server) routesRequesterLists() {
	s.get("/incidents", s.require(PermTicketViewOwn), s.incidentsList)
	s.get("/incidents/entite", s.require(PermTicketViewOwn), s.entityList)
	s.get("/incidents/actions", s.require(PermTicketViewOwn), s.incidentsAction)
	s.get("/incidents/annulation", s.require(PermTicketCancel), s.bulkCancelConfirm)
	s.post("/incidents/annulation", s.require(PermTicketCancel), s.bulkCancelSubmit)
	s.post("/incidents/:number/favori", s.require(PermTicketViewOwn), s.favouriteToggle)
	s.get("/validations", s.require(PermTicketValidate), s.validationsList)
	s.get("/validations/:number", s.require(PermTicketValidate), s.validationShow)
	s.post("/validations/:number", s.require(PermTicketValidate), s.validationSubmit)
	s.get("/compteurs", s.require(PermSignedIn), s.counters)
	s.get("/aller", s.require(PermSearch), s.globalSearch)
}
