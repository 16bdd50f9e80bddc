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
	"crypto/rand"
	"encoding/base32"
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
	for _, opt := range opts {
		opt(o)
	}
	return o
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
		id, err := o.newMessageID()
		if err != nil {
			return queued, err
		}
		now := o.now()
		raw, err := o.compose(m, rcpt, replyTo, id, now)
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

// newMessageID returns a fresh random Message-ID (without angle brackets)
// in the From domain. It is stored with the row, so every delivery attempt
// of that row carries the same ID.
func (o *Outbox) newMessageID() (string, error) {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("mail: message id: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + o.domain, nil
}

// compose writes the RFC 5322 message for one recipient.
func (o *Outbox) compose(m Message, to, replyTo *gomail.Address, id string, date time.Time) ([]byte, error) {
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{o.from})
	h.SetAddressList("To", []*gomail.Address{to})
	if replyTo != nil {
		h.SetAddressList("Reply-To", []*gomail.Address{replyTo})
	}
	h.SetSubject(m.Subject)
	h.SetDate(date)
	h.SetMessageID(id)
	if m.TicketNumber != "" {
		root := []string{o.ThreadRootID(m.TicketNumber)}
		h.SetMsgIDList("In-Reply-To", root)
		h.SetMsgIDList("References", root)
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
		w.Close()
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
