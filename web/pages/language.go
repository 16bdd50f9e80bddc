package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/web/catalogue"
)

// languageSwitch answers GET /langue/:lang?suite=…: it remembers the
// interface language (cookie "lang", a year) and goes back to suite. It
// changes nothing but a display preference, so a link is enough.
func (s *Pages) languageSwitch(c *fiber.Ctx) error {
	lang := catalogue.Supported(c.Params("lang"))
	s.sessions.SetCookie(c, langCookie, lang, time.Now().Add(365*24*time.Hour))
	return c.Redirect(safeSuite(c.Query("suite")), fiber.StatusSeeOther)
}
