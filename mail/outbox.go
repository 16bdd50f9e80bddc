// Package mail composes Guichet's outgoing mails and delivers them.
//
// The Outbox turns a Message into real RFC 5322 messages (MIME with
// go-message: multipart/alternative plain text + HTML, UTF-8, threaded per
// ticket, Auto-Submitted) and stores them in the database outbox, one row per
// recipient. The Sender delivers the outbox through an SMTP relay with
// go-smtp; with no relay configured (the embedded default) the outbox is the
// built-in mailbox and the Sender only marks mails captured.
package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/config"
	"guichet/store"
)

// Message is one notification to queue: the same content for every
// recipient in To.
type Message struct {
	// DedupeKey identifies the notification (for example the ticket event
	// that caused it). Queuing the same key again queues nothing, so a
	// retried activity never sends a mail twice. Required.
	DedupeKey string
	// TicketNumber threads the mail with the ticket's other mails. Optional.
	TicketNumber string
	// To lists recipients as "addr@example.org" or "Name <addr@example.org>".
	// Empty and invalid entries are skipped with a logged warning; duplicates
	// are mailed once.
	To []string
	// Subject is plain UTF-8 text; it is encoded for the header.
	Subject string
	// Text is the plain-text body. Required.
	Text string
	// HTML is the HTML body, sent as the alternative to Text. Optional.
	HTML string
	// ReplyTo, when set, is the Reply-To address (the signed per-ticket
	// address that the reply listener accepts).
	ReplyTo string
}

// Outbox composes messages and queues them in the database outbox. It is
// safe for concurrent use.
type Outbox struct {
	db     *store.DB
	from   *gomail.Address
	domain string
	tmpl   *Templates
	err    error // configuration error, returned by every Queue
	logger *slog.Logger
	notify func()
	now    func() time.Time
}

// OutboxOption adjusts an Outbox built by NewOutbox.
type OutboxOption func(*Outbox)

// WithLogger sets the logger of skipped-recipient warnings (default:
// slog.Default()).
func WithLogger(l *slog.Logger) OutboxOption { return func(o *Outbox) { o.logger = l } }

// WithNotify sets a function called after new mails are queued, typically
// (*Sender).Notify so that they go out at once instead of at the next poll.
func WithNotify(fn func()) OutboxOption { return func(o *Outbox) { o.notify = fn } }

// WithClock sets the clock used for the Date header and CreatedAt.
func WithClock(now func() time.Time) OutboxOption { return func(o *Outbox) { o.now = now } }

