package store

import (
	"context"
	"fmt"
)

// InsertArticles stores many articles in one statement (benchmark seeding,
// imports), filling their shadow columns and dates as CreateArticle does;
// each article's ID is set. Counters are kept as given.
func (db *DB) InsertArticles(ctx context.Context, as []Article) error {
	if len(as) == 0 {
		return nil
	}
	for i := range as {
		a := &as[i]
		if err := prepareArticle(db.DB, a); err != nil {
			return fmt.Errorf("store: insert articles: %q: %w", a.Title, err)
		}
		if a.CreatedAt.IsZero() {
			return fmt.Errorf("store: insert articles: %q has no creation date", a.Title)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = a.CreatedAt
		}
		a.UpdatedAt = a.UpdatedAt.UTC()
		a.ID = 0
	}
	// The columns are named: without them bun, on SQLite (no DEFAULT
	// placeholder), leaves out of the whole batch every defaulted column
	// whose value is zero in the first row (a first draft would make every
	// article a draft).
	if _, err := db.NewInsert().Model(&as).
		Column("academy_code", "shared", "title", "body", "category_id", "category_path", "author_id",
			"source_ticket", "published", "solved_count", "created_at", "updated_at", "stem_title", "stem_body").
		Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert articles: %w", err)
	}
	return nil
}
