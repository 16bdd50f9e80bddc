package kit

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/catalogue"
)

// Cookie names and the CSRF token's field and header.
const (
	SessionCookie = "guichet_session"
	// PreSessionCookie carries the double-submit CSRF token of forms shown
	// before sign-in (the sign-in form itself).
	PreSessionCookie = "guichet_csrf"
	LangCookie       = "lang"
	CSRFField        = "_csrf"
	CSRFHeader       = "X-CSRF-Token"
)

// Keys of per-request values in c.Locals.
const (
	localSession = "session"
	localExpired = "session_expired"
)

// Sessions reads and writes the browser's session: the session cookie, the
// CSRF tokens and the cookies' attributes.
type Sessions struct {
	// DB holds the sessions.
	DB *store.DB
	// Idle is how long a session lives without activity.
	Idle time.Duration
	// Secure marks every cookie Secure (HTTPS only).
	Secure bool
	// Passive reports whether a request is a periodic background refresh
	// (htmx "every" triggers), which is not user activity: its session is
	// looked up without being touched. Nil: none is.
	Passive func(c *fiber.Ctx) bool
}

// CurrentSession returns the session of the request, or nil.
func CurrentSession(c *fiber.Ctx) *store.Session {
	s, _ := c.Locals(localSession).(*store.Session)
	return s
}

// SessionExpired reports whether the request came with an expired or
// unknown session cookie (cleared by Load), so the sign-in page can say why.
func SessionExpired(c *fiber.Ctx) bool { return c.Locals(localExpired) == true }

// Load is the middleware that reads the session cookie and, when it names
// a live session, puts the session and its person in the request. An
// expired or unknown cookie is cleared and remembered (SessionExpired).
func (s *Sessions) Load(c *fiber.Ctx) error {
	token := c.Cookies(SessionCookie)
	if token == "" {
		return c.Next()
	}
	lookup := s.DB.TouchSession
	if c.Get("HX-Request") == "true" && s.Passive != nil && s.Passive(c) {
		lookup = s.DB.PeekSession
	}
	sess, person, err := lookup(c.UserContext(), token, s.Idle)
	switch {
	case err == nil:
		c.Locals(localSession, sess)
		SetCurrentUser(c, person)
	case errors.Is(err, store.ErrNotFound):
		s.ClearCookie(c, SessionCookie)
		c.Locals(localExpired, true)
	default:
		return fmt.Errorf("web: load session: %w", err)
	}
	return c.Next()
}

// SetCookie sets cookie name to value for the whole site, HTTP only,
// SameSite=Lax, Secure when configured; expires is zero for a cookie that
// ends with the browser session.
func (s *Sessions) SetCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: s.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// SetSessionCookie hands the browser its session token. It is a session
// cookie (no Expires): closing the browser signs out; the server enforces
// the idle and absolute limits.
func (s *Sessions) SetSessionCookie(c *fiber.Ctx, token string) {
	s.SetCookie(c, SessionCookie, token, time.Time{})
}

// ClearCookie removes a cookie from the browser.
func (s *Sessions) ClearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: s.Secure, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// CSRFToken returns the token forms of this request must carry: the
// session's, or before sign-in the double-submit cookie's (set here if the
// browser has none yet).
func (s *Sessions) CSRFToken(c *fiber.Ctx) (string, error) {
	if sess := CurrentSession(c); sess != nil {
		return sess.CSRFToken, nil
	}
	if tok := c.Cookies(PreSessionCookie); validToken(tok) {
		return tok, nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("web: csrf token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	s.SetCookie(c, PreSessionCookie, tok, time.Time{})
	// Later reads in this request see the new token.
	c.Request().Header.SetCookie(PreSessionCookie, tok)
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

// CheckCSRF is the middleware that refuses every unsafe request (POST,
// PUT, PATCH, DELETE) that does not carry the expected token, in the _csrf
// form field or, for htmx, the X-CSRF-Token header. A browser saying the
// request is cross-site is refused outright.
func CheckCSRF(c *fiber.Ctx) error {
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
	if sess := CurrentSession(c); sess != nil {
		want = sess.CSRFToken
	} else {
		want = c.Cookies(PreSessionCookie)
	}
	got := c.Get(CSRFHeader)
	if got == "" {
		got = c.FormValue(CSRFField)
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		forbidden.Err = errors.New("csrf token mismatch")
		return forbidden
	}
	return c.Next()
}

// Lang returns the interface language of the request (cookie "lang"; for
// the API without the cookie, Accept-Language; French by default).
func Lang(c *fiber.Ctx) string {
	if l := c.Cookies(LangCookie); l != "" || !strings.HasPrefix(c.Path(), "/api/") {
		return catalogue.Supported(l)
	}
	// An API client has no cookie: it says its language in
	// Accept-Language (French by default).
	return catalogue.Supported(c.AcceptsLanguages(catalogue.French, catalogue.English))
}
