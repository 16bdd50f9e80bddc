package mail_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
)

var testMailConfig = config.Mail{From: "Guichet Créteil <guichet@ac-creteil.fr>"}

// parsedPart is one body part of a parsed message.
type parsedPart struct {
	mediaType, charset, body string
}

// parseRaw reads a stored message back with go-message.
func parseRaw(t *testing.T, raw []byte) (gomail.Header, []parsedPart) {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	defer r.Close()
	var parts []parsedPart
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		h, ok := p.Header.(*gomail.InlineHeader)
		if !ok {
			t.Fatalf("unexpected part header %T", p.Header)
		}
		mt, params, err := h.ContentType()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, parsedPart{mt, params["charset"], strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	return r.Header, parts
}

func TestOutboxComposesThreadedFrenchMail(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		date := time.Date(2026, 4, 16, 9, 30, 0, 0, time.FixedZone("CEST", 2*3600))
		var logs bytes.Buffer
		outbox := newOutbox(t, db, testMailConfig,
			mail.WithClock(func() time.Time { return date }),
			mail.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		subject := "Ticket I260416_0213 : résolution — merci de valider « imprimante »"
		text := "Bonjour Agnès,\n\nVotre demande a été résolue.\nValidez ici : https://guichet.ac-creteil.fr/tickets/I260416_0213\n"
		html := "<p>Bonjour Agnès,</p><p>Votre demande a été <strong>résolue</strong>.</p>"
		queued, err := outbox.Queue(ctx, mail.Message{
			DedupeKey:    "I260416_0213/event/7",
			TicketNumber: "I260416_0213",
			To:           []string{"Agnès Dupont <agnes.dupont@ac-creteil.fr>", "", "pas une adresse", "AGNES.DUPONT@ac-creteil.fr", "paul.martin@ac-creteil.fr"},
			Subject:      subject,
			Text:         text,
			HTML:         html,
			ReplyTo:      "ticket+I260416_0213.abc123@reply.ac-creteil.fr",
		})
		if err != nil || !queued {
			t.Fatalf("Queue = %v, %v", queued, err)
		}
		rows, err := db.ListMailsForTicket(ctx, "I260416_0213")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("one row per valid distinct recipient", func(t *testing.T) {
			if len(rows) != 2 || rows[0].ToAddr != "agnes.dupont@ac-creteil.fr" || rows[1].ToAddr != "paul.martin@ac-creteil.fr" {
				t.Fatalf("rows to %v", toAddrs(rows))
			}
			if !strings.Contains(logs.String(), "pas une adresse") || !strings.Contains(logs.String(), "empty recipient") {
				t.Errorf("skipped recipients not logged:\n%s", logs.String())
			}
		})

		full, err := db.GetMail(ctx, rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		h, parts := parseRaw(t, full.Raw)

		t.Run("the raw message is 7-bit with CRLF line ends", func(t *testing.T) {
			for i, c := range full.Raw {
				if c >= 0x80 {
					t.Fatalf("byte %d is not ASCII: %q", i, full.Raw[max(0, i-20):i+1])
				}
				if c == '\n' && (i == 0 || full.Raw[i-1] != '\r') {
					t.Fatalf("bare LF at byte %d", i)
				}
			}
		})

		t.Run("headers name sender, recipient, subject and date", func(t *testing.T) {
			from, err := h.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "Guichet Créteil" || from[0].Address != "guichet@ac-creteil.fr" {
				t.Errorf("From = %v, %v", from, err)
			}
			to, err := h.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Name != "Agnès Dupont" || to[0].Address != "agnes.dupont@ac-creteil.fr" {
				t.Errorf("To = %v, %v", to, err)
			}
			if got, err := h.Subject(); err != nil || got != subject {
				t.Errorf("Subject = %q, %v; want %q", got, err, subject)
			}
			if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?") {
				t.Errorf("Subject header is not an encoded word: %q", raw)
			}
			if got, err := h.Date(); err != nil || !got.Equal(date) {
				t.Errorf("Date = %v, %v; want %v", got, err, date)
			}
			if h.Get("Mime-Version") != "1.0" {
				t.Errorf("MIME-Version = %q", h.Get("Mime-Version"))
			}
			replyTo, err := h.AddressList("Reply-To")
			if err != nil || len(replyTo) != 1 || replyTo[0].Address != "ticket+I260416_0213.abc123@reply.ac-creteil.fr" {
				t.Errorf("Reply-To = %v, %v", replyTo, err)
			}
		})

		t.Run("the mail is marked automatic", func(t *testing.T) {
			if got := h.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted = %q", got)
			}
		})

		t.Run("the mail is threaded under the ticket's root id", func(t *testing.T) {
			id, err := h.MessageID()
			if err != nil || id != full.MessageID || !strings.HasSuffix(id, "@ac-creteil.fr") {
				t.Errorf("Message-ID = %q, %v; stored %q", id, err, full.MessageID)
			}
			other, err := db.GetMail(ctx, rows[1].ID)
			if err != nil {
				t.Fatal(err)
			}
			if other.MessageID == full.MessageID {
				t.Error("two mails share a Message-ID")
			}
			for _, key := range []string{"In-Reply-To", "References"} {
				ids, err := h.MsgIDList(key)
				if err != nil || len(ids) != 1 || ids[0] != "ticket-I260416_0213@ac-creteil.fr" {
					t.Errorf("%s = %v, %v", key, ids, err)
				}
			}
			if got := outbox.ThreadRootID("I260416_0213"); got != "ticket-I260416_0213@ac-creteil.fr" {
				t.Errorf("ThreadRootID = %q", got)
			}
		})

		t.Run("the body is multipart alternative text then HTML in UTF-8", func(t *testing.T) {
			mt, _, err := h.ContentType()
			if err != nil || mt != "multipart/alternative" {
				t.Fatalf("Content-Type = %q, %v", mt, err)
			}
			want := []parsedPart{{"text/plain", "utf-8", text}, {"text/html", "utf-8", html}}
			if len(parts) != len(want) {
				t.Fatalf("parts = %+v", parts)
			}
			for i := range want {
				if parts[i] != want[i] {
					t.Errorf("part %d = %+v, want %+v", i, parts[i], want[i])
				}
			}
		})

		t.Run("the stored row keeps the readable content", func(t *testing.T) {
			if full.Subject != subject || full.TextBody != text || full.HTMLBody != html || full.TicketNumber != "I260416_0213" {
				t.Errorf("row = %+v", full)
			}
			if !full.CreatedAt.Equal(date) {
				t.Errorf("CreatedAt = %v", full.CreatedAt)
			}
		})
	})
}

