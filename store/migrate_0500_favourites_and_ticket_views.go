package store

// favouritesAndTicketViews adds the requester's personal lists: favourite
// tickets (Mes favoris) and the tickets they looked at (Mon historique).
var favouritesAndTicketViews = []step{
	typed(`CREATE TABLE "favourites" (
			"person_id" {INT} NOT NULL,
			"ticket_number" VARCHAR NOT NULL,
			"created_at" {TIME} NOT NULL,
			PRIMARY KEY ("person_id", "ticket_number"))`),
	typed(`CREATE TABLE "ticket_views" (
			"person_id" {INT} NOT NULL,
			"ticket_number" VARCHAR NOT NULL,
			"viewed_at" {TIME} NOT NULL,
			PRIMARY KEY ("person_id", "ticket_number"))`),
	both(`CREATE INDEX "favourites_person_idx" ON "favourites" ("person_id", "created_at")`),
	both(`CREATE INDEX "ticket_views_person_idx" ON "ticket_views" ("person_id", "viewed_at")`),
}
