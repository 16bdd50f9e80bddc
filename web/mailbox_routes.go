package web

// routesMailbox registers the routes of the built-in mailbox beyond its
// list and message pages: the sandboxed HTML preview and the JSON of
// /dev/mailbox.json (dev mode only).
func (s *Server) routesMailbox() {
	s.get("/outils/boite-mail/:id<int>/apercu", s.require(PermMailboxRead), s.requireMailbox, s.mailboxPreview)
	s.get("/dev/mailbox.json", s.require(PermMailboxRead), s.requireDevTools, s.mailboxJSON)
}
