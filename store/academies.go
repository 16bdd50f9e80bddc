package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// UpsertAcademy creates the académie or updates its name and logo.
func (db *DB) UpsertAcademy(ctx context.Context, a *Academy) error {
	return UpsertAcademies(ctx, db.DB, []Academy{*a})
}

// UpsertAcademies is UpsertAcademy for several académies through db, which
// may be a transaction.
func UpsertAcademies(ctx context.Context, db bun.IDB, academies []Academy) error {
	if len(academies) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for i := range academies {
		a := &academies[i]
		if a.Code == "" || a.Name == "" {
			return fmt.Errorf("store: upsert académie %q: code and name are required", a.Code)
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
	}
	// Columns listed so a zero logo in the first row does not drop the
	// column for the others (bun on SQLite, see InsertPeople).
	_, err := db.NewInsert().Model(&academies).Column("code", "name", "logo", "created_at").
		On("CONFLICT (code) DO UPDATE").
		Set("name = EXCLUDED.name").
		Set("logo = EXCLUDED.logo").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: upsert %d académies: %w", len(academies), err)
	}
	return nil
}

// ListAcademies returns every académie, ordered by name.
func (db *DB) ListAcademies(ctx context.Context) ([]Academy, error) {
	var as []Academy
	if err := db.NewSelect().Model(&as).Order("name", "code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: list académies: %w", err)
	}
	return as, nil
}

// GetAcademy returns the académie with this code, or an error wrapping
// ErrNotFound.
func (db *DB) GetAcademy(ctx context.Context, code string) (*Academy, error) {
	a := new(Academy)
	if err := db.NewSelect().Model(a).Where("code = ?", code).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: académie %q: %w", code, notFound(err))
	}
	return a, nil
}
