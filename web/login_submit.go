package web

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

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

// loginSubmit answers POST /connexion: it checks the credentials, opens a
// session and goes to the page asked for. A failure shows the form again
// with a French message and the login typed.
func (s *Server) loginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	f := parseLoginForm(c)
	v := loginView{Login: f.Login, Suite: f.Suite}

	if f.Login == "" || f.Password == "" {
		v.Error = s.i18n.T(lang, "login.error.missing")
		if f.Login == "" {
			v.LoginError = s.i18n.T(lang, "login.error.login")
		}
		if f.Password == "" {
			v.PasswordError = s.i18n.T(lang, "login.error.password")
		}
		v.Page = s.page(c, s.i18n.T(lang, "login.title"))
		return s.render(c, fiber.StatusUnprocessableEntity, "login", &v)
	}

	person, err := s.db.Authenticate(ctx, f.Login, f.Password)
	switch {
	case errors.Is(err, store.ErrInvalidCredentials):
		s.log.InfoContext(ctx, "sign-in refused", slog.String("login", f.Login), slog.String("remote", c.IP()), slog.String("reason", "invalid credentials"))
		v.Error = s.i18n.T(lang, "login.error.invalid")
		v.Page = s.page(c, s.i18n.T(lang, "login.title"))
		return s.render(c, fiber.StatusUnauthorized, "login", &v)
	case errors.Is(err, store.ErrAccountDisabled):
		s.log.InfoContext(ctx, "sign-in refused", slog.String("login", f.Login), slog.String("remote", c.IP()), slog.String("reason", "account disabled"))
		v.Error = s.i18n.T(lang, "login.error.disabled")
		v.Page = s.page(c, s.i18n.T(lang, "login.title"))
		return s.render(c, fiber.StatusForbidden, "login", &v)
	case err != nil:
		return err
	}

	// A new session every sign-in (no fixation); the old one, if any, ends.
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
	return c.Redirect(f.Suite, fiber.StatusSeeOther)
}
