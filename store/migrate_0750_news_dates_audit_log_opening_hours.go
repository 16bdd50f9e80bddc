package store

// newsDatesAuditLogOpeningHours adds what the supervisors' management
// screens need:
//   - news: a draft flag, an expiry date and a last-change date;
//   - audit_log: who changed what, when, in which académie;
//   - academy_hours and academy_holidays: opening hours and extra closed days
//     per académie, overriding the configuration.
var newsDatesAuditLogOpeningHours = []step{
	typed(`ALTER TABLE news ADD COLUMN expires_at {TIME}`),
	both(`ALTER TABLE news ADD COLUMN draft BOOLEAN NOT NULL DEFAULT FALSE`),
	typed(`ALTER TABLE news ADD COLUMN updated_at {TIME}`),
	typed(`CREATE TABLE "audit_log" (
			{ID},
			"at" {TIME} NOT NULL,
			"actor_id" {INT} NOT NULL,
			"academy_code" VARCHAR NOT NULL,
			"action" VARCHAR NOT NULL,
			"target" VARCHAR NOT NULL,
			"details" VARCHAR NOT NULL{PK_ID})`),
	typed(`CREATE TABLE "academy_hours" (
			"academy_code" VARCHAR NOT NULL,
			"time_zone" VARCHAR NOT NULL,
			"opens_at" VARCHAR NOT NULL,
			"closes_at" VARCHAR NOT NULL,
			"days" VARCHAR NOT NULL,
			"holidays" VARCHAR NOT NULL,
			"updated_at" {TIME} NOT NULL,
			PRIMARY KEY ("academy_code"))`),
	both(`CREATE TABLE "academy_holidays" (
		"academy_code" VARCHAR NOT NULL,
		"day" VARCHAR NOT NULL,
		"label" VARCHAR NOT NULL,
		PRIMARY KEY ("academy_code", "day"))`),
	both(`CREATE INDEX "audit_log_academy_idx" ON "audit_log" ("academy_code", "at")`),
}
