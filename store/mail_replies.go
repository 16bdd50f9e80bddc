package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Languages of a person's mails (people.lang).
const (
	LangFrench  = "fr"
	LangEnglish = "en"
)

// MailReply records an incoming reply accepted by the mail listener: the
// attachments stored for it and whether the workflow was signalled. Its key
// is the reply's Message-ID, so a retried delivery finds it again.
type MailReply struct {
	bun.BaseModel `bun:"table:mail_replies"`

	MessageID     string     `bun:"message_id,pk"`
	TicketNumber  string     `bun:"ticket_number,notnull"`
	PersonID      int64      `bun:"person_id,notnull"`
	AttachmentIDs string     `bun:"attachment_ids,notnull,default:'[]'"` // JSON array
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	SignaledAt    *time.Time `bun:"signaled_at"`
}

// IDs returns the attachment IDs of the reply.
func (r *MailReply) IDs() []int64 {
	var ids []int64
	_ = json.Unmarshal([]byte(r.AttachmentIDs), &ids)
	return ids
}

// PersonLang returns the language of a person's mails: "fr" (the default)
// or "en".
func (db *DB) PersonLang(ctx context.Context, personID int64) (string, error) {
	var lang string
	err := db.NewSelect().Table("people").Column("lang").Where("id = ?", personID).Scan(ctx, &lang)
	if err != nil {
		return "", fmt.Errorf("store: language of person %d: %w", personID, notFound(err))
	}
	if lang != LangEnglish {
		lang = LangFrench
	}
	return lang, nil
}

// SetPersonLang sets the language of a person's mails ("fr" or "en").
func (db *DB) SetPersonLang(ctx context.Context, personID int64, lang string) error {
	if lang != LangFrench && lang != LangEnglish {
		return fmt.Errorf("store: language %q: want fr or en", lang)
	}
	res, err := db.NewUpdate().Table("people").Set("lang = ?", lang).Where("id = ?", personID).Exec(ctx)
	return checkMailUpdate(res, err, "set language of person", personID)
}

// PeopleByEmail returns the enabled people whose mail address is addr
// (compared without case).
func (db *DB) PeopleByEmail(ctx context.Context, addr string) ([]Person, error) {
	var ps []Person
	err := db.NewSelect().Model(&ps).
		Where("LOWER(email) = ?", strings.ToLower(strings.TrimSpace(addr))).
		Where("disabled = ?", false).Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: people with address %q: %w", addr, err)
	}
	return ps, nil
}

// FirstTicketMail returns the oldest mail queued about a ticket (the root
// of its mail thread), or a wrapped ErrNotFound.
func (db *DB) FirstTicketMail(ctx context.Context, number string) (*Mail, error) {
	m := new(Mail)
	err := db.NewSelect().Model(m).ExcludeColumn("raw").
		Where("ticket_number = ?", number).OrderExpr("id ASC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: first mail of ticket %s: %w", number, notFound(err))
	}
	return m, nil
}

// RecordMailReply stores, once, an incoming reply and its attachments: in
// one transaction it inserts the attachments (joined to the ticket, not yet
// to an event) and the MailReply row keyed by messageID. If a reply with
// this Message-ID is already recorded it stores nothing and returns the
// existing row (with its attachment IDs), so a delivery retried by the
// sending server never duplicates anything.
func (db *DB) RecordMailReply(ctx context.Context, r MailReply, files []Attachment) (*MailReply, error) {
	if r.MessageID == "" || r.TicketNumber == "" {
		return nil, fmt.Errorf("store: record mail reply: message id and ticket are required")
	}
	out := new(MailReply)
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewSelect().Model(out).Where("message_id = ?", r.MessageID).Scan(ctx)
		if err == nil {
			return nil
		}
		if notFound(err) != ErrNotFound {
			return err
		}
		now := time.Now().UTC()
		ids := []int64{}
		if len(files) > 0 {
			for i := range files {
				files[i].ID = 0
				files[i].TicketNumber = r.TicketNumber
				files[i].EventSeq = 0
				files[i].UploaderID = r.PersonID
				files[i].Size = int64(len(files[i].Data))
				files[i].CreatedAt = now
			}
			if _, err := tx.NewInsert().Model(&files).Exec(ctx); err != nil {
				return fmt.Errorf("insert attachments: %w", err)
			}
			for _, f := range files {
				ids = append(ids, f.ID)
			}
		}
		b, _ := json.Marshal(ids)
		*out = r
		out.AttachmentIDs = string(b)
		out.CreatedAt = now
		out.SignaledAt = nil
		if _, err := tx.NewInsert().Model(out).Exec(ctx); err != nil {
			return fmt.Errorf("insert reply: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: record mail reply %q: %w", r.MessageID, err)
	}
	return out, nil
}

// MarkMailReplySignaled records that the workflow received the reply.
func (db *DB) MarkMailReplySignaled(ctx context.Context, messageID string, at time.Time) error {
	_, err := db.NewUpdate().Model((*MailReply)(nil)).
		Set("signaled_at = COALESCE(signaled_at, ?)", at.UTC()).
		Where("message_id = ?", messageID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: mark mail reply %q signalled: %w", messageID, err)
	}
	return nil
}

// DeleteMailReply removes a recorded reply and the attachments stored for
// it (still unlinked to any event), when the workflow could not take it.
func (db *DB) DeleteMailReply(ctx context.Context, messageID string) error {
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r := new(MailReply)
		if err := tx.NewSelect().Model(r).Where("message_id = ?", messageID).Scan(ctx); err != nil {
			return notFound(err)
		}
		if ids := r.IDs(); len(ids) > 0 {
			if _, err := tx.NewDelete().Model((*Attachment)(nil)).
				Where("id IN (?)", bun.In(ids)).Where("event_seq = 0").Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewDelete().Model((*MailReply)(nil)).Where("message_id = ?", messageID).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete mail reply %q: %w", messageID, err)
	}
	return nil
}
