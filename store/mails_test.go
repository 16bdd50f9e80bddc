package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// newMail returns a valid outbox row for tests.
func newMail(key, ticket string) *store.Mail {
	return &store.Mail{
		DedupeKey:    key,
		TicketNumber: ticket,
		ToAddr:       "agent@ac-test.fr",
		Subject:      "Ticket " + ticket + " : accusé de réception",
		TextBody:     "Bonjour,\nvotre demande est enregistrée.",
		HTMLBody:     "<p>Bonjour,</p>",
		MessageID:    key + "@guichet.test",
		Raw:          []byte("Subject: test\r\n\r\nbody\r\n"),
	}
}

func TestMails(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()

		t.Run("a mail is queued once per dedupe key", func(t *testing.T) {
			first := newMail("dedupe/1", "I260101_0001")
			queued, err := db.QueueMail(ctx, first)
			if err != nil || !queued || first.ID == 0 {
				t.Fatalf("first queue = %v, id %d, %v", queued, first.ID, err)
			}
			again := newMail("dedupe/1", "I260101_0001")
			again.Subject = "changed"
			queued, err = db.QueueMail(ctx, again)
			if err != nil || queued {
				t.Fatalf("second queue = %v, %v; want false, nil", queued, err)
			}
			got, err := db.GetMail(ctx, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subject != first.Subject || string(got.Raw) != string(first.Raw) {
				t.Errorf("stored mail changed by the duplicate: %+v", got)
			}
		})

		t.Run("a mail without dedupe key is refused", func(t *testing.T) {
			if _, err := db.QueueMail(ctx, newMail("", "")); err == nil {
				t.Fatal("queued a mail without dedupe key")
			}
		})

		t.Run("an unknown mail is not found", func(t *testing.T) {
			_, err := db.GetMail(ctx, 987654)
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetMail(unknown) = %v, want ErrNotFound", err)
			}
			for name, fn := range map[string]func() error{
				"MarkSent":     func() error { return db.MarkSent(ctx, 987654, time.Now()) },
				"MarkCaptured": func() error { return db.MarkCaptured(ctx, 987654, time.Now()) },
				"MarkFailed":   func() error { return db.MarkFailed(ctx, 987654, "x") },
				"RetryMail":    func() error { return db.RetryMail(ctx, 987654) },
			} {
				if err := fn(); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s(unknown) = %v, want ErrNotFound", name, err)
				}
			}
		})

		t.Run("lists are paged newest first and per ticket oldest first", func(t *testing.T) {
			var ids []int64
			for i := range 5 {
				m := newMail(fmt.Sprintf("list/%d", i), "I260102_0002")
				if i == 4 {
					m.TicketNumber = "I260102_0003"
				}
				if _, err := db.QueueMail(ctx, m); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
			}
			page, total, err := db.ListMails(ctx, 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != 6 { // five here and one from the dedupe subtest
				t.Errorf("total = %d, want 6", total)
			}
			if len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[3] {
				t.Fatalf("first page = %v, want ids %d, %d", mailIDs(page), ids[4], ids[3])
			}
			if page[0].Raw != nil {
				t.Error("list returned the raw message")
			}
			page, _, err = db.ListMails(ctx, 2, 2)
			if err != nil || len(page) != 2 || page[0].ID != ids[2] {
				t.Fatalf("second page = %v, %v", mailIDs(page), err)
			}
			forTicket, err := db.ListMailsForTicket(ctx, "I260102_0002")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mailIDs(forTicket), fmt.Sprint(ids[:4]); got != want {
				t.Errorf("ticket mails = %s, want %s", got, want)
			}
		})

		t.Run("delivery claims, fails with backoff, retries and is sent once", func(t *testing.T) {
			m := newMail("deliver/1", "I260103_0001")
			if _, err := db.QueueMail(ctx, m); err != nil {
				t.Fatal(err)
			}
			if !containsMail(t, db, m.ID) {
				t.Fatal("a new mail is not due")
			}
			claimed, err := db.ClaimMail(ctx, m.ID, time.Now().Add(time.Hour))
			if err != nil || !claimed {
				t.Fatalf("claim = %v, %v", claimed, err)
			}
			if claimed, _ := db.ClaimMail(ctx, m.ID, time.Now().Add(time.Hour)); claimed {
				t.Fatal("a claimed mail was claimed twice")
			}
			if containsMail(t, db, m.ID) {
				t.Fatal("a claimed mail is still due")
			}
			long := strings.Repeat("é", 2000)
			if err := db.MarkFailed(ctx, m.ID, long); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetMail(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Attempts != 1 || got.SentAt != nil || len(got.LastError) > 1010 || !strings.HasPrefix(got.LastError, "éé") {
				t.Fatalf("after failure: attempts %d, sent %v, error of %d bytes", got.Attempts, got.SentAt, len(got.LastError))
			}
			if containsMail(t, db, m.ID) {
				t.Fatal("a failed mail is due before its backoff ends")
			}
			if err := db.RetryMail(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			if !containsMail(t, db, m.ID) {
				t.Fatal("a mail sent again is not due")
			}
			at := time.Date(2026, 1, 3, 9, 30, 0, 0, time.UTC)
			if err := db.MarkSent(ctx, m.ID, at); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkSent(ctx, m.ID, at.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, err = db.GetMail(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SentAt == nil || !got.SentAt.Equal(at) || got.LastError != "" || got.Captured() {
				t.Fatalf("after sending: sent %v, error %q, captured %v", got.SentAt, got.LastError, got.Captured())
			}
			if containsMail(t, db, m.ID) {
				t.Fatal("a sent mail is still due")
			}
			if claimed, _ := db.ClaimMail(ctx, m.ID, time.Now().Add(time.Hour)); claimed {
				t.Fatal("a sent mail was claimed")
			}
			if err := db.RetryMail(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("retry of a sent mail = %v, want ErrNotFound", err)
			}
		})

		t.Run("an expired claim makes the mail due again", func(t *testing.T) {
			m := newMail("deliver/2", "")
			if _, err := db.QueueMail(ctx, m); err != nil {
				t.Fatal(err)
			}
			if claimed, err := db.ClaimMail(ctx, m.ID, time.Now().Add(-time.Second)); err != nil || !claimed {
				t.Fatalf("claim = %v, %v", claimed, err)
			}
			if !containsMail(t, db, m.ID) {
				t.Fatal("a mail whose claim expired is not due")
			}
		})

		t.Run("a captured mail is sent without any attempt", func(t *testing.T) {
			m := newMail("capture/1", "")
			if _, err := db.QueueMail(ctx, m); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkCaptured(ctx, m.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetMail(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Captured() || got.Attempts != 0 {
				t.Fatalf("captured = %v, attempts %d", got.Captured(), got.Attempts)
			}
			if containsMail(t, db, m.ID) {
				t.Fatal("a captured mail is still due")
			}
		})
	})
}

// containsMail reports whether NextUnsent returns the mail id.
func containsMail(t *testing.T, db *store.DB, id int64) bool {
	t.Helper()
	mails, err := db.NextUnsent(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.ID == id {
			return true
		}
	}
	return false
}

func mailIDs(mails []store.Mail) string {
	ids := make([]int64, len(mails))
	for i, m := range mails {
		ids[i] = m.ID
	}
	return fmt.Sprint(ids)
}
