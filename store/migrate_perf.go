package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migratePerf adds the indexes the ticket lists and the support queue need
// at a million tickets (docs/BENCHMARKS.md, "Reads at 1,000,000 tickets on
// PostgreSQL"). Each one matches a WHERE and an ORDER BY of a query, so
// the first page is read in index order and stops after its rows instead
// of sorting every open ticket of an académie:
//   - tickets_academy_open_created_idx: the lists of an académie's open
//     tickets, newest (or oldest) first (listTickets, Filter ouverts);
//   - tickets_academy_created_idx: the same for every status (Filter tous
//     and clotures);
//   - tickets_queue_order_idx: the support queue, new tickets first, then
//     by priority and age (SupportQueue); the CASE expression is written
//     exactly as queueOrderExpr so both databases match it.
//
// The statements are portable: partial and expression indexes work on
// SQLite and PostgreSQL alike. They run in the migration's transaction,
// hence plain CREATE INDEX (not CONCURRENTLY).
func migratePerf(ctx context.Context, db *bun.DB) error {
	open := "status IN ('" + StatusNew + "', '" + StatusInProgress + "', '" + StatusWaiting + "', '" + StatusResolved + "')"
	stmts := []struct{ name, sql string }{
		{"tickets_academy_open_created_idx",
			"CREATE INDEX tickets_academy_open_created_idx ON tickets (academy_code, created_at, number) WHERE " + open},
		{"tickets_academy_created_idx",
			"CREATE INDEX tickets_academy_created_idx ON tickets (academy_code, created_at, number)"},
		{"tickets_queue_order_idx",
			"CREATE INDEX tickets_queue_order_idx ON tickets (academy_code, (" + queueOrderExpr + "), priority, created_at, number) WHERE " + open},
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s.sql); err != nil {
				return fmt.Errorf("create index %s: %w", s.name, err)
			}
		}
		return nil
	})
}
