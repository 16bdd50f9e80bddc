package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateReads adds the indexes of a person's own tickets in one académie
// (the REST API's scope=mine list), read as two halves by partyScopes
// (docs/BENCHMARKS.md, "Reads at 1,000,000 tickets on PostgreSQL"):
//   - tickets_requester_academy_idx: the tickets a person filed in an
//     académie, in filing order; a page, and the count up to CountCap,
//     read only the index's entries of that person and académie;
//   - tickets_beneficiary_other_idx: the tickets filed for a person by
//     someone else, the other half (partial: most tickets are filed by
//     their beneficiary, and those are in the first half already).
//
// The lists over every académie (Suivi des incidents) read the older
// tickets_requester_idx and tickets_beneficiary_idx the same way. Partial
// indexes work on SQLite and PostgreSQL alike; the statements run in the
// migration's transaction, hence plain CREATE INDEX.
func migrateReads(ctx context.Context, db *bun.DB) error {
	stmts := []struct{ name, sql string }{
		{"tickets_requester_academy_idx",
			"CREATE INDEX tickets_requester_academy_idx ON tickets (requester_id, academy_code, created_at, number)"},
		{"tickets_beneficiary_other_idx",
			"CREATE INDEX tickets_beneficiary_other_idx ON tickets (beneficiary_id, academy_code, created_at, number) WHERE beneficiary_id <> requester_id"},
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
