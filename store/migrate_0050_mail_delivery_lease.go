package store

// mailDeliveryLease adds what the outbox sender needs beyond the initial
// mails table:
//   - not_before: a row is not picked up before this instant. The sender
//     claims a row by pushing not_before into the future (a lease, so two
//     worker processes never send the same mail), and a failed attempt leaves
//     it there as the retry backoff;
//   - an index to list a ticket's mails.
var mailDeliveryLease = []step{
	typed(`ALTER TABLE mails ADD COLUMN not_before {TIME}`),
	both(`CREATE INDEX "mails_ticket_idx" ON "mails" ("ticket_number", "id")`),
}
