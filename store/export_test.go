package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/migrate"
)

// PendingMigrations lists the migrations this code would run on db: the
// ones whose name its migration table does not record as applied.
func PendingMigrations(ctx context.Context, db *DB) ([]string, error) {
	m := migrate.NewMigrator(db.DB, migrations())
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("store: init migrations: %w", err)
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	var names []string
	for _, m := range ms.Unapplied() {
		names = append(names, m.Name)
	}
	return names, nil
}
