package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateRequester adds the requester's personal lists: favourite tickets
// (Mes favoris) and the tickets they looked at (Mon historique).
func migrateRequester(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, m := range []any{(*Favourite)(nil), (*TicketView)(nil)} {
			if _, err := tx.NewCreateTable().Model(m).Exec(ctx); err != nil {
				return fmt.Errorf("create %T: %w", m, err)
			}
		}
		indexes := []struct {
			model any
			name  string
			cols  []string
		}{
			{(*Favourite)(nil), "favourites_person_idx", []string{"person_id", "created_at"}},
			{(*TicketView)(nil), "ticket_views_person_idx", []string{"person_id", "viewed_at"}},
		}
		for _, ix := range indexes {
			if _, err := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Column(ix.cols...).Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}
