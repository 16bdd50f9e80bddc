package pages

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// logout answers POST /deconnexion: it ends the session and shows the
// sign-in page.
func (s *Pages) logout(c *fiber.Ctx) error {
	if err := s.db.DeleteSession(c.UserContext(), c.Cookies(sessionCookie)); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	if u := currentUser(c); u != nil {
		s.log.InfoContext(c.UserContext(), "signed out", slog.Int64("person_id", u.ID))
	}
	return c.Redirect("/connexion", fiber.StatusSeeOther)
}
