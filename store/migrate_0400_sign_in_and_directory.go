package store

// signInAndDirectory adds what sign-in and the directory need: TOTP secrets,
// sign-in failures (rate limiting shared by every web process), pending
// second-factor challenges, directory synchronisation runs, and on people the
// source that last fed them and when it last saw them (so a sync can disable
// the people gone from the directory). The directory search matches name
// words by prefix through a full-text index: GIN on PostgreSQL, FTS5 (kept
// by triggers) on SQLite; a b-tree on name_key cannot serve "any word starts
// with". people.directory_seen_at is a TIMESTAMP without time zone on
// PostgreSQL too: so it shipped.
var signInAndDirectory = []step{
	typed(`CREATE TABLE "totp_secrets" (
			"person_id" {INT} NOT NULL,
			"secret" VARCHAR NOT NULL,
			"confirmed_at" {TIME},
			"last_step" {INT} NOT NULL DEFAULT 0,
			"created_at" {TIME} NOT NULL,
			PRIMARY KEY ("person_id"))`),
	typed(`CREATE TABLE "signin_failures" (
			{ID},
			"scope" VARCHAR NOT NULL,
			"subject" VARCHAR NOT NULL,
			"at" {TIME} NOT NULL{PK_ID})`),
	typed(`CREATE TABLE "signin_challenges" (
			"id" VARCHAR NOT NULL,
			"person_id" {INT} NOT NULL,
			"suite" VARCHAR NOT NULL DEFAULT '',
			"attempts" {INT} NOT NULL DEFAULT 0,
			"created_at" {TIME} NOT NULL,
			"expires_at" {TIME} NOT NULL,
			PRIMARY KEY ("id"))`),
	typed(`CREATE TABLE "directory_runs" (
			{ID},
			"academy_code" VARCHAR NOT NULL,
			"source" VARCHAR NOT NULL,
			"detail" VARCHAR NOT NULL DEFAULT '',
			"status" VARCHAR NOT NULL,
			"started_at" {TIME} NOT NULL,
			"finished_at" {TIME},
			"seen" {INT} NOT NULL DEFAULT 0,
			"added" {INT} NOT NULL DEFAULT 0,
			"updated" {INT} NOT NULL DEFAULT 0,
			"unchanged" {INT} NOT NULL DEFAULT 0,
			"disabled" {INT} NOT NULL DEFAULT 0,
			"errors" {INT} NOT NULL DEFAULT 0,
			"messages" VARCHAR NOT NULL DEFAULT ''{PK_ID})`),
	both(`ALTER TABLE people ADD COLUMN directory_source VARCHAR NOT NULL DEFAULT ''`),
	both(`ALTER TABLE people ADD COLUMN directory_seen_at TIMESTAMP`),
	sqliteOnly(`CREATE VIRTUAL TABLE people_fts USING fts5(name_key, content='people', content_rowid='id', prefix='1 2 3 4')`),
	sqliteOnly(`INSERT INTO people_fts (people_fts) VALUES ('rebuild')`),
	sqliteOnly(`CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN
		INSERT INTO people_fts (rowid, name_key) VALUES (new.id, new.name_key);
	END`),
	sqliteOnly(`CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN
		INSERT INTO people_fts (people_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
	END`),
	sqliteOnly(`CREATE TRIGGER people_fts_au AFTER UPDATE OF name_key ON people BEGIN
		INSERT INTO people_fts (people_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
		INSERT INTO people_fts (rowid, name_key) VALUES (new.id, new.name_key);
	END`),
	postgresOnly(`CREATE INDEX people_name_words_idx ON people USING GIN (to_tsvector('simple', name_key))`),
	both(`CREATE INDEX "signin_failures_subject_idx" ON "signin_failures" ("scope", "subject", "at")`),
	both(`CREATE INDEX "signin_failures_at_idx" ON "signin_failures" ("at")`),
	both(`CREATE INDEX "signin_challenges_expires_idx" ON "signin_challenges" ("expires_at")`),
	both(`CREATE INDEX "directory_runs_started_idx" ON "directory_runs" ("started_at")`),
	both(`CREATE INDEX "people_directory_idx" ON "people" ("academy_code", "directory_source", "directory_seen_at")`),
}
