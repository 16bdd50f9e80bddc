package store

// peopleLangAndMailReplies adds what mail notifications and replies need:
//   - people.lang: the language of a person's mails ("fr" or "en", default
//     "fr");
//   - mail_replies: one row per incoming reply accepted by the SMTP listener,
//     keyed by its Message-ID, with the attachments stored for it, so a reply
//     retried by the sending server never stores its attachments twice nor
//     reaches the workflow twice.
var peopleLangAndMailReplies = []step{
	both(`ALTER TABLE people ADD COLUMN lang VARCHAR(8) NOT NULL DEFAULT 'fr'`),
	typed(`CREATE TABLE "mail_replies" (
			"message_id" VARCHAR NOT NULL,
			"ticket_number" VARCHAR NOT NULL,
			"person_id" {INT} NOT NULL,
			"attachment_ids" VARCHAR NOT NULL DEFAULT '[]',
			"created_at" {TIME} NOT NULL,
			"signaled_at" {TIME},
			PRIMARY KEY ("message_id"))`),
}
