package pages

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
	"guichet/store"
)

// maxCodeAttempts is how many wrong codes one second step allows before
// the person must type their password again.
const maxCodeAttempts = 5

// otpView is the second sign-in step's view model.
type otpView struct {
	Page
	// Enrol: the person has no second factor yet and must add one (a role
	// requires it): the page shows the QR code and the secret.
	Enrol  bool
	Secret string
	Error  string
}

// challenge returns the sign-in waiting for its code and its person, or
// nil when the cookie names none (missing, expired).
func (s *Pages) challenge(c *fiber.Ctx) (*store.SignInChallenge, *store.Person, error) {
	token := c.Cookies(otpCookie)
	if token == "" {
		return nil, nil, nil
	}
	ch, err := s.db.SignInChallenge(c.UserContext(), token)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := s.db.GetPerson(c.UserContext(), ch.PersonID)
	if err != nil {
		return nil, nil, err
	}
	return ch, p, nil
}

// otpViewFor builds the second step's page for person.
func (s *Pages) otpViewFor(c *fiber.Ctx, p *store.Person) (*otpView, error) {
	v := &otpView{Page: s.page(c, s.i18n.T(s.lang(c), "otp.title"))}
	enrolled, err := s.identity.TOTPEnrolled(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	if !enrolled {
		v.Enrol = true
		if v.Secret, err = s.identity.PendingSecret(c.UserContext(), p.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// loginOTPShow answers GET /connexion/otp: the field for the Passcode OTP
// (with the QR code to scan first when enrolling).
func (s *Pages) loginOTPShow(c *fiber.Ctx) error {
	_, p, err := s.challenge(c)
	if err != nil {
		return err
	}
	if p == nil {
		return c.Redirect("/connexion?expiree=1", fiber.StatusSeeOther)
	}
	v, err := s.otpViewFor(c, p)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "login_otp", v)
}

// loginOTPQR answers GET /connexion/otp/qr.png: the QR code of the
// enrolment in progress (never of a confirmed secret).
func (s *Pages) loginOTPQR(c *fiber.Ctx) error {
	_, p, err := s.challenge(c)
	if err != nil {
		return err
	}
	if p == nil {
		return Errorf(ENOTFOUND, "")
	}
	return s.sendQR(c, p)
}

// sendQR writes the person's enrolment QR code as a PNG, not cached.
func (s *Pages) sendQR(c *fiber.Ctx, p *store.Person) error {
	png, err := s.identity.EnrolmentQR(c.UserContext(), p, 240)
	if errors.Is(err, identity.ErrNoPendingTOTP) {
		return Errorf(ENOTFOUND, "")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("png")
	return c.Send(png)
}

// loginOTPSubmit answers POST /connexion/otp: a right code opens the
// session; a wrong one shows the field again, and after maxCodeAttempts
// the person starts over from the password.
func (s *Pages) loginOTPSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	ch, p, err := s.challenge(c)
	if err != nil {
		return err
	}
	if p == nil {
		return c.Redirect("/connexion?expiree=1", fiber.StatusSeeOther)
	}
	token := c.Cookies(otpCookie)
	var limited *identity.RateLimitedError
	if err := s.identity.CheckRateLimit(ctx, p.Login, c.IP()); errors.As(err, &limited) {
		return s.restartSignIn(c, fiber.StatusTooManyRequests, s.i18n.T(lang, "login.error.ratelimited", waitMinutes(limited.Wait)))
	} else if err != nil {
		return err
	}
	code := strings.TrimSpace(c.FormValue("code"))
	err = s.identity.VerifyTOTP(ctx, p.ID, code)
	switch {
	case errors.Is(err, identity.ErrInvalidCode):
		s.log.InfoContext(ctx, "sign-in refused", slog.String("login", p.Login), slog.String("remote", c.IP()), slog.String("reason", "invalid totp code"))
		if rerr := s.identity.RecordFailure(ctx, p.Login, c.IP()); rerr != nil {
			return rerr
		}
		n, err := s.db.CountChallengeAttempt(ctx, token)
		if err != nil {
			return err
		}
		if n >= maxCodeAttempts {
			if err := s.db.DeleteSignInChallenge(ctx, token); err != nil {
				return err
			}
			return s.restartSignIn(c, fiber.StatusUnauthorized, s.i18n.T(lang, "otp.error.attempts"))
		}
		v, verr := s.otpViewFor(c, p)
		if verr != nil {
			return verr
		}
		v.Error = s.i18n.T(lang, "otp.error.invalid")
		if code == "" {
			v.Error = s.i18n.T(lang, "otp.error.missing")
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "login_otp", v)
	case err != nil:
		return err
	}
	if err := s.db.DeleteSignInChallenge(ctx, token); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: otpCookie, Value: "", Path: "/connexion", MaxAge: -1, HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	if err := s.identity.RecordSuccess(ctx, p.Login); err != nil {
		s.log.WarnContext(ctx, "clear sign-in failures", slog.Any("error", err))
	}
	return s.openSession(c, p, safeSuite(ch.Suite))
}

// restartSignIn shows the sign-in form with msg, the second step over.
func (s *Pages) restartSignIn(c *fiber.Ctx, status int, msg string) error {
	c.Cookie(&fiber.Cookie{Name: otpCookie, Value: "", Path: "/connexion", MaxAge: -1, HTTPOnly: true, Secure: s.cfg.Web.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode})
	v := loginView{Suite: "/", Error: msg}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "login.title"))
	return s.render(c, status, "login", &v)
}
