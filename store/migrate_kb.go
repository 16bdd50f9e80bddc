package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// migrateKB creates the knowledge base (kb_articles) and the full-text
// indexes over articles and tickets, French-aware on both databases:
//
//   - PostgreSQL: the unaccent extension, an immutable guichet_unaccent
//     wrapper (for expression indexes), and a text search configuration
//     guichet_french (a copy of french whose word mappings run unaccent then
//     french_stem); a generated tsvector column with a GIN index on
//     kb_articles and on ticket_search.
//   - SQLite: FTS5 external-content tables (unicode61 remove_diacritics 2)
//     over stemmed shadow columns that the store fills in Go (French
//     Snowball stems of the folded words), kept in sync by triggers.
//
// ticket_search holds one row per ticket: the searchable document (number,
// category path, description, solution, public timeline bodies) that
// reindexTicket rebuilds whenever the projection writes the ticket.
func migrateKB(ctx context.Context, db *bun.DB) error {
	pg := db.Dialect().Name() == dialect.PG
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewCreateTable().Model((*Article)(nil)).Exec(ctx); err != nil {
			return fmt.Errorf("create kb_articles: %w", err)
		}
		var stmts []string
		if pg {
			stmts = []string{
				`CREATE EXTENSION IF NOT EXISTS unaccent`,
				`CREATE OR REPLACE FUNCTION guichet_unaccent(text) RETURNS text
					LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
					AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$`,
				`DO $$ BEGIN
					IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'guichet_french') THEN
						CREATE TEXT SEARCH CONFIGURATION guichet_french (COPY = french);
						ALTER TEXT SEARCH CONFIGURATION guichet_french
							ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
					END IF;
				END $$`,
				`ALTER TABLE kb_articles ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
					setweight(to_tsvector('guichet_french', title), 'A') ||
					setweight(to_tsvector('guichet_french', category_path), 'B') ||
					setweight(to_tsvector('guichet_french', body), 'C')) STORED`,
				`CREATE INDEX kb_articles_search_idx ON kb_articles USING GIN (search_tsv)`,
				`CREATE TABLE ticket_search (
					ticket_number VARCHAR PRIMARY KEY REFERENCES tickets (number) ON DELETE CASCADE,
					document TEXT NOT NULL,
					stem TEXT NOT NULL DEFAULT '',
					search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('guichet_french', document)) STORED)`,
				`CREATE INDEX ticket_search_idx ON ticket_search USING GIN (search_tsv)`,
			}
		} else {
			stmts = []string{
				`CREATE VIRTUAL TABLE kb_articles_fts USING fts5(
					stem_title, stem_body, content='kb_articles', content_rowid='id',
					tokenize='unicode61 remove_diacritics 2')`,
				`CREATE TRIGGER kb_articles_fts_ai AFTER INSERT ON kb_articles BEGIN
					INSERT INTO kb_articles_fts (rowid, stem_title, stem_body) VALUES (new.id, new.stem_title, new.stem_body);
				END`,
				`CREATE TRIGGER kb_articles_fts_ad AFTER DELETE ON kb_articles BEGIN
					INSERT INTO kb_articles_fts (kb_articles_fts, rowid, stem_title, stem_body) VALUES ('delete', old.id, old.stem_title, old.stem_body);
				END`,
				`CREATE TRIGGER kb_articles_fts_au AFTER UPDATE OF stem_title, stem_body ON kb_articles BEGIN
					INSERT INTO kb_articles_fts (kb_articles_fts, rowid, stem_title, stem_body) VALUES ('delete', old.id, old.stem_title, old.stem_body);
					INSERT INTO kb_articles_fts (rowid, stem_title, stem_body) VALUES (new.id, new.stem_title, new.stem_body);
				END`,
				// An integer rowid of our own: a table whose primary key is
				// text has a rowid that VACUUM may renumber, which would
				// break an external-content index.
				`CREATE TABLE ticket_search (
					id INTEGER PRIMARY KEY,
					ticket_number VARCHAR NOT NULL UNIQUE REFERENCES tickets (number) ON DELETE CASCADE,
					document TEXT NOT NULL,
					stem TEXT NOT NULL DEFAULT '')`,
				`CREATE VIRTUAL TABLE ticket_search_fts USING fts5(
					stem, content='ticket_search', content_rowid='id',
					tokenize='unicode61 remove_diacritics 2')`,
				`CREATE TRIGGER ticket_search_fts_ai AFTER INSERT ON ticket_search BEGIN
					INSERT INTO ticket_search_fts (rowid, stem) VALUES (new.id, new.stem);
				END`,
				`CREATE TRIGGER ticket_search_fts_ad AFTER DELETE ON ticket_search BEGIN
					INSERT INTO ticket_search_fts (ticket_search_fts, rowid, stem) VALUES ('delete', old.id, old.stem);
				END`,
				`CREATE TRIGGER ticket_search_fts_au AFTER UPDATE OF stem ON ticket_search BEGIN
					INSERT INTO ticket_search_fts (ticket_search_fts, rowid, stem) VALUES ('delete', old.id, old.stem);
					INSERT INTO ticket_search_fts (rowid, stem) VALUES (new.id, new.stem);
				END`,
			}
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("kb schema: %w", err)
			}
		}
		indexes := []struct {
			name string
			cols []string
		}{
			{"kb_articles_academy_idx", []string{"academy_code", "published", "updated_at"}},
			{"kb_articles_shared_idx", []string{"shared", "published", "updated_at"}},
		}
		for _, ix := range indexes {
			if _, err := tx.NewCreateIndex().Model((*Article)(nil)).Index(ix.name).Column(ix.cols...).Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		// Tickets filed before this migration.
		if _, err := reindexAllTickets(ctx, tx); err != nil {
			return err
		}
		return nil
	})
}
