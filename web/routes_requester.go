package web

// routesRequester registers the requester's journey: the new-incident form
// (and the technician's Prise d'appel on the same code), the directory
// search, the confirmation, the ticket page, its documents, and the actions
// Mise à jour de l'incident and Annuler.
func (s *Server) routesRequester() {
	s.get("/incidents/nouveau", s.require(PermTicketCreate), s.incidentNew)
	s.post("/incidents/nouveau", s.require(PermTicketCreate), s.incidentCreate)
	s.get("/incidents/nouveau/materiel", s.require(PermTicketCreate), s.incidentAsset)
	s.get("/annuaire/recherche", s.require(PermTicketCreate), s.directorySearch)
	s.get("/prise-appel", s.require(PermCallIntake), s.callNew)
	s.post("/prise-appel", s.require(PermCallIntake), s.callCreate)

	// The ticket's académie is known once it is loaded: the handlers check
	// visibility (store.Viewer) and the permission in that académie.
	s.get("/incidents/:number/confirmation", s.require(PermSignedIn), s.incidentCreated)
	s.get("/incidents/:number/documents/:id<int>", s.require(PermSignedIn), s.ticketDocument)
	s.get("/incidents/:number/informations", s.require(PermSignedIn), s.addInfoShow)
	s.post("/incidents/:number/informations", s.require(PermSignedIn), s.addInfoSubmit)
	s.get("/incidents/:number/annulation", s.require(PermSignedIn), s.ticketCancelShow)
	s.post("/incidents/:number/annulation", s.require(PermSignedIn), s.ticketCancelSubmit)
	s.get("/incidents/:number", s.require(PermSignedIn), s.ticketShow)
}
