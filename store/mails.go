package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
	"unicode/utf8"
)

// maxMailErrorLen bounds the stored text of a delivery error.
const maxMailErrorLen = 1000

// Captured reports whether the mail was kept by the built-in mailbox
// without going through an SMTP relay: it is marked sent but no delivery
// attempt was ever made (see MarkCaptured).
func (m *Mail) Captured() bool { return m.SentAt != nil && m.Attempts == 0 }

// QueueMail inserts m into the outbox. It returns false, and leaves m.ID
// zero, when a mail with the same DedupeKey is already there: a retried
// activity never queues a mail twice. CreatedAt defaults to now.
func (db *DB) QueueMail(ctx context.Context, m *Mail) (bool, error) {
	if m.DedupeKey == "" {
		return false, fmt.Errorf("store: queue mail: empty dedupe key")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	res, err := db.NewInsert().Model(m).On("CONFLICT (dedupe_key) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: queue mail %q: %w", m.DedupeKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: queue mail %q: %w", m.DedupeKey, err)
	}
	return n == 1, nil
}

// ListMails returns one page of the outbox, newest first, without the raw
// message (use GetMail for it), and the total number of mails.
func (db *DB) ListMails(ctx context.Context, limit, offset int) ([]Mail, int, error) {
	var mails []Mail
	total, err := db.NewSelect().Model(&mails).ExcludeColumn("raw").
		OrderExpr("id DESC").Limit(limit).Offset(offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list mails: %w", err)
	}
	return mails, total, nil
}

// ListMailsForTicket returns every mail about a ticket, oldest first,
// without the raw message.
func (db *DB) ListMailsForTicket(ctx context.Context, number string) ([]Mail, error) {
	var mails []Mail
	err := db.NewSelect().Model(&mails).ExcludeColumn("raw").
		Where("ticket_number = ?", number).OrderExpr("id ASC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list mails of ticket %s: %w", number, err)
	}
	return mails, nil
}

// GetMail returns one mail with its raw message, or a wrapped ErrNotFound.
func (db *DB) GetMail(ctx context.Context, id int64) (*Mail, error) {
	m := new(Mail)
	if err := db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: mail %d: %w", id, notFound(err))
	}
	return m, nil
}

// NextUnsent returns up to limit unsent mails that are due now, oldest
// first: neither claimed by a sender (ClaimMail) nor waiting out the backoff
// of a failed attempt.
func (db *DB) NextUnsent(ctx context.Context, limit int) ([]Mail, error) {
	var mails []Mail
	err := db.NewSelect().Model(&mails).
		Where("sent_at IS NULL").
		Where("(not_before IS NULL OR not_before <= ?)", time.Now().UTC()).
		OrderExpr("id ASC").Limit(limit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: next unsent mails: %w", err)
	}
	return mails, nil
}

// ClaimMail reserves an unsent, due mail for one sender until the given
// instant, so that several sender processes never deliver the same mail.
// It returns false when the mail is already sent or claimed. A claim that is
// not followed by MarkSent simply expires: after a failed attempt it is the
// retry backoff, after a crash the mail is picked up again.
func (db *DB) ClaimMail(ctx context.Context, id int64, until time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*Mail)(nil)).
		Set("not_before = ?", until.UTC()).
		Where("id = ?", id).
		Where("sent_at IS NULL").
		Where("(not_before IS NULL OR not_before <= ?)", time.Now().UTC()).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: claim mail %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim mail %d: %w", id, err)
	}
	return n == 1, nil
}

// RetryMail makes an unsent mail due at once, cancelling its backoff (an
// administrator's "send again"). It returns a wrapped ErrNotFound when no
// unsent mail has this id.
func (db *DB) RetryMail(ctx context.Context, id int64) error {
	res, err := db.NewUpdate().Model((*Mail)(nil)).
		Set("not_before = NULL").
		Where("id = ?", id).Where("sent_at IS NULL").
		Exec(ctx)
	return checkMailUpdate(res, err, "retry", id)
}

// MarkSent records that the relay accepted the mail at the given instant,
// counting that delivery attempt. Marking a sent mail again keeps its first
// sent time.
func (db *DB) MarkSent(ctx context.Context, id int64, at time.Time) error {
	res, err := db.NewUpdate().Model((*Mail)(nil)).
		Set("sent_at = COALESCE(sent_at, ?)", at.UTC()).
		Set("attempts = attempts + 1").
		Set("last_error = ''").
		Where("id = ?", id).
		Exec(ctx)
	return checkMailUpdate(res, err, "mark sent", id)
}

// MarkCaptured records that the built-in mailbox kept the mail at the given
// instant without any relay: the mail counts as sent and Captured reports
// true.
func (db *DB) MarkCaptured(ctx context.Context, id int64, at time.Time) error {
	res, err := db.NewUpdate().Model((*Mail)(nil)).
		Set("sent_at = COALESCE(sent_at, ?)", at.UTC()).
		Where("id = ?", id).
		Exec(ctx)
	return checkMailUpdate(res, err, "mark captured", id)
}

// MarkFailed records a failed delivery attempt: it increments attempts and
// keeps errText (shortened) as the last error. The mail stays unsent.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string) error {
	if len(errText) > maxMailErrorLen {
		cut := maxMailErrorLen
		for cut > 0 && !utf8.RuneStart(errText[cut]) {
			cut--
		}
		errText = errText[:cut] + "…"
	}
	res, err := db.NewUpdate().Model((*Mail)(nil)).
		Set("attempts = attempts + 1").
		Set("last_error = ?", errText).
		Where("id = ?", id).
		Exec(ctx)
	return checkMailUpdate(res, err, "mark failed", id)
}

// checkMailUpdate turns the result of an update of one mail into an error,
// ErrNotFound (wrapped) when no row matched.
func checkMailUpdate(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return fmt.Errorf("store: %s mail %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s mail %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s mail %d: %w", what, id, ErrNotFound)
	}
	return nil
}
