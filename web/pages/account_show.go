package pages

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
	"guichet/store"
)

// accountView is the Mon compte page's view model.
type accountView struct {
	Page
	Person *store.Person
	Roles  []accountRole
	// TOTP state: Enrolled (confirmed), Required by a role, Pending
	// enrolment (with its Secret shown next to the QR code).
	Enrolled, Required, Pending bool
	Secret                      string
	// Notice is a success message (after a redirect); Error a failure.
	Notice, Error string
	// MailLang is the language of the person's mails ("fr" or "en",
	// account_lang.go); LangError refuses the language form.
	MailLang, LangError string
}

// accountRole is one role grant, labelled.
type accountRole struct {
	Academy, Role string
}

// accountShow answers GET /compte: the person's identity card, roles,
// second factor (enrolment with a QR code) and the sign-out-everywhere
// button.
func (s *Pages) accountShow(c *fiber.Ctx) error {
	v, err := s.accountViewFor(c)
	if err != nil {
		return err
	}
	switch c.Query("fait") {
	case "otp-active":
		v.Notice = s.i18n.T(v.Lang, "account.otp.done")
	case "otp-supprime":
		v.Notice = s.i18n.T(v.Lang, "account.otp.removed")
	case "langue":
		v.Notice = s.i18n.T(v.Lang, "account.lang.done")
	}
	return s.render(c, fiber.StatusOK, "account", v)
}

// accountViewFor builds the page for the signed-in person.
func (s *Pages) accountViewFor(c *fiber.Ctx) (*accountView, error) {
	ctx := c.UserContext()
	u := currentUser(c)
	v := &accountView{Page: s.page(c, s.i18n.T(s.lang(c), "account.title")), Person: u}
	grants, err := s.grants(c)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		name := g.AcademyCode
		if a, err := s.db.GetAcademy(ctx, g.AcademyCode); err == nil {
			name = a.Name
		}
		v.Roles = append(v.Roles, accountRole{Academy: name, Role: s.i18n.T(v.Lang, "account.role."+g.Role)})
	}
	if v.MailLang, err = s.db.PersonLang(ctx, u.ID); err != nil {
		return nil, err
	}
	f, err := s.identity.SecondFactorOf(ctx, u)
	if err != nil {
		return nil, err
	}
	v.Enrolled, v.Required = f.Enrolled, f.Required
	if !v.Enrolled {
		secret, err := s.identity.PendingSecret(ctx, u.ID)
		switch {
		case err == nil:
			v.Pending, v.Secret = true, secret
		case !errors.Is(err, identity.ErrNoPendingTOTP):
			return nil, err
		}
	}
	return v, nil
}
