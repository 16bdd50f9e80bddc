package pages

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
)

// ticketDocument answers GET /incidents/:number/documents/:id: the file, as
// an attachment (Content-Disposition attachment, the sniffed type, nosniff),
// only to people who may see the ticket. ?apercu=1 serves a previewable
// image inline for the ticket page.
func (s *Pages) ticketDocument(c *fiber.Ctx) error {
	number := c.Params("number")
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	t, err := s.db.VisibleTicket(c.UserContext(), v, number)
	var a *store.Attachment
	if err == nil {
		a, err = s.tickets.ViewableAttachment(c.UserContext(), v, t, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	if err != nil {
		return err
	}
	disposition := "attachment"
	if c.Query("apercu") == "1" && tickets.Previewable(a.ContentType) {
		disposition = "inline"
	}
	return tickets.SendDocument(c, a, disposition)
}
