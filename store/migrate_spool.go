package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateSpool adds tickets.submission_id: the ID of the spooled submission
// a ticket was created from (NULL for direct ones), unique so that a
// submission replayed after a crash never makes a second ticket.
func migrateSpool(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE tickets ADD COLUMN submission_id VARCHAR(64)"); err != nil {
			return fmt.Errorf("add tickets.submission_id: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			"CREATE UNIQUE INDEX tickets_submission_idx ON tickets (submission_id)"); err != nil {
			return fmt.Errorf("create index tickets_submission_idx: %w", err)
		}
		return nil
	})
}
