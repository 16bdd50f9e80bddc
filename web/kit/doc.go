// Package kit is the shared kit of Guichet's web application (package
// guichet/web): the pieces both surfaces, the server-rendered pages and the
// REST API, stand on, and which know nothing of any page or API resource.
//
//   - authz.go: the ONE permission table (Permission, the Perm… constants,
//     PermissionRoles, Permissions, Allows) and RouteAccess, one route with
//     the permissions it declares.
//   - errors.go: application errors (Error, Errorf, the E… codes), their
//     HTTP statuses (CodeStatus, StatusCode, Classify), WantsJSON and
//     FormatBytes. The single Fiber error handler that renders them is
//     the pages' (web/pages/error_handler.go): it needs the layout.
//   - request.go: request IDs (NewRequestID, RequestID) and the
//     Content-Security-Policy.
//   - user.go: the person a request is made by (CurrentUser,
//     SetCurrentUser), set by the session middleware or the API's
//     bearer-token authentication, their role grants (Grants), the
//     académie a request acts on (AcademyOf) and the permission check
//     (Can).
//   - session.go: sessions and CSRF (Sessions: the Load middleware, the
//     session cookie, CSRFToken; CheckCSRF, CurrentSession, SessionExpired),
//     the cookie names, and the interface language of a request (Lang).
//   - views.go: rendering. ParseViews parses, when the server starts, the
//     page templates of an fs.FS (package pages embeds templates/) once per
//     language with the template functions (TemplateFuncs: T, static,
//     datetime, date, isodate, paragraphs, nombre); Views.Render writes a
//     page inside the layout, Views.RenderFragment one block (htmx). The
//     layout's view model and side menu are the pages' (web/pages/page.go).
//   - metrics.go: the HTTP metrics (HTTPMetrics) and the /metrics handler.
//   - assets.go: the embedded static files of static/ (DSFR, htmx,
//     Guichet's CSS and scripts), served under /static/<version>/.
//
// Package pages re-exports the permission table and the error names under
// the names its handlers always used (web/pages/kit.go) and wraps the
// sessions and rendering in its usual methods (s.lang, s.csrfToken,
// s.render…); every other package, the assembly in web included, writes
// kit.PermDashboard, kit.Errorf….
package kit
