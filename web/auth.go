package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/catalogue"
	"guichet/web/kit"
)

// Cookie names.
const (
	sessionCookie = "guichet_session"
	// preSessionCookie carries the double-submit CSRF token of forms shown
	// before sign-in (the sign-in form itself).
	preSessionCookie = "guichet_csrf"
	langCookie       = "lang"
	csrfField        = "_csrf"
	csrfHeader       = "X-CSRF-Token"
)

// Keys of per-request values in c.Locals.
const (
	localRoute   = "route"
	localSession = "session"
	localGrants  = "grants"
	localExpired = "session_expired"
)

// currentUser returns the signed-in person, or nil (kit.CurrentUser).
func currentUser(c *fiber.Ctx) *store.Person { return kit.CurrentUser(c) }

// currentSession returns the session of the request, or nil.
func currentSession(c *fiber.Ctx) *store.Session {
	s, _ := c.Locals(localSession).(*store.Session)
	return s
}

// loadSession reads the session cookie and, when it names a live session,
// puts the session and its person in the request. An expired or unknown
// cookie is cleared and remembered, so the sign-in page can say why.
func (s *Server) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	lookup := s.db.TouchSession
	if c.Get("HX-Request") == "true" && isPolling(c) {
		lookup = s.db.PeekSession
	}
	sess, person, err := lookup(c.UserContext(), token, s.sessionIdle)
	switch {
	case err == nil:
		c.Locals(localSession, sess)
		kit.SetCurrentUser(c, person)
	case errors.Is(err, store.ErrNotFound):
		s.clearCookie(c, sessionCookie)
		c.Locals(localExpired, true)
	default:
		return fmt.Errorf("web: load session: %w", err)
	}
	return c.Next()
}

// isPolling reports whether the request is a periodic background refresh
// (htmx "every" triggers), which is not user activity.
func isPolling(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/compteurs" || strings.HasPrefix(p, "/support/file/suivi/")
}

// setSessionCookie hands the browser its session token. It is a session
// cookie (no Expires): closing the browser signs out; the server enforces
// the idle and absolute limits.
func (s *Server) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// clearCookie removes a cookie from the browser.
func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// csrfToken returns the token forms of this request must carry: the
// session's, or before sign-in the double-submit cookie's (set here if the
// browser has none yet).
func (s *Server) csrfToken(c *fiber.Ctx) (string, error) {
	if sess := currentSession(c); sess != nil {
		return sess.CSRFToken, nil
	}
	if tok := c.Cookies(preSessionCookie); validToken(tok) {
		return tok, nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("web: csrf token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	c.Cookie(&fiber.Cookie{
		Name: preSessionCookie, Value: tok, Path: "/",
		HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
	// Later reads in this request see the new token.
	c.Request().Header.SetCookie(preSessionCookie, tok)
	return tok, nil
}

// validToken reports whether tok looks like one of our 32-byte tokens.
func validToken(tok string) bool {
	if len(tok) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil
}

// checkCSRF refuses every unsafe request (POST, PUT, PATCH, DELETE) that
// does not carry the expected token, in the _csrf form field or, for htmx,
// the X-CSRF-Token header. A browser saying the request is cross-site is
// refused outright.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	forbidden := &Error{Code: EFORBIDDEN, Key: "error.csrf"}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		forbidden.Err = errors.New("cross-site request")
		return forbidden
	}
	want := ""
	if sess := currentSession(c); sess != nil {
		want = sess.CSRFToken
	} else {
		want = c.Cookies(preSessionCookie)
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		forbidden.Err = errors.New("csrf token mismatch")
		return forbidden
	}
	return c.Next()
}

// requireAuth lets signed-in people through. Others go to the sign-in page,
// which brings them back here afterwards (suite=…); API and htmx callers get
// a 401 (htmx also an HX-Redirect to the sign-in page).
func (s *Server) requireAuth(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	if kit.WantsJSON(c) {
		return Errorf(EUNAUTHORIZED, "")
	}
	target := signInURL(c.OriginalURL(), c.Locals(localExpired) == true)
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", target)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		target = signInURL("/", c.Locals(localExpired) == true)
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

// grants returns the signed-in person's role grants, read once per request.
func (s *Server) grants(c *fiber.Ctx) ([]store.RoleGrant, error) {
	if g, ok := c.Locals(localGrants).([]store.RoleGrant); ok {
		return g, nil
	}
	u := currentUser(c)
	if u == nil {
		return nil, nil
	}
	g, err := s.db.Roles(c.UserContext(), u.ID)
	if err != nil {
		return nil, fmt.Errorf("web: roles: %w", err)
	}
	if g == nil {
		g = []store.RoleGrant{}
	}
	c.Locals(localGrants, g)
	return g, nil
}

// hasRole reports whether the signed-in person holds one of roles in
// académie academy; a global administrator holds every role everywhere.
func (s *Server) hasRole(c *fiber.Ctx, academy string, roles ...string) (bool, error) {
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

// lang returns the interface language of the request (cookie "lang"; for
// the API without the cookie, Accept-Language; French by default).
func (s *Server) lang(c *fiber.Ctx) string {
	if l := c.Cookies(langCookie); l != "" || !strings.HasPrefix(c.Path(), "/api/") {
		return catalogue.Supported(l)
	}
	// An API client has no cookie: it says its language in
	// Accept-Language (French by default).
	return catalogue.Supported(c.AcceptsLanguages(catalogue.French, catalogue.English))
}

// PurgeSessions deletes expired sessions and abandoned draft uploads now and then every interval,
// until ctx ends. Run it in one goroutine per web process (running it in
// several is harmless).
func (s *Server) PurgeSessions(ctx context.Context, every time.Duration) {
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
