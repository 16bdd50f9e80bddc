package store

// knowledgeBaseFullTextSearch creates the knowledge base (kb_articles) and
// the full-text indexes over articles and tickets, French-aware on both
// databases:
//   - PostgreSQL: the unaccent extension, an immutable guichet_unaccent
//     wrapper (for expression indexes), and a text search configuration
//     guichet_french (a copy of french whose word mappings run unaccent then
//     french_stem); a generated tsvector column with a GIN index on
//     kb_articles and on ticket_search.
//   - SQLite: FTS5 external-content tables (unicode61 remove_diacritics 2)
//     over stemmed shadow columns that the store fills in Go (French Snowball
//     stems of the folded words), kept in sync by triggers. ticket_search has
//     an integer rowid of its own: a table whose primary key is text has a
//     rowid that VACUUM may renumber, which would break an external-content
//     index.
//
// ticket_search holds one row per ticket: the searchable document (number,
// category path, description, solution, public timeline bodies) that
// reindexTicket rebuilds whenever the projection writes the ticket.
var knowledgeBaseFullTextSearch = []step{
	typed(`CREATE TABLE "kb_articles" (
			{ID},
			"academy_code" VARCHAR NOT NULL,
			"shared" BOOLEAN NOT NULL DEFAULT false,
			"title" VARCHAR NOT NULL,
			"body" VARCHAR NOT NULL,
			"category_id" {INT},
			"category_path" VARCHAR NOT NULL DEFAULT '',
			"author_id" {INT},
			"source_ticket" VARCHAR NOT NULL DEFAULT '',
			"published" BOOLEAN NOT NULL DEFAULT false,
			"solved_count" {INT} NOT NULL DEFAULT 0,
			"created_at" {TIME} NOT NULL,
			"updated_at" {TIME} NOT NULL,
			"stem_title" VARCHAR NOT NULL DEFAULT '',
			"stem_body" VARCHAR NOT NULL DEFAULT ''{PK_ID})`),
	sqliteOnly(`CREATE VIRTUAL TABLE kb_articles_fts USING fts5(
		stem_title, stem_body, content='kb_articles', content_rowid='id',
		tokenize='unicode61 remove_diacritics 2')`),
	sqliteOnly(`CREATE TRIGGER kb_articles_fts_ai AFTER INSERT ON kb_articles BEGIN
		INSERT INTO kb_articles_fts (rowid, stem_title, stem_body) VALUES (new.id, new.stem_title, new.stem_body);
	END`),
	sqliteOnly(`CREATE TRIGGER kb_articles_fts_ad AFTER DELETE ON kb_articles BEGIN
		INSERT INTO kb_articles_fts (kb_articles_fts, rowid, stem_title, stem_body) VALUES ('delete', old.id, old.stem_title, old.stem_body);
	END`),
	sqliteOnly(`CREATE TRIGGER kb_articles_fts_au AFTER UPDATE OF stem_title, stem_body ON kb_articles BEGIN
		INSERT INTO kb_articles_fts (kb_articles_fts, rowid, stem_title, stem_body) VALUES ('delete', old.id, old.stem_title, old.stem_body);
		INSERT INTO kb_articles_fts (rowid, stem_title, stem_body) VALUES (new.id, new.stem_title, new.stem_body);
	END`),
	sqliteOnly(`CREATE TABLE ticket_search (
		id INTEGER PRIMARY KEY,
		ticket_number VARCHAR NOT NULL UNIQUE REFERENCES tickets (number) ON DELETE CASCADE,
		document TEXT NOT NULL,
		stem TEXT NOT NULL DEFAULT '')`),
	sqliteOnly(`CREATE VIRTUAL TABLE ticket_search_fts USING fts5(
		stem, content='ticket_search', content_rowid='id',
		tokenize='unicode61 remove_diacritics 2')`),
	sqliteOnly(`CREATE TRIGGER ticket_search_fts_ai AFTER INSERT ON ticket_search BEGIN
		INSERT INTO ticket_search_fts (rowid, stem) VALUES (new.id, new.stem);
	END`),
	sqliteOnly(`CREATE TRIGGER ticket_search_fts_ad AFTER DELETE ON ticket_search BEGIN
		INSERT INTO ticket_search_fts (ticket_search_fts, rowid, stem) VALUES ('delete', old.id, old.stem);
	END`),
	sqliteOnly(`CREATE TRIGGER ticket_search_fts_au AFTER UPDATE OF stem ON ticket_search BEGIN
		INSERT INTO ticket_search_fts (ticket_search_fts, rowid, stem) VALUES ('delete', old.id, old.stem);
		INSERT INTO ticket_search_fts (rowid, stem) VALUES (new.id, new.stem);
	END`),
	postgresOnly(`CREATE EXTENSION IF NOT EXISTS unaccent`),
	postgresOnly(`CREATE OR REPLACE FUNCTION guichet_unaccent(text) RETURNS text
		LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
		AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$`),
	postgresOnly(`DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'guichet_french') THEN
			CREATE TEXT SEARCH CONFIGURATION guichet_french (COPY = french);
			ALTER TEXT SEARCH CONFIGURATION guichet_french
				ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
		END IF;
	END $$`),
	postgresOnly(`ALTER TABLE kb_articles ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('guichet_french', title), 'A') ||
		setweight(to_tsvector('guichet_french', category_path), 'B') ||
		setweight(to_tsvector('guichet_french', body), 'C')) STORED`),
	postgresOnly(`CREATE INDEX kb_articles_search_idx ON kb_articles USING GIN (search_tsv)`),
	postgresOnly(`CREATE TABLE ticket_search (
		ticket_number VARCHAR PRIMARY KEY REFERENCES tickets (number) ON DELETE CASCADE,
		document TEXT NOT NULL,
		stem TEXT NOT NULL DEFAULT '',
		search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('guichet_french', document)) STORED)`),
	postgresOnly(`CREATE INDEX ticket_search_idx ON ticket_search USING GIN (search_tsv)`),
	both(`CREATE INDEX "kb_articles_academy_idx" ON "kb_articles" ("academy_code", "published", "updated_at")`),
	both(`CREATE INDEX "kb_articles_shared_idx" ON "kb_articles" ("shared", "published", "updated_at")`),
	{run: indexTicketsFiledBefore},
}
