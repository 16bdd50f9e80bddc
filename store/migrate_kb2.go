package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// migrateKBSelfSolved counts the problems an article solved without a
// ticket:
//   - kb_articles.solved_without_ticket: the counter. Article has it as a
//     scan-only field, so the model (which created kb_articles in an
//     earlier migration) never creates nor writes it.
//   - kb_self_solved: one row per person and article counted, so that a
//     reload or a second click never counts the same person twice.
//   - kb_suggestion_views: the suggested articles opened from the
//     new-incident form, per session, so that cancelling the form counts
//     the last one read. Rows go with their session.
func migrateKBSelfSolved(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx,
			"ALTER TABLE kb_articles ADD COLUMN solved_without_ticket INTEGER NOT NULL DEFAULT 0"); err != nil {
			return fmt.Errorf("add kb_articles.solved_without_ticket: %w", err)
		}
		if _, err := tx.NewCreateTable().Model((*SelfSolved)(nil)).
			ForeignKey("(person_id) REFERENCES people (id) ON DELETE CASCADE").
			ForeignKey("(article_id) REFERENCES kb_articles (id) ON DELETE CASCADE").
			Exec(ctx); err != nil {
			return fmt.Errorf("create kb_self_solved: %w", err)
		}
		if _, err := tx.NewCreateTable().Model((*suggestionView)(nil)).
			ForeignKey("(session_id) REFERENCES sessions (id) ON DELETE CASCADE").
			ForeignKey("(article_id) REFERENCES kb_articles (id) ON DELETE CASCADE").
			Exec(ctx); err != nil {
			return fmt.Errorf("create kb_suggestion_views: %w", err)
		}
		if _, err := tx.NewCreateIndex().Model((*SelfSolved)(nil)).Index("kb_self_solved_article_idx").
			Column("article_id", "created_at").Exec(ctx); err != nil {
			return fmt.Errorf("create index kb_self_solved_article_idx: %w", err)
		}
		return nil
	})
}
