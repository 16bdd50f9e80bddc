package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// migrateMailDelivery adds what the outbox sender needs beyond the initial
// mails table:
//   - not_before: a row is not picked up before this instant. The sender
//     claims a row by pushing not_before into the future (a lease, so two
//     worker processes never send the same mail), and a failed attempt leaves
//     it there as the retry backoff. The column is deliberately not a field of
//     the Mail model: only the delivery queries in mails.go use it.
//   - an index to list a ticket's mails.
func migrateMailDelivery(ctx context.Context, db *bun.DB) error {
	colType := "TIMESTAMP"
	if db.Dialect().Name() == dialect.PG {
		colType = "TIMESTAMPTZ"
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE mails ADD COLUMN not_before "+colType); err != nil {
			return fmt.Errorf("add mails.not_before: %w", err)
		}
		if _, err := tx.NewCreateIndex().Model((*Mail)(nil)).Index("mails_ticket_idx").
			Column("ticket_number", "id").Exec(ctx); err != nil {
			return fmt.Errorf("create index mails_ticket_idx: %w", err)
		}
		return nil
	})
}
