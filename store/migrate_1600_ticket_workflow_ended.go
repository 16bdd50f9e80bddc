package store

// ticketWorkflowEnded adds what the reconciliation records on a ticket
// whose workflow ended outside Guichet (terminated or cancelled from the
// Temporal UI or CLI, timed out, failed) while its projection was open:
//   - workflow_ended_status: the Temporal status seen (Terminated,
//     Canceled, TimedOut, Failed); empty for a healthy ticket;
//   - workflow_ended_at: when the reconciliation saw it (NULL if never).
//
// The ticket keeps its status: the flag says its processing stopped.
var ticketWorkflowEnded = []step{
	both(`ALTER TABLE tickets ADD COLUMN workflow_ended_status VARCHAR(32) NOT NULL DEFAULT ''`),
	typed(`ALTER TABLE tickets ADD COLUMN workflow_ended_at {TIME}`),
}
