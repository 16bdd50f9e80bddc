package store

// ticketListAndQueueIndexes adds the indexes the ticket lists and the
// support queue need at a million tickets (docs/BENCHMARKS.md, "Reads at
// 1,000,000 tickets on PostgreSQL"). Each one matches a WHERE and an ORDER BY
// of a query, so the first page is read in index order:
//   - tickets_academy_open_created_idx: the lists of an académie's open
//     tickets (status new, in_progress, waiting or resolved);
//   - tickets_academy_created_idx: the same for every status;
//   - tickets_queue_order_idx: the support queue, new tickets first, then by
//     priority and age; its CASE expression is the one queueOrderExpr spells,
//     so both databases match it.
//
// Plain CREATE INDEX (not CONCURRENTLY): they run in the migration's
// transaction.
var ticketListAndQueueIndexes = []step{
	both(`CREATE INDEX tickets_academy_open_created_idx ON tickets (academy_code, created_at, number) WHERE status IN ('new', 'in_progress', 'waiting', 'resolved')`),
	both(`CREATE INDEX tickets_academy_created_idx ON tickets (academy_code, created_at, number)`),
	both(`CREATE INDEX tickets_queue_order_idx ON tickets (academy_code, (CASE WHEN status = 'new' THEN 0 ELSE 1 END), priority, created_at, number) WHERE status IN ('new', 'in_progress', 'waiting', 'resolved')`),
}
