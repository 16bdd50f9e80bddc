package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Targets of the issue (production shape, concurrency 32).
const (
	targetCreationRatio = 0.5
	targetActionP99MS   = 100
	targetOpenRSSBytes  = 1 << 30
	targetOpenTickets   = 100000
	targetConcurrency   = 32
)

// Targets checks the targets against the report: one line per
// target, saying met or missed and by how much.
func (r *Report) Targets() []string {
	out := targetLines(viewOf(r), false)
	if r.Shape.Name != "production" && len(out) > 0 {
		out = append(out, "The targets are set for the production shape; these figures are the embedded default's.")
	}
	return out
}

// targetLines checks the targets against the sections of one
// shape. With dated, each line names the run its figures come from, and a
// target whose section was not run says so.
func targetLines(v *ShapeView, dated bool) []string {
	var out []string
	mark := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	from := func(r *Report) string {
		if !dated {
			return ""
		}
		return " — run of " + runDate(r) + temporalCaveat(r)
	}
	if r := v.Sections[SectionCreation]; r != nil {
		found := false
		for _, c := range r.Creation {
			if c.Concurrency == targetConcurrency {
				found = true
				out = append(out, fmt.Sprintf("Creation at concurrency 32 ≥ 50 %% of the bare Temporal start rate of the same run: %s (%.0f %%: %.1f/s against %.1f/s%s).",
					mark(c.ThroughputVsTemporal >= targetCreationRatio), c.ThroughputVsTemporal*100, c.Guichet.PerSecond, c.BareStart.PerSecond, from(r)))
			}
		}
		if !found && dated {
			out = append(out, "Creation at concurrency 32 ≥ 50 % of the bare Temporal start rate: not measured (the run of "+runDate(r)+" has no concurrency 32).")
		}
	} else if dated {
		out = append(out, "Creation at concurrency 32 ≥ 50 % of the bare Temporal start rate: not measured (no creation section for this shape).")
	}
	if r := v.Sections[SectionLifecycle]; r != nil {
		found := false
		for _, l := range r.Lifecycle {
			if l.Concurrency != targetConcurrency {
				continue
			}
			found = true
			for _, name := range phaseOrder(l.Phases) {
				s := l.Phases[name]
				out = append(out, fmt.Sprintf("Action %s p99 < 100 ms at concurrency 32: %s (p99 %.0f ms%s).", name, mark(s.P99 < targetActionP99MS), s.P99, from(r)))
			}
		}
		if !found && dated {
			out = append(out, "Each action's p99 < 100 ms at concurrency 32: not measured (the run of "+runDate(r)+" has no concurrency 32).")
		}
	} else if dated {
		out = append(out, "Each action's p99 < 100 ms at concurrency 32: not measured (no lifecycle section for this shape).")
	}
	if r := v.Sections[SectionOpen]; r != nil {
		o := r.Open
		scale := ""
		if o.OpenInDB < targetOpenTickets {
			scale = fmt.Sprintf(" — fewer than the issue's %s", thousands(targetOpenTickets))
		}
		if o.WorkerRSSBytes > 0 {
			out = append(out, fmt.Sprintf("Open tickets under 1 GiB worker RSS: %s (%s at %s open tickets, %s running workflows%s; RSS of the separate worker process%s%s).",
				mark(o.WorkerRSSBytes < targetOpenRSSBytes), mib(o.WorkerRSSBytes), thousands(o.OpenInDB), thousands(int(o.RunningWorkflows)), scale, cacheNote(o), from(r)))
		} else {
			out = append(out, fmt.Sprintf("Open tickets under 1 GiB RSS: %s (%s at %s open tickets, %s running workflows%s; RSS of the whole process: Temporal server + web + worker%s).",
				mark(o.RSSBytes < targetOpenRSSBytes), mib(o.RSSBytes), thousands(o.OpenInDB), thousands(int(o.RunningWorkflows)), scale, from(r)))
		}
	} else if dated {
		out = append(out, "Open tickets under 1 GiB RSS: not measured (no open-tickets section for this shape).")
	}
	return out
}

