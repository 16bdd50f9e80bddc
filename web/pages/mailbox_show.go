package pages

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	gomail "github.com/emersion/go-message/mail"
	"github.com/gofiber/fiber/v2"
	"github.com/microcosm-cc/bluemonday"

	"guichet/store"
)

// mailHeader is one header of a mail, its value decoded (RFC 2047).
type mailHeader struct {
	Key, Value string
}

// mailParts is what the built-in mailbox shows of a message: its headers
// and its text and HTML parts, read back from the raw message as sent
// (falling back to the stored bodies when it cannot be parsed).
type mailParts struct {
	Headers []mailHeader
	Text    string
	HTML    string
}

// parseMail reads the headers and parts of m.
func parseMail(m *store.Mail) mailParts {
	p := mailParts{Text: m.TextBody, HTML: m.HTMLBody}
	if len(m.Raw) == 0 {
		return p
	}
	r, err := gomail.CreateReader(bytes.NewReader(m.Raw))
	if err != nil {
		return p
	}
	defer r.Close()
	fields := r.Header.Fields()
	for fields.Next() {
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		p.Headers = append(p.Headers, mailHeader{Key: fields.Key(), Value: v})
	}
	text, html := "", ""
	for {
		part, err := r.NextPart()
		if err != nil {
			break
		}
		h, ok := part.Header.(*gomail.InlineHeader)
		if !ok {
			continue
		}
		mt, _, _ := h.ContentType()
		b, err := io.ReadAll(io.LimitReader(part.Body, 4<<20))
		if err != nil {
			break
		}
		body := strings.ReplaceAll(string(b), "\r\n", "\n")
		switch {
		case mt == "text/html" && html == "":
			html = body
		case (mt == "text/plain" || mt == "") && text == "":
			text = body
		}
	}
	if text != "" {
		p.Text = text
	}
	if html != "" {
		p.HTML = html
	}
	return p
}

// mailView is the view model of one mail of the built-in mailbox. The HTML
// part is never rendered in Guichet's origin: it is shown as escaped
// source, and sanitized in a sandboxed frame served by mailboxPreview.
type mailView struct {
	Page
	Mail       *store.Mail
	Parts      mailParts
	PreviewURL string
	Raw        string
}

// mailboxShow answers GET /outils/boite-mail/:id: one mail, its headers, its
// text, its HTML (previewed in a sandboxed frame and as source) and the
// full message.
func (s *Pages) mailboxShow(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return Errorf(ENOTFOUND, "")
	}
	m, err := s.db.GetMail(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.checkMailVisible(c, m); err != nil {
		return err
	}
	v := mailView{Mail: m, Parts: parseMail(m), Raw: string(m.Raw)}
	if v.Parts.HTML != "" {
		v.PreviewURL = "/outils/boite-mail/" + strconv.FormatInt(m.ID, 10) + "/apercu"
	}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "mail.title", strconv.FormatInt(m.ID, 10)))
	return s.render(c, fiber.StatusOK, "mailbox_show", &v)
}

// previewPolicy is the Content-Security-Policy of a mail preview: a unique
// origin without scripts, plugins, forms or network access (only inline
// styles and data: images), framed only by Guichet's own pages.
const previewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// mailboxPreview answers GET /outils/boite-mail/:id/apercu: the mail's HTML
// part, sanitized (bluemonday's policy for user content: no script, no
// style sheet, no event handler, no frame, no form), served under a CSP
// sandbox for the <iframe sandbox> of the mail page. Belt and braces: the
// sanitizer removes active content, and the sandbox would contain what it
// missed.
func (s *Pages) mailboxPreview(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return Errorf(ENOTFOUND, "")
	}
	m, err := s.db.GetMail(c.UserContext(), id)
	if err != nil {
		return err
	}
	if err := s.checkMailVisible(c, m); err != nil {
		return err
	}
	html := parseMail(m).HTML
	if html == "" {
		return Errorf(ENOTFOUND, "")
	}
	safe := bluemonday.UGCPolicy().Sanitize(html)
	h := &c.Response().Header
	h.Set("Content-Security-Policy", previewPolicy)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.SendString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` + safe + `</body></html>`)
}

// pageHref links to page n of a list.
func pageHref(base string, n int) string {
	return base + "?page=" + strconv.Itoa(n)
}
