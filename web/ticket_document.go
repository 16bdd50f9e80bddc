package web

import (
	"errors"
	"fmt"
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
	t, err := s.db.VisibleTicket(c.UserContext(), v, number)
	var a *store.Attachment
	if err == nil {
		a, err = s.viewableAttachment(c, v, t, id)
	}
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
	return sendDocument(c, a, disposition)
}

// sendDocument answers with document a: its sniffed type, nosniff, never
// cached, and disposition ("attachment" or "inline") with its file name.
func sendDocument(c *fiber.Ctx, a *store.Attachment, disposition string) error {
	header := mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename})
	if header == "" { // a name FormatMediaType cannot encode: no name rather than no disposition
		header = disposition
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, header)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Status(fiber.StatusOK).Send(a.Data)
}

// viewableAttachment returns document id of ticket t, which v may see
// (store.VisibleTicket), if v may see the document too: it is the ticket's,
// and a document of an internal note only goes to the académie's support
// staff. Otherwise the error wraps store.ErrNotFound.
func (s *Server) viewableAttachment(c *fiber.Ctx, v store.Viewer, t *store.Ticket, id int64) (*store.Attachment, error) {
	ctx := c.UserContext()
	number := t.Number
	a, err := s.db.VisibleAttachment(ctx, v, number, id)
	if err != nil {
		return nil, err
	}
	if a.EventSeq == 0 || v.IsSupport(t.AcademyCode) {
		return a, nil
	}
	evs, err := s.db.Timeline(ctx, number, false)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		if e.Seq == a.EventSeq {
			return a, nil
		}
	}
	return nil, fmt.Errorf("web: document %d of an internal note of %s: %w", id, number, store.ErrNotFound)
}
