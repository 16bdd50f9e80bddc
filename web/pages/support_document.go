package pages

import (
	"errors"
	"fmt"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// supportDocument sends a document of a ticket the signed-in person
// supports (GET /support/incidents/:number/documents/:id), always as a
// download: a document is never rendered by the browser in Guichet's origin.
func (s *Pages) supportDocument(c *fiber.Ctx) error {
	t, err := s.supportTicketOf(c, c.Params("number"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	a, err := s.db.VisibleAttachment(c.UserContext(), v, t.Number, id)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	if err != nil {
		return fmt.Errorf("web: document %d of %s: %w", id, t.Number, err)
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(a.Data)
}
