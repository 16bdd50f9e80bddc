package store

// apiTokensAndWebhooks adds the REST API's tokens (hashed at rest) and the
// webhooks: subscriptions of an académie's administrators and the delivery
// log (one row per subscription and ticket event, so a retried projection
// never queues a delivery twice).
var apiTokensAndWebhooks = []step{
	typed(`CREATE TABLE "api_tokens" (
			{ID},
			"person_id" {INT} NOT NULL,
			"kind" VARCHAR NOT NULL,
			"name" VARCHAR NOT NULL,
			"scope" VARCHAR NOT NULL,
			"hash" VARCHAR NOT NULL,
			"hint" VARCHAR NOT NULL,
			"created_by_id" {INT} NOT NULL,
			"created_at" {TIME} NOT NULL,
			"expires_at" {TIME},
			"last_used_at" {TIME},
			"revoked_at" {TIME}{PK_ID},
			UNIQUE ("hash"))`),
	typed(`CREATE TABLE "webhook_subscriptions" (
			{ID},
			"academy_code" VARCHAR NOT NULL,
			"url" VARCHAR NOT NULL,
			"secret" VARCHAR NOT NULL,
			"events" VARCHAR NOT NULL DEFAULT '',
			"active" BOOLEAN NOT NULL DEFAULT true,
			"created_by_id" {INT} NOT NULL,
			"created_at" {TIME} NOT NULL{PK_ID})`),
	typed(`CREATE TABLE "webhook_deliveries" (
			{ID},
			"subscription_id" {INT} NOT NULL,
			"academy_code" VARCHAR NOT NULL,
			"ticket_number" VARCHAR NOT NULL,
			"seq" {INT} NOT NULL,
			"event" VARCHAR NOT NULL,
			"payload" VARCHAR NOT NULL,
			"status" VARCHAR NOT NULL,
			"attempts" {INT} NOT NULL DEFAULT 0,
			"last_status" {INT} NOT NULL DEFAULT 0,
			"last_error" VARCHAR NOT NULL DEFAULT '',
			"created_at" {TIME} NOT NULL,
			"updated_at" {TIME} NOT NULL,
			"delivered_at" {TIME}{PK_ID})`),
	both(`CREATE INDEX "api_tokens_person_idx" ON "api_tokens" ("person_id")`),
	both(`CREATE INDEX "webhook_subscriptions_academy_idx" ON "webhook_subscriptions" ("academy_code")`),
	both(`CREATE UNIQUE INDEX "webhook_deliveries_once_idx" ON "webhook_deliveries" ("subscription_id", "ticket_number", "seq")`),
	both(`CREATE INDEX "webhook_deliveries_academy_idx" ON "webhook_deliveries" ("academy_code", "created_at")`),
}
