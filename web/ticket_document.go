package web

import (
	"errors"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// ticketDocument answers GET /incidents/:number/documents/:id: the file, as
// an attachment (Content-Disposition attachment, the sniffed type, nosniff),
// only to people who may see the ticket. ?apercu=1 serves a previewable
// image inline for the ticket page.
func (s *Server) ticketDocument(c *fiber.Ctx) error {
	number := c.Params("number")
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	a, err := s.db.VisibleAttachment(c.UserContext(), v, number, id)
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Code: ENOTFOUND, Err: err}
	}
	if err != nil {
		return err
	}
	disposition := "attachment"
	if c.Query("apercu") == "1" && previewable(a.ContentType) {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Status(fiber.StatusOK).Send(a.Data)
}