func TestOutboxQueue(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		notified := 0
		outbox := newOutbox(t, db, testMailConfig,
			mail.WithNotify(func() { notified++ }),
			mail.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		msg := mail.Message{
			DedupeKey: "I260101_0001/created", TicketNumber: "I260101_0001",
			To:      []string{"agent@ac-creteil.fr"},
			Subject: "Ticket I260101_0001 : accusé de réception", Text: "Bonjour,\nvotre demande est enregistrée.\n",
		}

		t.Run("queuing the same message twice stores one row", func(t *testing.T) {
			first, err := outbox.Queue(ctx, msg)
			if err != nil || !first {
				t.Fatalf("first Queue = %v, %v", first, err)
			}
			second, err := outbox.Queue(ctx, msg)
			if err != nil || second {
				t.Fatalf("second Queue = %v, %v; want false", second, err)
			}
			_, total, err := db.ListMails(ctx, 10, 0)
			if err != nil || total != 1 {
				t.Fatalf("total = %d, %v; want 1", total, err)
			}
			if notified != 1 {
				t.Errorf("notified %d times, want 1", notified)
			}
		})

		t.Run("a text-only message is a single text part", func(t *testing.T) {
			rows, err := db.ListMailsForTicket(ctx, "I260101_0001")
			if err != nil || len(rows) != 1 {
				t.Fatalf("rows = %v, %v", rows, err)
			}
			full, err := db.GetMail(ctx, rows[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			h, parts := parseRaw(t, full.Raw)
			mt, params, _ := h.ContentType()
			if mt != "text/plain" || params["charset"] != "utf-8" {
				t.Errorf("Content-Type = %s %v", mt, params)
			}
			if len(parts) != 1 || parts[0].body != msg.Text {
				t.Errorf("parts = %+v", parts)
			}
		})

		t.Run("a message without valid recipient queues nothing", func(t *testing.T) {
			m := msg
			m.DedupeKey = "nobody"
			m.To = []string{"", "  ", "@@"}
			queued, err := outbox.Queue(ctx, m)
			if err != nil || queued {
				t.Fatalf("Queue = %v, %v; want false, nil", queued, err)
			}
		})

		t.Run("a message without dedupe key or text is refused", func(t *testing.T) {
			for _, m := range []mail.Message{
				{To: msg.To, Subject: "s", Text: "t"},
				{DedupeKey: "no-text", To: msg.To, Subject: "s"},
			} {
				if _, err := outbox.Queue(ctx, m); err == nil {
					t.Errorf("Queue(%+v) accepted", m)
				}
			}
		})

		t.Run("a bad from address is refused", func(t *testing.T) {
			for _, from := range []string{"", "guichet", "Guichet <>"} {
				o := mail.NewOutbox(db, config.Mail{From: from}, "")
				if o.Err() == nil {
					t.Errorf("NewOutbox(from %q) accepted", from)
				}
				if _, err := o.Queue(ctx, msg); err == nil {
					t.Errorf("Queue with from %q accepted", from)
				}
			}
		})
	})
}

// newOutbox builds an outbox and fails the test on a configuration error.
func newOutbox(t *testing.T, db *store.DB, cfg config.Mail, opts ...mail.OutboxOption) *mail.Outbox {
	t.Helper()
	o := mail.NewOutbox(db, cfg, "https://guichet.test", opts...)
	if err := o.Err(); err != nil {
		t.Fatal(err)
	}
	return o
}

// newSender builds a sender and fails the test on a configuration error.
func newSender(t *testing.T, db *store.DB, cfg config.Mail, opts ...mail.SenderOption) *mail.Sender {
	t.Helper()
	s := mail.NewSender(db, cfg, quietLogger(), opts...)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

func toAddrs(rows []store.Mail) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ToAddr
	}
	return out
}
