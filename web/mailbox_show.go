package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// mailView is the view model of one mail of the built-in mailbox. The
// HTML part is only ever shown as escaped source: mail HTML is never
// rendered in Guichet's origin.
type mailView struct {
	Page
	Mail *store.Mail
	Raw  string
}

// mailboxShow answers GET /outils/boite-mail/:id: one mail, its text, its
// HTML source and the full message.
func (s *Server) mailboxShow(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return Errorf(ENOTFOUND, "")
	}
	m, err := s.db.GetMail(c.UserContext(), id)
	if err != nil {
		return err
	}
	v := mailView{Mail: m, Raw: string(m.Raw)}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "mail.title", m.ID))
	return s.render(c, fiber.StatusOK, "mailbox_show", &v)
}

// pageHref links to page n of a list.
func pageHref(base string, n int) string {
	return base + "?page=" + strconv.Itoa(n)
}
