package command

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"guichet/bench"
)

// benchUsage is the help of `guichet bench`.
const benchUsage = `usage: guichet bench [flags]

Starts, in this process and on loopback only, the whole stack on a scratch
data directory (embedded Temporal on SQLite, or with --shape production on
PostgreSQL in two scratch databases of the --postgres server; application
database, worker, web app), then measures ticket creation against a bare Temporal start and a
bare insert, whole lifecycles through the REST API, open tickets at rest and
reads at volume, and writes docs/BENCHMARKS.md and docs/benchmarks.json
(this run's report; the hand-written end of an existing BENCHMARKS.md, after
its marker line, is kept).

       guichet bench report --from A/benchmarks.json,B/benchmarks.json [--out docs]

Puts several runs together (see "guichet bench report -h").
`

// benchReportUsage is the help of `guichet bench report`.
const benchReportUsage = `usage: guichet bench report --from FILE[,FILE…] [--out DIR]

Writes DIR/BENCHMARKS.md and DIR/benchmarks.json from the benchmarks.json of
several runs (each "guichet bench --out DIR" writes one; an assembled
docs/benchmarks.json can be given too, and a run's file from any version of
this command). The document shows the embedded default, then the production
shape; each section comes from one run and says which (date, machine,
versions, load average, stack, bounds). When several runs hold the same
section of the same shape, the later run wins: the one started last, and
among runs started at the same time the one given last. The issue's targets
are checked on the production shape's figures, and on the embedded default's
for information. The hand-written end of an existing DIR/BENCHMARKS.md (after
the line ` + bench.HandWrittenMarker + `) is kept.
Nothing is written when a file is missing or unreadable (exit status 2).
`

// benchFlags are the options of `guichet bench`.
type benchFlags struct {
	stack                                     bench.Stack
	concurrency, sections                     string
	n, openTickets, readTickets, readArticles int
	max, openMax                              time.Duration
}

// runBench runs `guichet bench`.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "report" {
		return runBenchReport(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("guichet bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage+"\nFlags:\n"); fs.PrintDefaults() }
	d := bench.Defaults()
	var f benchFlags
	fs.StringVar(&f.stack.ConfigPath, "config", "", "configuration file (YAML); the bench overrides addresses and data directory")
	fs.StringVar(&f.stack.DataDir, "data-dir", "", "data directory (default: a temporary one, removed at the end)")
	fs.StringVar(&f.stack.Out, "out", "docs", "directory receiving BENCHMARKS.md and benchmarks.json (empty: none)")
	fs.StringVar(&f.stack.Profile, "profile", "", "directory receiving pprof CPU and allocation profiles of the creation load")
	fs.StringVar(&f.stack.Shape, "shape", "embedded", "embedded (SQLite everywhere) or production (--postgres required)")
	fs.StringVar(&f.stack.Postgres, "postgres", "", "PostgreSQL DSN of the application database (production shape); use an empty database")
	fs.StringVar(&f.stack.Temporal, "temporal", "", "host:port of an external Temporal server instead of the embedded one")
	fs.StringVar(&f.stack.Academy, "academy", "creteil", "académie of the demo people who file and handle tickets")
	fs.StringVar(&f.concurrency, "concurrency", "1,8,32", "concurrency levels, comma-separated")
	fs.StringVar(&f.sections, "sections", strings.Join(bench.Sections(), ","), "sections to run, comma-separated")
	fs.IntVar(&f.n, "n", d.N, "operations per measure and concurrency level")
	fs.DurationVar(&f.max, "max", d.Max, "time bound of each measure and concurrency level")
	fs.IntVar(&f.openTickets, "open-tickets", d.OpenTickets, "open tickets for the at-rest figure (the issue's figure: 100000)")
	fs.DurationVar(&f.openMax, "open-max", d.OpenMax, "time bound for filing the open tickets")
	fs.IntVar(&f.readTickets, "read-tickets", d.ReadTickets, "tickets seeded for the reads figure (the issue's figure: 1000000, on PostgreSQL)")
	fs.IntVar(&f.readArticles, "read-articles", d.ReadArticles, "knowledge-base articles seeded for the reads figure, over three académies (the issue's figure: 5000)")
	if err := parseFlags("bench", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("bench", fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	o, err := f.options()
	if err != nil {
		return usageError("bench", err)
	}
	if err := bench.RunStack(ctx, f.stack, o, stdout, stderr); err != nil {
		return failed("bench", err)
	}
	return nil
}

// options turns the flags into bench options.
func (f benchFlags) options() (bench.Options, error) {
	o := bench.Defaults()
	o.N, o.Max, o.OpenTickets, o.OpenMax, o.ReadTickets = f.n, f.max, f.openTickets, f.openMax, f.readTickets
	o.ReadArticles = f.readArticles
	o.Concurrency = nil
	for _, s := range strings.Split(f.concurrency, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			return o, fmt.Errorf("--concurrency %q: give numbers from 1 to 1024 such as 1,8,32", f.concurrency)
		}
		o.Concurrency = append(o.Concurrency, n)
	}
	known := map[string]bool{}
	for _, s := range bench.Sections() {
		known[s] = true
	}
	o.Sections = nil
	for _, s := range strings.Split(f.sections, ",") {
		s = strings.TrimSpace(s)
		if !known[s] {
			return o, fmt.Errorf("--sections: unknown section %q (known: %s)", s, strings.Join(bench.Sections(), ", "))
		}
		o.Sections = append(o.Sections, s)
	}
	switch {
	case f.n < 1 || f.max <= 0:
		return o, errors.New("--n and --max must be positive")
	case f.stack.Shape != "embedded" && f.stack.Shape != "production":
		return o, fmt.Errorf("--shape %q: embedded or production", f.stack.Shape)
	case f.stack.Shape == "production" && f.stack.Postgres == "":
		return o, errors.New("--shape production needs --postgres DSN (the application database)")
	case f.stack.Shape == "embedded" && (f.stack.Postgres != "" || f.stack.Temporal != ""):
		return o, errors.New("--postgres and --temporal make the production shape: add --shape production")
	}
	return o, nil
}

// runBenchReport runs `guichet bench report`: it reads every file before
// writing anything, so that bad input leaves the output directory as it
// was.
func runBenchReport(args []string, stdout, stderr io.Writer) error {
	const name = "bench report"
	fs := flag.NewFlagSet("guichet bench report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchReportUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var from, out string
	fs.StringVar(&from, "from", "", "benchmarks.json files of the runs, comma-separated")
	fs.StringVar(&out, "out", "docs", "directory receiving BENCHMARKS.md and benchmarks.json (empty: the document on stdout)")
	if err := parseFlags(name, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(name, fmt.Errorf("unexpected argument %q (give the files with --from A,B)", fs.Arg(0)))
	}
	var paths []string
	for _, p := range strings.Split(from, ",") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return usageError(name, errors.New("--from FILE[,FILE…] is required (the benchmarks.json of each run)"))
	}
	runs, err := bench.ReadRuns(paths)
	if err != nil {
		return usageError(name, err)
	}
	a := bench.Assemble(runs)
	var js bytes.Buffer
	if err := a.WriteJSON(&js); err != nil {
		return failed(name, err)
	}
	if err := bench.WriteReport(out, a, js.Bytes(), stdout); err != nil {
		return failed(name, err)
	}
	if out != "" {
		fmt.Fprintf(stderr, "guichet bench report: %d runs read, %d shown; wrote %s and %s\n", len(runs), len(a.Runs),
			filepath.Join(out, "BENCHMARKS.md"), filepath.Join(out, "benchmarks.json"))
	}
	return nil
}
