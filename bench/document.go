package bench

import (
	"fmt"
	"io"
)

// documentHead is the fixed part of docs/BENCHMARKS.md: what is measured,
// how, and how to run it.
const documentHead = `# Benchmarks

*This file is written by ` + "`guichet bench`" + ` (` + "`make bench-report`" + `); edit the generator in
` + "`bench/`" + `, not this file. The same figures are in ` + "`docs/benchmarks.json`" + `.*

Guichet is measured side by side with the bare parts it is built from, in one run, in one
process, on one machine, on loopback only:

1. **Ticket creation through the API** — ` + "`POST /api/v1/tickets`" + ` (ticket number allocated,
   submission stored, workflow started), then ` + "`GET /api/v1/tickets/{number}`" + ` until the
   workflow's first projection is visible (the group it routed the ticket to; polled every fifth of
   the time waited so far, 5 to 200 ms, so polling adds at most ~20 % and does not flood the server)
   — against a **bare
   Temporal start** of an empty workflow (` + "`bench.EmptyWorkflow`" + `, on its own task queue with its own
   worker, on the same Temporal server), the same start **waiting for its completion**, and a **bare
   bun insert** of the same ticket row into a scratch table (` + "`bench_tickets`" + `, same columns) of the
   same database. Ratios Guichet / bare are given for throughput and p50 latency.
2. **A whole lifecycle through the API** — create → pickup (technician's token) → resolve →
   accept (requester's token); each action is a Temporal Update round trip including its
   projection, timed until the new status is visible through the API.
3. **Open tickets at rest** — tickets filed through the API and left open (each workflow holds its
   pick-up timer): resident memory of the process (` + "`VmRSS`" + ` of ` + "`/proc/self/status`" + `, after a GC;
   in the embedded default it **includes the Temporal server and the web app**, so it is an upper
   bound of the worker's), size of the Temporal SQLite file with its WAL, and the time a restarted
   worker takes to serve the next action on the oldest ticket (the worker is stopped, the SDK's
   workflow cache emptied, a fresh worker started; the first Update replays the history).
4. **Reads at volume** — tickets seeded straight into the application database (batches of
   1,000, with events; search index rebuilt), then the technician's open-tickets list and the
   requester's own list through the API, the support queue through the store, and full-text
   search through the API.

Every measure runs at concurrency 1, 8 and 32, is bounded in count and in time (flags ` + "`--n`" + `,
` + "`--max`" + `) and reports throughput and p50 / p95 / p99 latency (nearest rank). The load generator
runs in the measured process and takes its share of the CPU.

## Running it

` + "```" + `
make bench-report                     # go run . bench: embedded default, writes docs/
go run . bench --profile /tmp/prof    # also pprof CPU + allocations of the creation load
go run . bench --sections creation --n 50 --out ''   # a quick look, report on stdout
go run . bench --open-tickets 100000 --open-max 2h --sections open   # the issue's at-rest figure
make bench                            # the Go benchmarks (go test -bench), e.g. store search
` + "```" + `

The command starts its own stack on a temporary data directory (removed at the end; keep one
with ` + "`--data-dir`" + `) on free loopback ports, loads the demo data and makes two API tokens
(` + "`agent.creteil`" + `, ` + "`tech.creteil`" + `). It never touches ` + "`./data`" + `.

### Production shape

` + "`--shape production --postgres DSN`" + ` puts the application database on PostgreSQL (give an
empty database: the reads section seeds fixed ticket numbers). A throwaway PostgreSQL 15:

` + "```" + `
.ci/with-postgres sh -c 'go run . bench --shape production --postgres "$GUICHET_TEST_POSTGRES_DSN"'
` + "```" + `

Reads at the issue's volume (1,000,000 tickets; seeding and indexing take tens of minutes):

` + "```" + `
.ci/with-postgres sh -c 'go run . bench --shape production --postgres "$GUICHET_TEST_POSTGRES_DSN" \
    --sections reads --read-tickets 1000000'
` + "```" + `

**Temporal persisted in PostgreSQL is not wired in.** The embedded server (` + "`embedded/`" + `)
persists only in SQLite; running the Temporal server on PostgreSQL from Go modules needs its
PostgreSQL schema set-up (` + "`go.temporal.io/server/tools/sql`" + ` / ` + "`schema/postgresql`" + `) and the
` + "`postgres12`" + ` persistence plugin in the embedded package — not done yet. Until then the production
shape runs Temporal embedded on SQLite, and the report says so in its *Stack* line; a Temporal
server persisted in PostgreSQL started separately can be measured with ` + "`--temporal HOST:PORT`" + `
(the database size is then not reported).

`

// WriteDocument writes the whole docs/BENCHMARKS.md: the fixed head, then
// the report's results.
func WriteDocument(w io.Writer, r *Report) error {
	if _, err := io.WriteString(w, documentHead); err != nil {
		return fmt.Errorf("bench: write document: %w", err)
	}
	return r.WriteMarkdown(w)
}
