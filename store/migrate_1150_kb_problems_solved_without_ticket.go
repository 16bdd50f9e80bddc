package store

// kbProblemsSolvedWithoutTicket counts the problems an article solved
// without a ticket:
//   - kb_articles.solved_without_ticket: the counter;
//   - kb_self_solved: one row per person and article counted, so that a
//     reload or a second click never counts the same person twice;
//   - kb_suggestion_views: the suggested articles opened from the
//     new-incident form, per session, so that cancelling the form counts the
//     last one read. Rows go with their session.
var kbProblemsSolvedWithoutTicket = []step{
	both(`ALTER TABLE kb_articles ADD COLUMN solved_without_ticket INTEGER NOT NULL DEFAULT 0`),
	typed(`CREATE TABLE "kb_self_solved" (
			"person_id" {INT} NOT NULL,
			"article_id" {INT} NOT NULL,
			"created_at" {TIME} NOT NULL,
			PRIMARY KEY ("person_id", "article_id"),
			FOREIGN KEY (person_id) REFERENCES people (id) ON DELETE CASCADE,
			FOREIGN KEY (article_id) REFERENCES kb_articles (id) ON DELETE CASCADE)`),
	typed(`CREATE TABLE "kb_suggestion_views" (
			"session_id" VARCHAR NOT NULL,
			"article_id" {INT} NOT NULL,
			"person_id" {INT} NOT NULL,
			"viewed_at" {TIME} NOT NULL,
			PRIMARY KEY ("session_id", "article_id"),
			FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
			FOREIGN KEY (article_id) REFERENCES kb_articles (id) ON DELETE CASCADE)`),
	both(`CREATE INDEX "kb_self_solved_article_idx" ON "kb_self_solved" ("article_id", "created_at")`),
}
