package pages

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// accountSignOutEverywhere answers POST /compte/deconnexion-partout: every
// session of the person ends (other browsers, other devices, this one).
func (s *Pages) accountSignOutEverywhere(c *fiber.Ctx) error {
	u := currentUser(c)
	n, err := s.db.DeleteSessionsOf(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	s.log.InfoContext(c.UserContext(), "signed out everywhere", slog.Int64("person_id", u.ID), slog.Int("sessions", n))
	return c.Redirect("/connexion?partout=1", fiber.StatusSeeOther)
}
