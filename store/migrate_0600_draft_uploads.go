package store

// draftUploads adds draft_uploads: the files of a ticket form kept, per
// session, across a submission the form refused.
var draftUploads = []step{
	typed(`CREATE TABLE "draft_uploads" (
			{ID},
			"session_id" VARCHAR NOT NULL,
			"person_id" {INT} NOT NULL,
			"filename" VARCHAR NOT NULL,
			"content_type" VARCHAR NOT NULL,
			"size" {INT} NOT NULL,
			"data" {BYTES} NOT NULL,
			"created_at" {TIME} NOT NULL{PK_ID})`),
	both(`CREATE INDEX "draft_uploads_session_idx" ON "draft_uploads" ("session_id", "id")`),
}
