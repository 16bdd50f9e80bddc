// Package pages holds Guichet's server-rendered pages (Fiber, html/template,
// the State design system DSFR, htmx): every page handler is a method of
// Pages, which package guichet/web builds in web.New and mounts after the
// REST API's routes. It never imports the API (package guichet/web/api).
//
// Where things are here:
//
//   - routes.go lists the pages' routes, top to bottom in the order Fiber
//     matches them: the spooled-submission page and the middleware keeping
//     a submission through a database outage, the session and CSRF
//     middleware, then the pages with their permission and handler. The
//     server calls Routes after the API's routes and before its 404 page;
//     ../testdata/routes.txt is the whole app's list
//     (TestRoutesMatchTheCheckedInList).
//   - pages.go: Deps, Pages, New (parses the templates), and the exported
//     methods the server and the API's host reach the pages through (Get,
//     Post, Require, HandleError, SecurityHeaders, TicketRequest…).
//   - kit.go gives the kit's permission and error names their usual names
//     here (PermDashboard, Allows, Errorf…).
//   - ticket_request.go adapts the ticket logic to a Fiber request
//     (s.visibleTicket, s.updateTicket…); idempotency.go gives a page its
//     form nonce and a page request its Update ID.
//   - auth.go (the sign-in requirement and role checks; the sessions, CSRF
//     and interface language are the kit's, wrapped here), access.go (the
//     permission checks and the record of each route's permissions),
//     error_handler.go (the single error handler, the app's ErrorHandler),
//     headers.go (the security headers), page.go (the layout's view model
//     and side menu), render.go (the embedded templates/, parsed by the kit
//     when New runs, and s.render / s.renderFragment), language.go (the
//     language switch).
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
//     blocks of templates/shared/; web/kit/static/ the files served under
//     /static/.
//   - Every text shown to people comes from the message catalogue,
//     package guichet/web/catalogue (one file per screen family): Pages.i18n
//     in Go code, the T function in templates.
//   - The tests of the pages are in package web_test (../*_test.go): they
//     drive the assembled app over HTTP and in a browser. The tests here
//     are the internal ones (templates, catalogue keys, form parsing).
package pages
