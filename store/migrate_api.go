package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateAPI adds the REST API's tokens (hashed at rest) and the webhooks:
// subscriptions of an académie's administrators and the delivery log (one
// row per subscription and ticket event, so a retried projection never
// queues a delivery twice).
func migrateAPI(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, m := range []any{(*APIToken)(nil), (*WebhookSubscription)(nil), (*WebhookDelivery)(nil)} {
			if _, err := tx.NewCreateTable().Model(m).Exec(ctx); err != nil {
				return fmt.Errorf("create %T: %w", m, err)
			}
		}
		indexes := []struct {
			model  any
			name   string
			unique bool
			cols   []string
		}{
			{(*APIToken)(nil), "api_tokens_person_idx", false, []string{"person_id"}},
			{(*WebhookSubscription)(nil), "webhook_subscriptions_academy_idx", false, []string{"academy_code"}},
			{(*WebhookDelivery)(nil), "webhook_deliveries_once_idx", true, []string{"subscription_id", "ticket_number", "seq"}},
			{(*WebhookDelivery)(nil), "webhook_deliveries_academy_idx", false, []string{"academy_code", "created_at"}},
		}
		for _, ix := range indexes {
			q := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Column(ix.cols...)
			if ix.unique {
				q = q.Unique()
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}
