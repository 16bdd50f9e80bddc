// Package web is Guichet's web application: it assembles the server-rendered
// pages (package guichet/web/pages) and the REST API under /api/v1 (package
// guichet/web/api), with their shared kit, and the health, readiness and
// metrics endpoints, into one Fiber app. New builds it.
//
// The layout follows the architecture:
//
//	web            the server's assembly (this package)
//	├── pages      the server-rendered pages (their own routes.go, templates/)
//	├── api        the REST API (its own routes.go, openapi.json)
//	├── tickets    the ticket logic the pages and the API share
//	├── kit        the shared kit: permission table, errors, request IDs,
//	│              sessions, CSRF, language, rendering, metrics, embedded
//	│              static files
//	└── catalogue  every text shown to people, in French and English
//
// The pages and the API never import each other: the API reaches the server
// through api.Host (api_host.go, which hands it the pages' router and ticket
// request). kit and tickets know no surface (workflows/importgraph_test.go).
//
// Where things are here:
//
//   - server.go: New, Deps, Server: the Fiber app, the metrics registry,
//     the catalogue, the ticket desk, the pages and the API, built once.
//   - routes.go gives the order Fiber matches routes in: the middleware
//     (middleware.go: request ID, access log and metrics, panic recovery,
//     security headers), health (health.go), metrics and static files, the
//     API's routes (api/routes.go), the pages' routes (pages/routes.go,
//     with the session and CSRF middleware ahead of them), and the 404
//     page. testdata/routes.txt is the resulting list
//     (TestRoutesMatchTheCheckedInList).
//   - api_host.go: the API's host (api.Host), on the pages' router, and the
//     Update ID of an API call from its Idempotency-Key.
//   - The tests in package web_test (stack_test.go, helpers_test.go, one
//     file per area, api_*_test.go for the API) drive the assembled app
//     over HTTP and in a browser.
package web
