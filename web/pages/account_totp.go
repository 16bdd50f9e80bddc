package pages

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
)

// accountTOTPBegin answers POST /compte/otp/commencer: a new secret to
// scan, confirmed by the next code typed.
func (s *Pages) accountTOTPBegin(c *fiber.Ctx) error {
	u := currentUser(c)
	if _, err := s.identity.BeginEnrolment(c.UserContext(), u); err != nil {
		return err
	}
	return c.Redirect("/compte#double-authentification", fiber.StatusSeeOther)
}

// accountTOTPQR answers GET /compte/otp/qr.png: the QR code of the
// enrolment in progress.
func (s *Pages) accountTOTPQR(c *fiber.Ctx) error {
	return s.sendQR(c, currentUser(c))
}

// accountTOTPConfirm answers POST /compte/otp/confirmer: the first code
// from the app turns the second factor on.
func (s *Pages) accountTOTPConfirm(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	err := s.identity.VerifyTOTP(ctx, u.ID, c.FormValue("code"))
	if errors.Is(err, identity.ErrInvalidCode) {
		v, verr := s.accountViewFor(c)
		if verr != nil {
			return verr
		}
		v.Error = s.i18n.T(v.Lang, "otp.error.invalid")
		return s.render(c, fiber.StatusUnprocessableEntity, "account", v)
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "totp enrolled", slog.Int64("person_id", u.ID))
	return c.Redirect("/compte?fait=otp-active", fiber.StatusSeeOther)
}

// accountTOTPRemove answers POST /compte/otp/supprimer: the second factor
// off, unless a role requires it.
func (s *Pages) accountTOTPRemove(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	err := s.identity.RemoveTOTP(ctx, u)
	if errors.Is(err, identity.ErrTOTPRequired) {
		v, verr := s.accountViewFor(c)
		if verr != nil {
			return verr
		}
		v.Error = s.i18n.T(v.Lang, "account.otp.required")
		return s.render(c, fiber.StatusUnprocessableEntity, "account", v)
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "totp removed", slog.Int64("person_id", u.ID))
	return c.Redirect("/compte?fait=otp-supprime", fiber.StatusSeeOther)
}
