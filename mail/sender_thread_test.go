package mail_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

func TestTemplatedMailsGoThroughTheRelayThreadedAndWithStableIDs(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := startRelay(t, nil, false, "", "")
		outbox := newOutbox(t, db, testMailConfig, mail.WithLogger(quietLogger()))
		const to = "Agnès Dupont <agnes.dupont@ac-creteil.fr>"
		d := goldenData()
		queue := func(key, kind, lang string) mail.Rendered {
			t.Helper()
			out, err := outbox.Render(kind, lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := outbox.Queue(ctx, mail.Message{DedupeKey: key, TicketNumber: d.Number, To: []string{to},
				Subject: out.Subject, Text: out.Text, HTML: out.HTML,
				ReplyTo: "ticket+I260416_0213.abcdefabcdefabcd@reponse.ac-creteil.fr"}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		created := queue("I260416_0213:1:created", workflows.MailCreated, mail.LangFrench)
		resolved := queue("I260416_0213:9:resolved", workflows.MailResolved, mail.LangEnglish)
		// A retried activity queues the same notification again: nothing new.
		queue("I260416_0213:1:created", workflows.MailCreated, mail.LangFrench)

		sender := newSender(t, db, relayConfig(r, mail.TLSNone, "", ""))
		if n, err := sender.Flush(ctx); err != nil || n != 2 {
			t.Fatalf("Flush = %d, %v; want 2", n, err)
		}
		first, second := r.next(t), r.next(t)
		r.none(t)
		h1, p1 := parseRaw(t, first.data)
		h2, p2 := parseRaw(t, second.data)
		id1, _ := h1.MessageID()
		id2, _ := h2.MessageID()

		t.Run("the subject is RFC 2047 encoded UTF-8 and decodes to the ticket's subject", func(t *testing.T) {
			if !regexp.MustCompile(`(?m)^Subject: =\?(?i:utf-8)\?`).Match(first.data) {
				t.Errorf("raw subject is not encoded:\n%s", first.data[:400])
			}
			if got, _ := h1.Subject(); got != created.Subject || !strings.Contains(got, d.Number) {
				t.Errorf("subject %q", got)
			}
			if got, _ := h2.Subject(); got != resolved.Subject {
				t.Errorf("subject %q", got)
			}
		})

		t.Run("the message is 7-bit, automatic, with text and HTML parts in UTF-8", func(t *testing.T) {
			for _, raw := range [][]byte{first.data, second.data} {
				for _, c := range raw {
					if c > 127 {
						t.Fatal("8-bit byte in the message")
					}
				}
				if !bytes.Contains(raw, []byte("Content-Transfer-Encoding: quoted-printable")) &&
					!bytes.Contains(raw, []byte("Content-Transfer-Encoding: base64")) {
					t.Error("parts are not transfer-encoded")
				}
			}
			if h1.Get("Auto-Submitted") != "auto-generated" {
				t.Error("not marked automatic")
			}
			if mt, _, _ := h1.ContentType(); mt != "multipart/alternative" {
				t.Errorf("content type %q", mt)
			}
			if len(p2) != 2 || p2[0].mediaType != "text/plain" || p2[1].mediaType != "text/html" || p2[0].charset != "utf-8" {
				t.Fatalf("parts %+v", p2)
			}
			if p1[0].body != created.Text || p2[0].body != resolved.Text || p2[1].body != resolved.HTML {
				t.Error("bodies differ from the rendered templates")
			}
			if !strings.Contains(p2[0].body, d.ValidationURL) || !strings.Contains(p2[0].body, d.Deadline) {
				t.Error("resolution mail lacks its validation link or deadline")
			}
		})

		t.Run("the Message-ID is derived from the event and the recipient", func(t *testing.T) {
			if !regexp.MustCompile(`^I260416_0213\.1\.created\.[0-9a-f]{12}@ac-creteil\.fr$`).MatchString(id1) {
				t.Errorf("Message-ID %q", id1)
			}
			if want := outbox.MessageID("I260416_0213:9:resolved", "AGNES.DUPONT@ac-creteil.fr"); id2 != want {
				t.Errorf("Message-ID %q, want %q", id2, want)
			}
			if got, _ := h1.AddressList("Reply-To"); len(got) != 1 || !strings.HasPrefix(got[0].Address, "ticket+I260416_0213.") {
				t.Errorf("Reply-To %v", got)
			}
		})

		t.Run("every mail of the ticket references its first mail", func(t *testing.T) {
			root := outbox.ThreadRootID(d.Number)
			refs1, _ := h1.MsgIDList("References")
			refs2, _ := h2.MsgIDList("References")
			irt2, _ := h2.MsgIDList("In-Reply-To")
			if len(refs1) != 1 || refs1[0] != root {
				t.Errorf("first mail References %v", refs1)
			}
			if len(refs2) != 2 || refs2[0] != root || refs2[1] != id1 || len(irt2) != 1 || irt2[0] != id1 {
				t.Errorf("second mail References %v In-Reply-To %v; first is %s", refs2, irt2, id1)
			}
		})

		t.Run("a mail composed again after its row is lost keeps its Message-ID", func(t *testing.T) {
			if _, err := db.NewDelete().Model((*store.Mail)(nil)).Where("message_id = ?", id2).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			queue("I260416_0213:9:resolved", workflows.MailResolved, mail.LangEnglish)
			if n, err := sender.Flush(ctx); err != nil || n != 1 {
				t.Fatalf("Flush = %d, %v", n, err)
			}
			h, _ := parseRaw(t, r.next(t).data)
			if id, _ := h.MessageID(); id != id2 {
				t.Errorf("Message-ID %q, first sent as %q", id, id2)
			}
		})
	})
}
