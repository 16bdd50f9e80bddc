package store

// draftUploads adds draft_uploads: the files of a ticket form kept, per
// session, across a submission the form refused.
var draftUploads = []step{
	{
		sqlite: `CREATE TABLE "draft_uploads" (
			"id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
			"session_id" VARCHAR NOT NULL,
			"person_id" INTEGER NOT NULL,
			"filename" VARCHAR NOT NULL,
			"content_type" VARCHAR NOT NULL,
			"size" INTEGER NOT NULL,
			"data" BLOB NOT NULL,
			"created_at" TIMESTAMP NOT NULL)`,
		postgres: `CREATE TABLE "draft_uploads" (
			"id" BIGSERIAL NOT NULL,
			"session_id" VARCHAR NOT NULL,
			"person_id" BIGINT NOT NULL,
			"filename" VARCHAR NOT NULL,
			"content_type" VARCHAR NOT NULL,
			"size" BIGINT NOT NULL,
			"data" BYTEA NOT NULL,
			"created_at" TIMESTAMPTZ NOT NULL,
			PRIMARY KEY ("id"))`,
	},
	both(`CREATE INDEX "draft_uploads_session_idx" ON "draft_uploads" ("session_id", "id")`),
}
