package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// migrateIdentity adds what sign-in and the directory need: TOTP secrets,
// sign-in failures (rate limiting shared by every web process), pending
// second-factor challenges, directory synchronisation runs, and on people
// the source that last fed them and when it last saw them (so a sync can
// disable the people gone from the directory).
func migrateIdentity(ctx context.Context, db *bun.DB) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, m := range []any{(*TOTPSecret)(nil), (*SignInFailure)(nil), (*SignInChallenge)(nil), (*DirectoryRun)(nil)} {
			if _, err := tx.NewCreateTable().Model(m).Exec(ctx); err != nil {
				return fmt.Errorf("create %T: %w", m, err)
			}
		}
		for _, stmt := range []string{
			"ALTER TABLE people ADD COLUMN directory_source VARCHAR NOT NULL DEFAULT ''",
			"ALTER TABLE people ADD COLUMN directory_seen_at TIMESTAMP",
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
		// The directory search matches name words by prefix through a
		// full-text index: GIN on PostgreSQL, FTS5 (kept by triggers) on
		// SQLite. A b-tree on name_key cannot serve "any word starts with".
		var stmts []string
		if db.Dialect().Name() == dialect.PG {
			stmts = []string{`CREATE INDEX people_name_words_idx ON people USING GIN (to_tsvector('simple', name_key))`}
		} else {
			stmts = []string{
				`CREATE VIRTUAL TABLE people_fts USING fts5(name_key, content='people', content_rowid='id', prefix='1 2 3 4')`,
				`INSERT INTO people_fts (people_fts) VALUES ('rebuild')`,
				`CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN
					INSERT INTO people_fts (rowid, name_key) VALUES (new.id, new.name_key);
				END`,
				`CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN
					INSERT INTO people_fts (people_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
				END`,
				`CREATE TRIGGER people_fts_au AFTER UPDATE OF name_key ON people BEGIN
					INSERT INTO people_fts (people_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
					INSERT INTO people_fts (rowid, name_key) VALUES (new.id, new.name_key);
				END`,
			}
		}
		for _, stmt := range stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("people name index: %w", err)
			}
		}
		indexes := []struct {
			model any
			name  string
			cols  []string
		}{
			{(*SignInFailure)(nil), "signin_failures_subject_idx", []string{"scope", "subject", "at"}},
			{(*SignInFailure)(nil), "signin_failures_at_idx", []string{"at"}},
			{(*SignInChallenge)(nil), "signin_challenges_expires_idx", []string{"expires_at"}},
			{(*DirectoryRun)(nil), "directory_runs_started_idx", []string{"started_at"}},
			{(*Person)(nil), "people_directory_idx", []string{"academy_code", "directory_source", "directory_seen_at"}},
		}
		for _, ix := range indexes {
			if _, err := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Column(ix.cols...).Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	})
}
