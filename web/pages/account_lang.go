package pages

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// accountLang answers POST /compte/langue: the language of the person's
// mails (Français or English), kept in people.lang. A value other than fr
// or en shows Mon compte again with a message.
func (s *Pages) accountLang(c *fiber.Ctx) error {
	u := currentUser(c)
	lang := c.FormValue("langue")
	if lang != store.LangFrench && lang != store.LangEnglish {
		v, err := s.accountViewFor(c)
		if err != nil {
			return err
		}
		v.LangError = s.i18n.T(v.Lang, "account.lang.bad")
		return s.render(c, fiber.StatusUnprocessableEntity, "account", v)
	}
	if err := s.db.SetPersonLang(c.UserContext(), u.ID, lang); err != nil {
		return err
	}
	s.log.InfoContext(c.UserContext(), "mail language set", slog.Int64("person_id", u.ID), slog.String("lang", lang))
	return c.Redirect("/compte?fait=langue#langue-courriels", fiber.StatusSeeOther)
}