// NewOutbox returns the outbox of db. cfg.From ("Guichet <guichet@ac-x.fr>"
// or a bare address) is the From of every mail and its domain names the
// Message-IDs. baseURL, the public URL of the web app, is not used yet: mail
// bodies carry the links their composer (the activities) builds.
//
// cfg is expected to be validated by the config package; an unusable From
// is reported by Err and makes every Queue fail, it never goes unnoticed.
func NewOutbox(db *store.DB, cfg config.Mail, baseURL string, opts ...OutboxOption) *Outbox {
	_ = baseURL
	o := &Outbox{db: db, logger: slog.Default(), now: time.Now}
	o.from, o.domain, o.err = parseFrom(cfg.From)
	if tmpl, err := NewTemplates(); err != nil && o.err == nil {
		o.err = err
	} else {
		o.tmpl = tmpl
	}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// Render renders the mail of kind in lang from the embedded templates
// (see Templates.Render).
func (o *Outbox) Render(kind, lang string, d Data) (Rendered, error) {
	if o.tmpl == nil {
		return Rendered{}, o.err
	}
	return o.tmpl.Render(kind, lang, d)
}

// Err returns the configuration error that prevents queuing, if any.
func (o *Outbox) Err() error { return o.err }

// parseFrom parses the configured From and returns it with its domain.
func parseFrom(s string) (*gomail.Address, string, error) {
	from, err := gomail.ParseAddress(s)
	if err != nil {
		return nil, "", fmt.Errorf("mail: from address %q: %w", s, err)
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 0 || at == len(from.Address)-1 {
		return nil, "", fmt.Errorf("mail: from address %q has no domain", s)
	}
	return from, strings.ToLower(from.Address[at+1:]), nil
}

// Domain returns the domain of the From address, which also names the
// Message-IDs.
func (o *Outbox) Domain() string { return o.domain }

// ThreadRootID returns the Message-ID (without angle brackets) that every
// mail of a ticket names in In-Reply-To and References, so that mail clients
// show them as one conversation: ticket-NUMBER@domain.
func (o *Outbox) ThreadRootID(number string) string {
	return "ticket-" + atomText(number) + "@" + o.domain
}

// Queue composes m for each valid recipient and stores it in the outbox,
// one row per recipient (each with its own To header, Message-ID and
// delivery state, so a private ticket's mail never shows the other
// recipients and one bad address does not hold back the others). The row's
// dedupe key is m.DedupeKey + "|" + the lowercased address.
//
// It returns true when at least one new row was queued, false when every
// row was already there (a retry) or no recipient was valid.
func (o *Outbox) Queue(ctx context.Context, m Message) (bool, error) {
	if o.err != nil {
		return false, o.err
	}
	if strings.TrimSpace(m.DedupeKey) == "" {
		return false, fmt.Errorf("mail: queue %q: empty dedupe key", m.Subject)
	}
	if m.Text == "" {
		return false, fmt.Errorf("mail: queue %s: empty text body", m.DedupeKey)
	}
	var replyTo *gomail.Address
	if m.ReplyTo != "" {
		a, err := gomail.ParseAddress(m.ReplyTo)
		if err != nil {
			o.logger.WarnContext(ctx, "mail: invalid Reply-To dropped", "dedupe_key", m.DedupeKey, "reply_to", m.ReplyTo, "error", err)
		} else {
			replyTo = a
		}
	}
	recipients := o.recipients(ctx, m)
	if len(recipients) == 0 {
		o.logger.WarnContext(ctx, "mail: no valid recipient, nothing queued", "dedupe_key", m.DedupeKey, "ticket", m.TicketNumber)
		return false, nil
	}
	queued := false
	for _, rcpt := range recipients {
		key := m.DedupeKey + "|" + strings.ToLower(rcpt.Address)
		id := o.MessageID(m.DedupeKey, rcpt.Address)
		refs, err := o.references(ctx, m.TicketNumber, id)
		if err != nil {
			return queued, err
		}
		now := o.now()
		raw, err := o.compose(m, rcpt, replyTo, id, refs, now)
		if err != nil {
			return queued, fmt.Errorf("mail: compose %s: %w", key, err)
		}
		ok, err := o.db.QueueMail(ctx, &store.Mail{
			DedupeKey:    key,
			TicketNumber: m.TicketNumber,
			ToAddr:       rcpt.Address,
			Subject:      m.Subject,
			TextBody:     m.Text,
			HTMLBody:     m.HTML,
			MessageID:    id,
			Raw:          raw,
			CreatedAt:    now.UTC(),
		})
		if err != nil {
			return queued, fmt.Errorf("mail: queue: %w", err)
		}
		queued = queued || ok
	}
	if queued && o.notify != nil {
		o.notify()
	}
	return queued, nil
}

// recipients parses m.To, skipping (with a warning) empty and invalid
// entries and duplicate addresses.
func (o *Outbox) recipients(ctx context.Context, m Message) []*gomail.Address {
	var out []*gomail.Address
	seen := map[string]bool{}
	for _, s := range m.To {
		s = strings.TrimSpace(s)
		if s == "" {
			o.logger.WarnContext(ctx, "mail: empty recipient skipped", "dedupe_key", m.DedupeKey, "ticket", m.TicketNumber)
			continue
		}
		a, err := gomail.ParseAddress(s)
		if err != nil {
			o.logger.WarnContext(ctx, "mail: invalid recipient skipped", "dedupe_key", m.DedupeKey, "ticket", m.TicketNumber, "to", s, "error", err)
			continue
		}
		k := strings.ToLower(a.Address)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	return out
}

// MessageID returns the Message-ID (without angle brackets) of the mail of
// one notification to one recipient. It is derived from the notification's
// dedupe key (ticket number, event sequence and mail kind, as the workflow
// builds it: "I130416_0213:7:resolved") and a hash of the address, so a
// retried activity, or a mail composed again, carries the same Message-ID
// and receiving servers and clients see one message:
// I130416_0213.7.resolved.3f9a0c1b2d4e@domain.
func (o *Outbox) MessageID(dedupeKey, addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	left := atomText(strings.NewReplacer(":", ".", "/", ".", "|", ".").Replace(dedupeKey))
	left = strings.Trim(left, ".")
	if len(left) > 120 {
		k := sha256.Sum256([]byte(dedupeKey))
		left = left[:80] + "." + hex.EncodeToString(k[:8])
	}
	return left + "." + hex.EncodeToString(sum[:6]) + "@" + o.domain
}

// references returns the thread of a ticket's mail: the ticket's root id,
// then the Message-ID of the ticket's first mail (when there is one and it
// is not this mail), so every mail of a ticket names the same ancestors.
func (o *Outbox) references(ctx context.Context, number, id string) ([]string, error) {
	if number == "" {
		return nil, nil
	}
	refs := []string{o.ThreadRootID(number)}
	first, err := o.db.FirstTicketMail(ctx, number)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("mail: thread of %s: %w", number, err)
	case first.MessageID != id && first.MessageID != "":
		refs = append(refs, strings.Trim(first.MessageID, "<>"))
	}
	return refs, nil
}

// compose writes the RFC 5322 message for one recipient.
func (o *Outbox) compose(m Message, to, replyTo *gomail.Address, id string, refs []string, date time.Time) ([]byte, error) {
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{o.from})
	h.SetAddressList("To", []*gomail.Address{to})
	if replyTo != nil {
		h.SetAddressList("Reply-To", []*gomail.Address{replyTo})
	}
	h.SetSubject(m.Subject)
	h.SetDate(date)
	h.SetMessageID(id)
	if len(refs) > 0 {
		// In-Reply-To names the nearest known ancestor: the ticket's first
		// mail, or its root id for the first mail itself.
		h.SetMsgIDList("In-Reply-To", refs[len(refs)-1:])
		h.SetMsgIDList("References", refs)
	}
	if m.TicketNumber != "" {
		h.SetText("X-Guichet-Ticket", m.TicketNumber)
	}
	// RFC 3834: an automatic mail; the Microsoft header stops Exchange
	// out-of-office replies as well.
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("X-Auto-Response-Suppress", "All")

	var buf bytes.Buffer
	if m.HTML == "" {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		w, err := gomail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, err
		}
		if err := writeAndClose(w, m.Text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	mw, err := gomail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ mediaType, body string }{
		{"text/plain", m.Text},
		{"text/html", m.HTML},
	} {
		var ph gomail.InlineHeader
		ph.SetContentType(part.mediaType, map[string]string{"charset": "utf-8"})
		w, err := mw.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if err := writeAndClose(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeAndClose(w io.WriteCloser, body string) error {
	if _, err := io.WriteString(w, body); err != nil {
		_ = w.Close() // the write error is the one to report
		return err
	}
	return w.Close()
}

// atomText keeps the characters allowed in a Message-ID's left part
// (letters, digits and a few symbols) and replaces the others with '-'.
func atomText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '_', r == '-', r == '.', r == '+':
			return r
		}
		return '-'
	}, s)
}
