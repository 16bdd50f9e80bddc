package api

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
)

// apiTicketAttachment answers GET /api/v1/tickets/{number}/attachments/{id}:
// the document's bytes, as the web download sends them (its sniffed type,
// Content-Disposition attachment with its name, nosniff, no caching), under
// the same rules: 404 for a ticket the caller may not see (private, other
// académie, other entity) or a document of another ticket; a document of
// an internal note only for the académie's support staff, as GET
// /api/v1/tickets/{number} lists them (tickets.Desk.ViewableAttachment).
func (s *API) apiTicketAttachment(c *fiber.Ctx) error {
	t, v, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return &kit.Error{Code: kit.ENOTFOUND, Key: "api.error.attachment.notfound", Err: err}
	}
	a, err := s.tickets.ViewableAttachment(c.UserContext(), v, t, id)
	if errors.Is(err, store.ErrNotFound) {
		return &kit.Error{Code: kit.ENOTFOUND, Key: "api.error.attachment.notfound", Err: err}
	}
	if err != nil {
		return err
	}
	return tickets.SendDocument(c, a, "attachment")
}