// thousands writes n with comma thousands separators (100,000).
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// phaseOrder lists the phases in lifecycle order, others after.
func phaseOrder(p map[string]Stats) []string {
	order := map[string]int{"number": 0, "projection": 1, "create": 2, "pickup": 3, "resolve": 4, "accept": 5}
	var names []string
	for n := range p {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		oi, ok := order[names[i]]
		if !ok {
			oi = 99
		}
		oj, ok := order[names[j]]
		if !ok {
			oj = 99
		}
		if oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	return names
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func row(w io.Writer, cells ...any) {
	parts := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case float64:
			parts[i] = fmt.Sprintf("%.1f", v)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(parts, " | "))
}

func levelRow(w io.Writer, name string, l Level) {
	errs := ""
	if l.Errors > 0 {
		errs = fmt.Sprintf(" (%d errors)", l.Errors)
	}
	row(w, name, l.Concurrency, fmt.Sprintf("%d%s", l.Count, errs), l.PerSecond, l.Latency.P50, l.Latency.P95, l.Latency.P99)
}

// runDate is how the document names a run: its start, to the minute.
func runDate(r *Report) string { return r.Started.UTC().Format("2006-01-02 15:04 UTC") }

// temporalCaveat flags a production-shape run whose Temporal server was on
// SQLite (runs made before the production shape persisted it in
// PostgreSQL).
func temporalCaveat(r *Report) string {
	if r.Shape.Name == "production" && strings.Contains(r.Shape.Temporal, "SQLite") {
		return ", Temporal on SQLite in that run"
	}
	return ""
}

// writeProvenance writes the line that says where a section's figures come
// from: the run's dates, machine, versions, load, stack and bounds. When an
// earlier section of the same shape came from the same run (seen), it
// refers to it instead of repeating it.
func writeProvenance(w io.Writer, r *Report, seen map[*Report]string) {
	if first, ok := seen[r]; ok {
		fmt.Fprintf(w, "*Run of %s: the same run as %s above (machine, load and stack there).*\n\n", runDate(r), first)
		return
	}
	m := r.Machine
	fmt.Fprintf(w, "*Run of %s", runDate(r))
	if !r.Finished.IsZero() {
		fmt.Fprintf(w, " (finished %s)", r.Finished.UTC().Format("2006-01-02 15:04 UTC"))
	}
	fmt.Fprintf(w, ". Machine: %s, %d cores, %s RAM, Linux %s; %s", m.CPU, m.Cores, mib(m.MemoryBytes), m.Kernel, m.Go)
	var mods []string
	for k, v := range m.Modules {
		mods = append(mods, k+" "+v)
	}
	sort.Strings(mods)
	if len(mods) > 0 {
		fmt.Fprintf(w, "; %s", strings.Join(mods, ", "))
	}
	fmt.Fprintf(w, ". Load average (1, 5, 15 min) before the run: %s; after: %s.", orUnknown(m.LoadBefore), orUnknown(m.LoadAfter))
	if m.SharedNotice != "" {
		fmt.Fprintf(w, " %s", m.SharedNotice)
	}
	fmt.Fprintf(w, " Stack: application database %s; Temporal %s. Each operation runs until %d are done or %.0f s have passed.*\n\n",
		r.Shape.AppDB, r.Shape.Temporal, r.Limits.N, r.Limits.MaxSeconds)
	if temporalCaveat(r) != "" {
		fmt.Fprint(w, "**In this run the Temporal server was on SQLite: only the application database is the production shape's.**\n\n")
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

// writeCreation writes section 1 of r, with the profiles of its creation
// load.
func writeCreation(w io.Writer, r *Report, seen map[*Report]string) {
	fmt.Fprint(w, "### 1. Ticket creation against its bare parts\n\n")
	writeProvenance(w, r, seen)
	fmt.Fprint(w, "Latencies in milliseconds. *Guichet* is `POST /api/v1/tickets` (number allocated, submission stored, workflow started) followed by `GET /api/v1/tickets/{number}` until the workflow's first projection (its group) is visible.\n\n")
	row(w, "Operation", "Concurrency", "Done", "Per second", "p50", "p95", "p99")
	row(w, "---", "---:", "---:", "---:", "---:", "---:", "---:")
	for _, c := range r.Creation {
		levelRow(w, "**Guichet: create until projected**", c.Guichet)
		if s, ok := c.Guichet.Phases["number"]; ok {
			row(w, "↳ POST answered with the number", c.Concurrency, s.Count, "", s.P50, s.P95, s.P99)
		}
		levelRow(w, "Bare Temporal start (empty workflow)", c.BareStart)
		levelRow(w, "Bare Temporal start + completion", c.BareStartComplete)
		levelRow(w, "Bare bun insert of the ticket row", c.BareInsert)
	}
	fmt.Fprint(w, "\nRatios Guichet / bare (throughput: higher is better; p50 latency: lower is better):\n\n")
	row(w, "Concurrency", "Throughput / bare Temporal start", "Throughput / bare insert", "p50 / bare Temporal start", "p50 / bare insert")
	row(w, "---:", "---:", "---:", "---:", "---:")
	for _, c := range r.Creation {
		row(w, c.Concurrency, fmt.Sprintf("%.2f", c.ThroughputVsTemporal), fmt.Sprintf("%.3f", c.ThroughputVsInsert),
			fmt.Sprintf("%.1f", c.LatencyVsTemporal), fmt.Sprintf("%.0f", c.LatencyVsInsert))
	}
	fmt.Fprintln(w)
	for _, c := range r.Creation {
		for _, l := range []Level{c.Guichet, c.BareStart, c.BareStartComplete, c.BareInsert} {
			if l.FirstError != "" {
				fmt.Fprintf(w, "First error at concurrency %d: `%s`\n\n", c.Concurrency, oneLine(l.FirstError))
			}
		}
	}
	if len(r.Profiles) > 0 {
		fmt.Fprint(w, "#### Where the time goes (profiles of this creation load)\n\n")
		for _, p := range r.Profiles {
			fmt.Fprintf(w, "`%s` (`go tool pprof -top` of %s):\n\n```\n%s\n```\n\n", p.Kind, p.File, strings.Join(p.Top, "\n"))
		}
	}
}

// writeLifecycle writes section 2 of r.
func writeLifecycle(w io.Writer, r *Report, seen map[*Report]string) {
	fmt.Fprint(w, "### 2. Whole lifecycle through the API\n\n")
	writeProvenance(w, r, seen)
	fmt.Fprint(w, "create → pickup (technician's token) → resolve → accept (requester's token). Each action is its `POST /api/v1/tickets/{number}/actions/…` (a Temporal Update round trip, projection included) until the new status is visible. Latencies in milliseconds.\n\n")
	row(w, "Concurrency", "Lifecycles", "Lifecycles / s", "Step", "p50", "p95", "p99")
	row(w, "---:", "---:", "---:", "---", "---:", "---:", "---:")
	for _, l := range r.Lifecycle {
		row(w, l.Concurrency, errCount(l), l.PerSecond, "whole lifecycle", l.Latency.P50, l.Latency.P95, l.Latency.P99)
		for _, name := range phaseOrder(l.Phases) {
			s := l.Phases[name]
			row(w, "", "", "", name, s.P50, s.P95, s.P99)
		}
	}
	fmt.Fprintln(w)
	for _, l := range r.Lifecycle {
		if l.FirstError != "" {
			fmt.Fprintf(w, "First error at concurrency %d: `%s`\n\n", l.Concurrency, oneLine(l.FirstError))
		}
	}
}

// cacheNote names the worker's workflow cache size when the run recorded it.
func cacheNote(o *OpenResult) string {
	if o.WorkflowCacheSize == 0 {
		return ""
	}
	return fmt.Sprintf(", workflow cache %s", thousands(o.WorkflowCacheSize))
}

// writeOpen writes section 3 of r.
func writeOpen(w io.Writer, r *Report, seen map[*Report]string) {
	o := r.Open
	fmt.Fprint(w, "### 3. Open tickets at rest\n\n")
	writeProvenance(w, r, seen)
	row(w, "Measure", "Value")
	row(w, "---", "---:")
	row(w, "Tickets filed for this figure (API, concurrency 32)", fmt.Sprintf("%d of %d in %.0f s (%.1f/s, %d errors)", o.Filed, o.Wanted, o.FileSeconds, o.FilePerSecond, o.FileErrors))
	row(w, "Open tickets in the application database", o.OpenInDB)
	row(w, "Running workflows (Temporal visibility)", o.RunningWorkflows)
	if o.WorkerRSSBytes > 0 {
		row(w, "Worker process RSS (a separate `guichet worker` that served every ticket; no forced GC)"+cacheNote(o), mib(o.WorkerRSSBytes))
		row(w, "Worker process Go heap in use", mib(o.WorkerGoHeapBytes))
		row(w, "Bench process RSS after GC (Temporal server + web app + load generator, no ticket worker)", mib(o.RSSBytes))
		row(w, "Bench process Go heap in use", mib(o.GoHeapBytes))
	} else {
		row(w, "Process RSS after GC (Temporal server + web + worker in one process)", mib(o.RSSBytes))
		row(w, "Go heap in use", mib(o.GoHeapBytes))
	}
	if o.TemporalDBBytes > 0 {
		row(w, "Temporal database size (SQLite file with its WAL, or pg_database_size of both PostgreSQL databases)", mib(o.TemporalDBBytes))
	}
	if o.WorkerRSSBytes > 0 {
		row(w, "Worker restart (SIGTERM the worker process, start a new one until its /readyz answers)", fmt.Sprintf("%.2f s", o.RestartSeconds))
	} else {
		row(w, "Worker restart (stop, empty the workflow cache, start)", fmt.Sprintf("%.2f s", o.RestartSeconds))
	}
	row(w, "First action on the oldest ticket after the restart (pickup, until visible)", fmt.Sprintf("%.0f ms", o.FirstActionMS))
	row(w, "Next 20 actions on old tickets after the restart, p50 / p99", fmt.Sprintf("%.0f / %.0f ms", o.NextActions.P50, o.NextActions.P99))
	fmt.Fprintln(w)
}

// writeReads writes section 4 of r.
func writeReads(w io.Writer, r *Report, seen map[*Report]string) {
	rr := r.Reads
	if rr.SeedSeconds > 0 {
		fmt.Fprintf(w, "### 4. Reads at volume (%d tickets and %d knowledge-base articles seeded in %.0f s)\n\n", rr.Tickets, rr.Articles, rr.SeedSeconds)
	} else { // generated beforehand by `guichet generate`
		fmt.Fprintf(w, "### 4. Reads at volume (%d tickets and %d knowledge-base articles generated beforehand)\n\n", rr.Tickets, rr.Articles)
	}
	writeProvenance(w, r, seen)
	row(w, "Read", "Concurrency", "Done", "Per second", "p50", "p95", "p99")
	row(w, "---", "---:", "---:", "---:", "---:", "---:", "---:")
	for _, op := range rr.Ops {
		for _, l := range op.Levels {
			levelRow(w, op.Name, l)
		}
	}
	fmt.Fprintln(w)
}

func errCount(l Level) string {
	if l.Errors > 0 {
		return fmt.Sprintf("%d (%d errors)", l.Count, l.Errors)
	}
	return fmt.Sprint(l.Count)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "`", "'")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
