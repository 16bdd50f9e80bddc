package tickets

import (
	"context"
	"fmt"
	"mime"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// ViewableAttachment returns document id of ticket t, which v may see
// (store.VisibleTicket), if v may see the document too: it is the ticket's,
// and a document of an internal note only goes to the académie's support
// staff. Otherwise the error wraps store.ErrNotFound.
func (d *Desk) ViewableAttachment(ctx context.Context, v store.Viewer, t *store.Ticket, id int64) (*store.Attachment, error) {
	number := t.Number
	a, err := d.db.VisibleAttachment(ctx, v, number, id)
	if err != nil {
		return nil, err
	}
	if a.EventSeq == 0 || v.IsSupport(t.AcademyCode) {
		return a, nil
	}
	evs, err := d.db.Timeline(ctx, number, false)
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

// SendDocument answers with document a: its sniffed type, nosniff, never
// cached, and disposition ("attachment" or "inline") with its file name.
func SendDocument(c *fiber.Ctx, a *store.Attachment, disposition string) error {
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

// Previewable reports whether an attachment of this (sniffed) type may be
// shown inline as an image. SVG never is (it may carry script).
func Previewable(contentType string) bool {
	switch contentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}
