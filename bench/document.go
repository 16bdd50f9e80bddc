package bench

import "io"

// documentHead is the fixed part of docs/BENCHMARKS.md: what is measured,
// how, and how to run it.
const documentHead = `# Benchmarks

*This file is written by ` + "`guichet bench`" + ` (one run, ` + "`make bench-report`" + `) or ` + "`guichet bench report`" + `
(several runs put together); edit the generator in ` + "`bench/`" + `, not this file — except below the
marker line near its end, which both keep. The same figures are in ` + "`docs/benchmarks.json`" + `.*

Each section measures Guichet side by side with the bare parts it is built from, in one run, in
one process, on one machine, on loopback only. The document puts several runs together — the
embedded default's, then the production shape's — and each section says which run it comes from
(date, machine, versions, load average, stack, bounds):

1. **Ticket creation through the API** — ` + "`POST /api/v1/tickets`" + ` (ticket number allocated,
   submission stored, workflow started), then ` + "`GET /api/v1/tickets/{number}`" + ` until the
   workflow's first projection is visible (the group it routed the ticket to; polled every fifth of
   the time waited so far, 5 to 200 ms, so polling adds at most ~20 % and does not flood the server)
   — against a **bare
   Temporal start** of an empty workflow (` + "`workflows.BenchEmptyWorkflow`" + `, on its own task queue with its own
   worker, on the same Temporal server), the same start **waiting for its completion**, and a **bare
   bun insert** of the same ticket row into a scratch table (` + "`bench_tickets`" + `, same columns) of the
   same database. Ratios Guichet / bare are given for throughput and p50 latency.
2. **A whole lifecycle through the API** — create → pickup (technician's token) → resolve →
   accept (requester's token); each action is a Temporal Update round trip including its
   projection, timed until the new status is visible through the API.
3. **Open tickets at rest** — tickets filed through the API and left open (each workflow holds its
   pick-up timer). For this section the bench stops its own worker and starts a **separate
   ` + "`guichet worker`" + ` process** (same binary, same Temporal server, task queue and application database)
   that serves every ticket: its resident memory (` + "`VmRSS`" + ` of ` + "`/proc/<pid>/status`" + `, no forced GC) and Go
   heap (its ` + "`/metrics`" + `) are the worker's figure, apart from the bench process' RSS (Temporal server,
   web app and load generator, after a GC); size of the Temporal database (the SQLite file with its WAL,
   or both PostgreSQL databases); and the time a restarted worker takes to serve the next action on
   the oldest ticket (the worker process gets SIGTERM, a new one is started and waited for until its
   ` + "`/readyz`" + ` answers; its first Update replays the history), then on the next 20 old tickets.
4. **Reads at volume** — tickets generated straight into the application database (batches of
   1,000, with their timelines; search index rebuilt; the code of ` + "`guichet generate`" + `, whose
   tickets, when a database already holds them, are measured as they are), then the technician's open-tickets list and the
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

Long figures are separate runs, each with its own ` + "`--out`" + ` directory; ` + "`guichet bench report`" + ` then
writes this document and ` + "`docs/benchmarks.json`" + ` from their ` + "`benchmarks.json`" + ` files. For each
shape and section the latest run holding it wins (by start time; the last file given among runs
started together), so adding a new run to the published ones replaces only its sections:

` + "```" + `
go run . bench report --from docs/benchmarks.json,/tmp/prod/benchmarks.json --out docs
` + "```" + `

The command starts its own stack on a temporary data directory (removed at the end; keep one
with ` + "`--data-dir`" + `) on free loopback ports, loads the demo data and makes two API tokens
(` + "`agent.creteil`" + `, ` + "`tech.creteil`" + `). It never touches ` + "`./data`" + `.

### Production shape

` + "`--shape production --postgres DSN`" + ` puts the application database and the Temporal server on
PostgreSQL (give an empty application database, or one filled by ` + "`guichet generate --focus agent.creteil`" + `,
which the reads section then measures without seeding). A throwaway PostgreSQL 15:

` + "```" + `
.ci/with-postgres sh -c 'go run . bench --shape production --postgres "$GUICHET_TEST_POSTGRES_DSN"'
` + "```" + `

Reads at the issue's volume (1,000,000 tickets and 5,000 articles; seeding and indexing took under 3 minutes on a quiet 2-core machine, 8 on a loaded one):

` + "```" + `
.ci/with-postgres sh -c 'go run . bench --shape production --postgres "$GUICHET_TEST_POSTGRES_DSN" \
    --sections reads --read-tickets 1000000'
` + "```" + `

In the production shape the Temporal server is the same in-process server as ` + "`guichet temporal`" + `,
persisted in PostgreSQL (plugin ` + "`postgres12`" + `, SQL visibility, 4 history shards) in two scratch databases
(` + "`guichet_bench_<random>_temporal`" + ` and ` + "`…_visibility`" + `) that it creates on the ` + "`--postgres`" + ` server,
sets up from the schemas embedded in the server module, and drops at the end; the *Stack* line
names them. The Temporal database size is then ` + "`pg_database_size`" + ` of both. Its user needs
` + "`CREATEDB`" + `. A Temporal server started separately can be measured instead with
` + "`--temporal HOST:PORT`" + ` (its database size is then not reported).

`

