// Package web is Guichet's web application: the server-rendered pages
// (Fiber, html/template, the State design system DSFR, htmx) and the REST
// API under /api/v1, with their shared kit (sessions, CSRF, the permission
// table, error mapping, rendering), and the health, readiness and metrics
// endpoints.
//
// Where things are:
//
//   - routes.go lists every route of the pages, top to bottom in the order
//     Fiber matches them, with its permission and handler; api_routes.go
//     lists the REST API's. testdata/routes.txt is the resulting list
//     (TestRoutesMatchTheCheckedInList).
//   - The shared kit, package guichet/web/kit: the ONE permission table,
//     application errors and their codes, request IDs and the
//     Content-Security-Policy, the HTTP metrics, the embedded static files
//     (kit/static/). kit.go gives its permission and error names their
//     usual names here (web.PermDashboard, web.Errorf).
//   - The ticket logic the pages and the API share, package
//     guichet/web/tickets: who may see a ticket and its documents, the
//     person as a workflow actor, ticket actions sent as idempotent Updates
//     and the messages of their refusals. ticket_request.go adapts it to a
//     Fiber request (s.visibleTicket, s.updateTicket…), idempotency.go
//     gives a page its form nonce and a request its Update ID.
//   - The server around it: server.go (New, Deps, Server), middleware.go
//     (access log, panic recovery, security headers), health.go, auth.go
//     (sessions, CSRF, the interface language), access.go (the permission
//     checks and the record of each route's permissions), error_handler.go
//     (the single error handler), page.go (the layout's view model and side
//     menu), views.go (templates, all parsed when New runs, and rendering),
//     language.go (the language switch).
//   - One file per UI action, named by area: login_*.go, logout.go,
//     account_*.go (Mon compte, API tokens), home.go; incident_*.go,
//     spool.go (the new-incident form, Prise d'appel, database outages);
//     incidents_*.go, validation*.go, favourite_toggle.go,
//     requester_chrome.go (the requester's lists and header); ticket_*.go
//     (the ticket page and its actions); support_*.go (the support desk);
//     kb_*.go, search.go (knowledge base and search); pilotage*.go
//     (supervision); admin_*.go (académie administration: directory,
//     webhooks); mailbox_*.go, security_mailbox.go (the built-in mailbox);
//     api_*.go (the REST API, openapi.json its description).
//   - templates/ holds one template per page, layout.html and the shared
//     blocks of templates/shared/; kit/static/ the files served under
//     /static/.
//   - Every text shown to people comes from the message catalogue,
//     package guichet/web/catalogue (one file per screen family): Server.i18n
//     in Go code, the T function in templates.
package web
