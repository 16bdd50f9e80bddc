package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migratePeopleSearch adds people.name_key, the accent- and case-folded
// "last first" name that SearchPeople matches by prefix, fills it for rows
// already there, indexes it, and lets an académie have at most one intake
// group.
func migratePeopleSearch(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx,
			"ALTER TABLE people ADD COLUMN name_key VARCHAR NOT NULL DEFAULT ''"); err != nil {
			return fmt.Errorf("add people.name_key: %w", err)
		}
		var rows []struct {
			ID        int64  `bun:"id"`
			LastName  string `bun:"last_name"`
			FirstName string `bun:"first_name"`
		}
		if err := tx.NewSelect().Table("people").Column("id", "last_name", "first_name").Scan(ctx, &rows); err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		for _, r := range rows {
			if _, err := tx.NewUpdate().Table("people").Set("name_key = ?", NameKey(r.LastName, r.FirstName)).
				Where("id = ?", r.ID).Exec(ctx); err != nil {
				return fmt.Errorf("fill people.name_key: %w", err)
			}
		}
		if _, err := tx.NewCreateIndex().Table("people").Index("people_name_key_idx").
			Column("academy_code", "name_key").Exec(ctx); err != nil {
			return fmt.Errorf("create index people_name_key_idx: %w", err)
		}
		// A partial unique index: portable to SQLite and PostgreSQL.
		if _, err := tx.ExecContext(ctx,
			`CREATE UNIQUE INDEX groups_intake_idx ON "groups" (academy_code) WHERE intake`); err != nil {
			return fmt.Errorf("create index groups_intake_idx: %w", err)
		}
		return nil
	})
}
