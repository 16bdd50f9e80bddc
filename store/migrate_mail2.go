package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateMailReplies adds what mail notifications and replies need:
//   - people.lang: the language of a person's mails ("fr" or "en", default
//     "fr"). It is not a field of the Person model: only the queries of
//     mail_replies.go read and write it.
//   - mail_replies: one row per incoming reply accepted by the SMTP
//     listener, keyed by its Message-ID, with the attachments stored for it,
//     so a reply retried by the sending server never stores its attachments
//     twice nor reaches the workflow twice.
func migrateMailReplies(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE people ADD COLUMN lang VARCHAR(8) NOT NULL DEFAULT 'fr'"); err != nil {
			return fmt.Errorf("add people.lang: %w", err)
		}
		if _, err := tx.NewCreateTable().Model((*MailReply)(nil)).Exec(ctx); err != nil {
			return fmt.Errorf("create mail_replies: %w", err)
		}
		return nil
	})
}
