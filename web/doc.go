// Package web is Guichet's web application: the server-rendered pages
// (Fiber, html/template, the State design system DSFR, htmx) and the REST
// API under /api/v1, with their shared kit, and the health, readiness and
// metrics endpoints. New assembles them into one Fiber app.
//
// The layout follows the architecture:
//
//	web            the server and the pages (this package)
//	├── api        the REST API (its own routes.go, openapi.json)
//	├── tickets    the ticket logic the pages and the API share
//	├── kit        the shared kit: permission table, errors, request IDs,
//	│              sessions, CSRF, language, rendering, metrics, embedded
//	│              static files
//	└── catalogue  every text shown to people, in French and English
//
// The API never imports this package: it reaches the server through
// api.Host (api_host.go). kit and tickets know no surface
// (workflows/importgraph_test.go).
//
// Where things are here:
//
//   - routes.go lists every route, top to bottom in the order Fiber matches
//     them: the middleware, health, metrics and static files, the API's
//     routes (api/routes.go), the session and CSRF middleware, then the
//     pages with their permission and handler, and the 404 page.
//     testdata/routes.txt is the resulting list
//     (TestRoutesMatchTheCheckedInList).
//   - kit.go gives the kit's permission and error names their usual names
//     here (web.PermDashboard, web.Allows, web.Errorf…).
//   - ticket_request.go adapts the ticket logic to a Fiber request
//     (s.visibleTicket, s.updateTicket…); idempotency.go gives a page its
//     form nonce and a request its Update ID.
//   - The server: server.go (New, Deps, Server), middleware.go (access
//     log, panic recovery, security headers), health.go, auth.go (the
//     sign-in requirement and role checks; the sessions, CSRF and interface
//     language are the kit's, wrapped here), access.go (the permission checks and
//     the record of each route's permissions), error_handler.go (the single
//     error handler), page.go (the layout's view model and side menu),
//     render.go (the embedded templates/, parsed by the kit when New runs,
//     and s.render / s.renderFragment),
//     language.go (the language switch), api_host.go (the API's host).
//   - One file per UI action, named by area: login_*.go, logout.go,
//     account_*.go (Mon compte, API tokens), home.go; incident_*.go,
//     spool.go (the new-incident form, Prise d'appel, database outages);
//     incidents_*.go, validation*.go, favourite_toggle.go,
//     requester_chrome.go (the requester's lists and header); ticket_*.go
//     (the ticket page and its actions); support_*.go (the support desk);
//     kb_*.go, search.go (knowledge base and search); pilotage*.go
//     (supervision); admin_*.go (académie administration: directory,
//     webhooks); mailbox_*.go, security_mailbox.go (the built-in mailbox).
//   - templates/ holds one template per page, layout.html and the shared
//     blocks of templates/shared/; kit/static/ the files served under
//     /static/.
//   - Every text shown to people comes from the message catalogue,
//     package guichet/web/catalogue (one file per screen family): Server.i18n
//     in Go code, the T function in templates.
//   - The tests in package web_test (stack_test.go, helpers_test.go, one
//     file per area, api_*_test.go for the API) drive the assembled app
//     over HTTP and in a browser.
package web
