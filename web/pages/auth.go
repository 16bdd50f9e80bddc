package pages

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
)

// Cookie names and the CSRF field and header (kit/session.go).
const (
	sessionCookie    = kit.SessionCookie
	preSessionCookie = kit.PreSessionCookie
	langCookie       = kit.LangCookie
	csrfField        = kit.CSRFField
	csrfHeader       = kit.CSRFHeader
)

// Keys of per-request values in c.Locals.
const (
	localRoute = "route"
)

// currentUser returns the signed-in person, or nil (kit.CurrentUser).
func currentUser(c *fiber.Ctx) *store.Person { return kit.CurrentUser(c) }

// currentSession returns the session of the request, or nil
// (kit.CurrentSession).
func currentSession(c *fiber.Ctx) *store.Session { return kit.CurrentSession(c) }

// isPolling reports whether the request is a periodic background refresh
// (htmx "every" triggers), which is not user activity (kit.Sessions.Passive).
func isPolling(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/compteurs" || strings.HasPrefix(p, "/support/file/suivi/")
}

// loadSession is the session middleware (kit.Sessions.Load): the session
// and its person in the request, an expired cookie cleared and remembered.
func (s *Pages) loadSession(c *fiber.Ctx) error { return s.sessions.Load(c) }

// checkCSRF is the CSRF middleware (kit.CheckCSRF): unsafe requests without
// the expected token are refused.
func (s *Pages) checkCSRF(c *fiber.Ctx) error { return kit.CheckCSRF(c) }

// setSessionCookie hands the browser its session token
// (kit.Sessions.SetSessionCookie).
func (s *Pages) setSessionCookie(c *fiber.Ctx, token string) { s.sessions.SetSessionCookie(c, token) }

// clearCookie removes a cookie from the browser (kit.Sessions.ClearCookie).
func (s *Pages) clearCookie(c *fiber.Ctx, name string) { s.sessions.ClearCookie(c, name) }

// csrfToken returns the token forms of this request must carry
// (kit.Sessions.CSRFToken).
func (s *Pages) csrfToken(c *fiber.Ctx) (string, error) { return s.sessions.CSRFToken(c) }

// requireAuth lets signed-in people through. Others go to the sign-in page,
// which brings them back here afterwards (suite=…); API and htmx callers get
// a 401 (htmx also an HX-Redirect to the sign-in page).
func (s *Pages) requireAuth(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	if kit.WantsJSON(c) {
		return Errorf(EUNAUTHORIZED, "")
	}
	target := signInURL(c.OriginalURL(), kit.SessionExpired(c))
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		target = signInURL("/", kit.SessionExpired(c))
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// signInURL is the sign-in page that returns to suite afterwards.
func signInURL(suite string, expired bool) string {
	q := url.Values{}
	if suite = safeSuite(suite); suite != "/" {
		q.Set("suite", suite)
	}
	if expired {
		q.Set("expiree", "1")
	}
	if len(q) == 0 {
		return "/connexion"
	}
	return "/connexion?" + q.Encode()
}

// safeSuite returns target if it is a local path ("/…", not "//host" nor
// "/\host"), else "/": a sign-in link can never send anyone elsewhere.
func safeSuite(target string) string {
	if target == "" || target[0] != '/' || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return "/"
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	if strings.ContainsAny(target, "\r\n\t") {
		return "/"
	}
	return target
}

// grants returns the signed-in person's role grants, read once per request
// (kit.Grants).
func (s *Pages) grants(c *fiber.Ctx) ([]store.RoleGrant, error) { return kit.Grants(c, s.db) }

// hasRole reports whether the signed-in person holds one of roles in
// académie academy; a global administrator holds every role everywhere.
func (s *Pages) hasRole(c *fiber.Ctx, academy string, roles ...string) (bool, error) {
	u := currentUser(c)
	if u == nil {
		return false, nil
	}
	if u.GlobalAdmin {
		return true, nil
	}
	g, err := s.grants(c)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if store.HasRole(g, academy, r) {
			return true, nil
		}
	}
	return false, nil
}

// lang returns the interface language of the request (kit.Lang).
func (s *Pages) lang(c *fiber.Ctx) string { return kit.Lang(c) }

// PurgeSessions deletes expired sessions and abandoned draft uploads now and then every interval,
// until ctx ends. Run it in one goroutine per web process (running it in
// several is harmless).
func (s *Pages) PurgeSessions(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.db.PurgeExpiredSessions(ctx, s.sessionIdle); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "purge expired sessions", slog.Any("error", err))
		} else if n > 0 {
			s.log.InfoContext(ctx, "purged expired sessions", slog.Int("count", n))
		}
		// Files uploaded with a form that was never sent: no session lives
		// longer than session_max, so nobody can send them any more.
		if n, err := s.db.PurgeDraftUploads(ctx, time.Now().Add(-s.cfg.Web.SessionMax)); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "purge draft uploads", slog.Any("error", err))
		} else if n > 0 {
			s.log.InfoContext(ctx, "purged draft uploads", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// IsPolling reports whether the request is a periodic background refresh
// (isPolling), for the server's kit.Sessions.
func IsPolling(c *fiber.Ctx) bool { return isPolling(c) }
