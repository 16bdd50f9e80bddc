package store

// ticketSubmissionID adds tickets.submission_id: the ID of the spooled
// submission a ticket was created from (NULL for direct ones), unique so that
// a submission replayed after a crash never makes a second ticket.
var ticketSubmissionID = []step{
	both(`ALTER TABLE tickets ADD COLUMN submission_id VARCHAR(64)`),
	both(`CREATE UNIQUE INDEX tickets_submission_idx ON tickets (submission_id)`),
}
