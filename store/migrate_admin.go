package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// migrateAdmin adds what the supervisors' management screens need:
//   - news: a draft flag, an expiry date and a last-change date (the News
//     model of models.go keeps its fields; NewsItem in admin.go maps them all);
//   - audit_log: who changed what, when, in which académie;
//   - academy_hours and academy_holidays: opening hours and extra closed
//     days per académie, overriding the configuration.
func migrateAdmin(ctx context.Context, db *bun.DB) error {
	ts := "TIMESTAMP"
	if db.Dialect().Name() == dialect.PG {
		ts = "TIMESTAMPTZ"
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, stmt := range []string{
			"ALTER TABLE news ADD COLUMN expires_at " + ts,
			"ALTER TABLE news ADD COLUMN draft BOOLEAN NOT NULL DEFAULT FALSE",
			"ALTER TABLE news ADD COLUMN updated_at " + ts,
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		for _, m := range []any{(*AuditEntry)(nil), (*AcademyHours)(nil), (*Holiday)(nil)} {
			if _, err := tx.NewCreateTable().Model(m).Exec(ctx); err != nil {
				return fmt.Errorf("create %T: %w", m, err)
			}
		}
		if _, err := tx.NewCreateIndex().Model((*AuditEntry)(nil)).Index("audit_log_academy_idx").
			Column("academy_code", "at").Exec(ctx); err != nil {
			return fmt.Errorf("create index audit_log_academy_idx: %w", err)
		}
		return nil
	})
}
