// Package torture holds Guichet's reliability suite (its tests only): a
// whole stack — the embedded Temporal server on a data directory, the
// application database, the worker with the real activities, intake, the
// outbox and the mail sender against a test SMTP relay, wired by
// assembly.New as in production and seeded by assembly/stacktest — put
// under load while, in turn:
//
//   - the in-process worker stops and restarts, the Temporal server stops
//     and restarts on its data directory, the relay refuses mail (451)
//     (faults_test.go);
//   - a separate `guichet worker` process is killed with SIGKILL and
//     restarted, then a separate `guichet web` process, while API clients
//     file and drive tickets (process_faults_test.go; the binary is built
//     once per run);
//   - the PostgreSQL server of the application database — a cluster of the
//     suite's own, never the shared test server — is stopped (pg_ctl stop
//     -m fast) for 5 s, 20 s in the full form, under load, then started
//     (process_faults_test.go);
//
// then checked for lost tickets, wrong states, duplicate events and mails
// (report_test.go; TestMain prints the suite's report); and the backup and
// restore drill of both databases (backup_test.go).
//
// go test ./torture/ runs the reduced form (a few dozen tickets);
// GUICHET_TORTURE=1 (make torture) the full one (hundreds). The PostgreSQL
// test skips without server binaries unless GUICHET_TEST_POSTGRES_DSN
// (make test, CI) or GUICHET_TORTURE_POSTGRES_REQUIRED=1 is set.
package torture
