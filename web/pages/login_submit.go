package pages

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
	"guichet/store"
)

// otpCookie carries the token of a sign-in waiting for its TOTP code.
const otpCookie = "guichet_otp"

// challengeTTL is how long the second step may wait for its code.
const challengeTTL = 5 * time.Minute

// loginForm is the sign-in form as posted.
type loginForm struct {
	Login    string
	Password string
	Suite    string
}

// parseLoginForm reads the sign-in form.
func parseLoginForm(c *fiber.Ctx) loginForm {
	return loginForm{
		Login:    strings.TrimSpace(c.FormValue("login")),
		Password: c.FormValue("password"),
		Suite:    safeSuite(c.FormValue("suite")),
	}
}

// loginSubmit answers POST /connexion: it checks the credentials (local
// account, else the académie's LDAP directory; rate limited per login and
// per address), then either asks for the TOTP code (second step, enrolling
// first when a role requires it) or opens a session and goes to the page
// asked for. A failure shows the form again with a French message and the
// login typed.
func (s *Pages) loginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	f := parseLoginForm(c)
	v := loginView{Login: f.Login, Suite: f.Suite}
	fail := func(status int, key string, args ...any) error {
		v.Error = s.i18n.T(lang, key, args...)
		v.Page = s.page(c, s.i18n.T(lang, "login.title"))
		return s.render(c, status, "login", &v)
	}

	if f.Login == "" || f.Password == "" {
		if f.Login == "" {
			v.LoginError = s.i18n.T(lang, "login.error.login")
		}
		if f.Password == "" {
			v.PasswordError = s.i18n.T(lang, "login.error.password")
		}
		return fail(fiber.StatusUnprocessableEntity, "login.error.missing")
	}

	person, err := s.identity.SignIn(ctx, f.Login, f.Password, c.IP())
	refused := func(reason string) {
		s.log.InfoContext(ctx, "sign-in refused", slog.String("login", f.Login), slog.String("remote", c.IP()), slog.String("reason", reason))
	}
	var limited *identity.RateLimitedError
	switch {
	case errors.As(err, &limited):
		refused("rate limited")
		c.Set(fiber.HeaderRetryAfter, formatSeconds(limited.Wait))
		return fail(fiber.StatusTooManyRequests, "login.error.ratelimited", waitMinutes(limited.Wait))
	case errors.Is(err, store.ErrInvalidCredentials):
		refused("invalid credentials")
		return fail(fiber.StatusUnauthorized, "login.error.invalid")
	case errors.Is(err, store.ErrAccountDisabled):
		refused("account disabled")
		return fail(fiber.StatusForbidden, "login.error.disabled")
	case errors.Is(err, identity.ErrDirectoryUnavailable):
		s.log.WarnContext(ctx, "sign-in: directory unavailable", slog.String("login", f.Login), slog.Any("error", err))
		return fail(fiber.StatusServiceUnavailable, "login.error.directory")
	case err != nil:
		return err
	}

	second, err := s.identity.SecondFactorOf(ctx, person)
	if err != nil {
		return err
	}
	if second.Needed() {
		if !second.Enrolled {
			if _, err := s.identity.PendingSecret(ctx, person.ID); errors.Is(err, identity.ErrNoPendingTOTP) {
				if _, err := s.identity.BeginEnrolment(ctx, person); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		token, err := s.db.CreateSignInChallenge(ctx, person.ID, f.Suite, challengeTTL)
		if err != nil {
			return err
		}
		c.Cookie(&fiber.Cookie{
			Name: otpCookie, Value: token, Path: "/connexion", MaxAge: int(challengeTTL / time.Second),
			HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
		})
		return c.Redirect("/connexion/otp", fiber.StatusSeeOther)
	}
	return s.openSession(c, person, f.Suite)
}

// openSession signs person in: a new session (no fixation; the old one, if
// any, ends), its cookie, then off to suite.
func (s *Pages) openSession(c *fiber.Ctx, person *store.Person, suite string) error {
	ctx := c.UserContext()
	if old := c.Cookies(sessionCookie); old != "" {
		if err := s.db.DeleteSession(ctx, old); err != nil {
			return err
		}
	}
	token, _, err := s.db.CreateSession(ctx, person.ID, s.sessionIdle, s.sessionMax, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	s.clearCookie(c, preSessionCookie)
	s.log.InfoContext(ctx, "signed in", slog.Int64("person_id", person.ID), slog.String("login", person.Login), slog.String("remote", c.IP()))
	return c.Redirect(suite, fiber.StatusSeeOther)
}

// waitMinutes rounds a wait up to whole minutes (at least 1).
func waitMinutes(d time.Duration) int {
	return max(1, int((d+time.Minute-1)/time.Minute))
}

// formatSeconds is d in whole seconds, rounded up, for Retry-After.
func formatSeconds(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
