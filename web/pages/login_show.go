package pages

import (
	"github.com/gofiber/fiber/v2"
)

// loginView is the sign-in page's view model.
type loginView struct {
	Page
	// Login is what the person typed (kept after a failed attempt).
	Login string
	// Suite is the local path to go to after signing in.
	Suite string
	// Error is the summary of a failed attempt; LoginError and
	// PasswordError are the messages next to the fields.
	Error         string
	LoginError    string
	PasswordError string
	// Expired says the person was signed out by the session timeout;
	// Everywhere that they just signed out of every session.
	Expired    bool
	Everywhere bool
}

// loginShow answers GET /connexion: the sign-in form. A signed-in person
// goes straight on.
func (s *Pages) loginShow(c *fiber.Ctx) error {
	suite := safeSuite(c.Query("suite"))
	if currentUser(c) != nil {
		return c.Redirect(suite, fiber.StatusSeeOther)
	}
	v := loginView{Suite: suite, Expired: c.Query("expiree") == "1", Everywhere: c.Query("partout") == "1"}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "login.title"))
	return s.render(c, fiber.StatusOK, "login", &v)
}