// documentChanges is the fixed part after the results: what was changed in
// Guichet because of the figures, each change with the date and conditions
// of its before/after measures (the results above may come from later
// runs).
const documentChanges = `## What was changed because of these figures

The first runs (2026-11-28, embedded default) found creation at 8–15 % of the bare Temporal start
rate and every action's p99 in seconds at concurrency 32; the creation load's CPU profile put about
half the process in the Temporal server and a fifth in SQLite statements of Temporal's persistence.
Changed because of it:

- **The ticket workflow's database steps run as local activities.** ` + "`TicketWorkflow`" + `'s Route,
  Project, LookupTicket, PickTechnician and Notify run as local activities inside the workflow task
  that schedules them, behind ` + "`workflow.GetVersion(\"local-activities\")`" + ` (tickets opened before
  keep replaying their regular activities). A creation is now one workflow task; the history of an
  accepted lifecycle fell from 98 to 46 events, from 15 to 5 workflow tasks and from 11 activity
  tasks to none.
- **Search attributes are upserted only when they change** (after a first full upsert in each run
  of the workflow).
- **Eager workflow start** when the web app and the worker share a Temporal client (one process,
  as in ` + "`guichet dev`" + ` and this benchmark): the start answers with the first workflow task.

Before and after, measured on 2026-11-28 on the embedded default, on the same machine, back to back
(load average about 4.5 on the 2 shared cores):

| Figure | Before | After |
| --- | ---: | ---: |
| Creation at concurrency 1 | 8.6/s, p50 111 ms | 42.7/s, p50 20 ms |
| Creation at concurrency 32, share of the bare Temporal start rate | 4 % (another pair of runs: 10 %) | 42 % (another pair: 54 %) |
| Lifecycles per second at concurrency 1 | 2.5 | 13.2 |
| Action p50 at concurrency 1 | about 100 ms | 15–17 ms |
| Action p99 at concurrency 32 | seconds | still 2.5–3 s |

On the embedded default the limit is now the embedded Temporal server's SQLite persistence: its
single connection (` + "`database/sql.withLock`" + `, 39 % of the cumulative CPU of the creation load) and its
visibility queue (26 %). The production shape persists Temporal in PostgreSQL instead (each
section's *Stack* line says what its run used).

Tried and not kept: more workflow-task pollers (8, and the SDK's autoscaling pollers) gave no gain.

`

// WriteDocument writes the whole docs/BENCHMARKS.md for one run: the fixed
// head, its results and targets, the changes, and an empty hand-written
// end.
func WriteDocument(w io.Writer, r *Report) error {
	return Assemble([]*Report{r}).WriteDocument(w, "")
}
