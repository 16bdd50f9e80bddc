package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateDraftUploads creates the draft_uploads table.
func migrateDraftUploads(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewCreateTable().Model((*DraftUpload)(nil)).Exec(ctx); err != nil {
			return fmt.Errorf("create draft_uploads: %w", err)
		}
		if _, err := tx.NewCreateIndex().Model((*DraftUpload)(nil)).Index("draft_uploads_session_idx").
			Column("session_id", "id").Exec(ctx); err != nil {
			return fmt.Errorf("create index draft_uploads_session_idx: %w", err)
		}
		return nil
	})
}
