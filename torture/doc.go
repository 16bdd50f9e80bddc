// Package torture holds Guichet's reliability suite (its tests only): a
// whole stack — the embedded Temporal server on a data directory, the
// application database, the worker with the real activities, intake, the
// outbox and the mail sender against a test SMTP relay — put under load
// while the worker, the Temporal server and the relay fail in turn, then
// checked for lost tickets, duplicate events and mails; and the backup and
// restore drill of both databases.
//
// go test ./torture/ runs the reduced form (about twenty tickets);
// GUICHET_TORTURE=1 (make torture) the full one (hundreds).
package torture
