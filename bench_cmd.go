package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"guichet/bench"
	"guichet/config"
	"guichet/demo"
	"guichet/embedded"
	"guichet/intake"
	"guichet/store"
	"guichet/web"
	"guichet/worker"
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
	config, dataDir, out, profile, shape, postgres, temporal, academy string
	concurrency, sections                                             string
	n, openTickets, readTickets, readArticles                         int
	max, openMax                                                      time.Duration
}

// runBench runs `guichet bench`.
func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "report" {
		return runBenchReport(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("guichet bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage+"\nFlags:\n"); fs.PrintDefaults() }
	d := bench.Defaults()
	var f benchFlags
	fs.StringVar(&f.config, "config", "", "configuration file (YAML); the bench overrides addresses and data directory")
	fs.StringVar(&f.dataDir, "data-dir", "", "data directory (default: a temporary one, removed at the end)")
	fs.StringVar(&f.out, "out", "docs", "directory receiving BENCHMARKS.md and benchmarks.json (empty: none)")
	fs.StringVar(&f.profile, "profile", "", "directory receiving pprof CPU and allocation profiles of the creation load")
	fs.StringVar(&f.shape, "shape", "embedded", "embedded (SQLite everywhere) or production (--postgres required)")
	fs.StringVar(&f.postgres, "postgres", "", "PostgreSQL DSN of the application database (production shape); use an empty database")
	fs.StringVar(&f.temporal, "temporal", "", "host:port of an external Temporal server instead of the embedded one")
	fs.StringVar(&f.academy, "academy", "creteil", "académie of the demo people who file and handle tickets")
	fs.StringVar(&f.concurrency, "concurrency", "1,8,32", "concurrency levels, comma-separated")
	fs.StringVar(&f.sections, "sections", strings.Join(bench.Sections(), ","), "sections to run, comma-separated")
	fs.IntVar(&f.n, "n", d.N, "operations per measure and concurrency level")
	fs.DurationVar(&f.max, "max", d.Max, "time bound of each measure and concurrency level")
	fs.IntVar(&f.openTickets, "open-tickets", d.OpenTickets, "open tickets for the at-rest figure (the issue's figure: 100000)")
	fs.DurationVar(&f.openMax, "open-max", d.OpenMax, "time bound for filing the open tickets")
	fs.IntVar(&f.readTickets, "read-tickets", d.ReadTickets, "tickets seeded for the reads figure (the issue's figure: 1000000, on PostgreSQL)")
	fs.IntVar(&f.readArticles, "read-articles", d.ReadArticles, "knowledge-base articles seeded for the reads figure, over three académies (the issue's figure: 5000)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "guichet bench: unexpected argument %q\n", fs.Arg(0))
		return exitConfig
	}
	o, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "guichet bench: %v\n", err)
		return exitConfig
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := benchRun(ctx, f, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "guichet bench: %v\n", err)
		return exitFailure
	}
	return 0
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
	case f.shape != "embedded" && f.shape != "production":
		return o, fmt.Errorf("--shape %q: embedded or production", f.shape)
	case f.shape == "production" && f.postgres == "":
		return o, errors.New("--shape production needs --postgres DSN (the application database)")
	case f.shape == "embedded" && (f.postgres != "" || f.temporal != ""):
		return o, errors.New("--postgres and --temporal make the production shape: add --shape production")
	}
	return o, nil
}

// freeLoopbackAddr returns a loopback address whose port is free now.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// benchRun assembles the stack like runDev (run.go), runs the benchmark and
// writes the report.
func benchRun(ctx context.Context, f benchFlags, o bench.Options, stdout, stderr io.Writer) error {
	dataDir := f.dataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "guichet-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	webAddr, err := freeLoopbackAddr()
	if err != nil {
		return err
	}
	overrides := map[string]any{
		"data_dir": dataDir, "web.addr": webAddr, "web.base_url": "http://" + webAddr,
		"temporal.ui_addr": "", "mail.listen_addr": "", "log.level": "warn",
	}
	shape := bench.Shape{Name: f.shape, AppDB: store.DriverSQLite, Temporal: "embedded in-process server, SQLite file (WAL)"}
	if f.postgres != "" {
		overrides["database.driver"], overrides["database.dsn"] = store.DriverPostgres, f.postgres
		shape.AppDB = store.DriverPostgres
	}
	// The production shape's Temporal persists in two scratch databases of
	// the application's PostgreSQL server, dropped at the end.
	var temporalPG *embedded.PostgresOptions
	switch {
	case f.temporal != "":
		overrides["temporal.host_port"] = f.temporal
		shape.Temporal = "external server at " + f.temporal
	case f.shape == "production":
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		prefix := "guichet_bench_" + hex.EncodeToString(b[:])
		temporalPG = &embedded.PostgresOptions{DSN: f.postgres, Database: prefix + "_temporal", VisibilityDatabase: prefix + "_visibility"}
		shape.Temporal = fmt.Sprintf("embedded in-process server persisted in PostgreSQL (plugin postgres12, databases %s and %s on the application's PostgreSQL server, SQL visibility)",
			temporalPG.Database, temporalPG.VisibilityDatabase)
	}
	cfg, err := config.Load(f.config, overrides)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Log, stderr)
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	machine := bench.Describe()
	reg, metrics, err := newMetrics()
	if err != nil {
		return err
	}

	var tsrv *embedded.Temporal
	if f.temporal == "" {
		logf("starting the embedded Temporal server in %s", dataDir)
		if temporalPG != nil {
			logf("Temporal persisted in PostgreSQL databases %s and %s", temporalPG.Database, temporalPG.VisibilityDatabase)
			// Registered first, so it runs after the server stops.
			defer func() {
				if err := embedded.DropPostgresDatabases(*temporalPG); err != nil {
					logf("%v", err)
				}
			}()
		}
		tsrv, err = embedded.StartTemporal(ctx, embedded.TemporalOptions{
			DataDir: cfg.DataDir, Postgres: temporalPG, HostPort: "127.0.0.1:0", Namespace: cfg.Temporal.Namespace,
			Retention: cfg.Temporal.Retention, Logger: logger.With("component", "temporal-server"),
		})
		if err != nil {
			return err
		}
		defer tsrv.Stop()
		cfg.Temporal.HostPort = tsrv.HostPort()
	}
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db, cfg.Academies, logger); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	c, err := dialTemporal(cfg, logger, metrics, false)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := worker.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		return err
	}
	cfg.API.RateLimit = 0 // the bench's clients share a token per role: measure Guichet, not api.rate_limit
	srv, err := web.New(web.Deps{Config: cfg, DB: db, Temporal: c, Logger: logger, Registry: reg,
		Intake: intake.New(db, c, cfg, logger.With("component", "intake"))})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	s := newServices(runCtx)
	s.serveWeb(srv, cfg.Web.Addr, 5*time.Second, logger)

	// The worker side runs in its own group so that it can be stopped,
	// restarted, and replaced by a worker process in the open section.
	setWorkflowCacheSize(cfg)
	stopBG := func() error { return nil }
	startWorker := func() error {
		wctx, wcancel := context.WithCancel(runCtx)
		ws := newServices(wctx)
		startBackground(ws, cfg, db, c, logger, nil)
		stopBG = func() error { wcancel(); return ws.wait() }
		return nil
	}
	stopWorker := func() error {
		err := stopBG()
		stopBG = func() error { return nil }
		sdkworker.PurgeStickyWorkflowCache() // frees the cached workflows once no worker is left
		return err
	}
	_ = startWorker()
	restart := func(ctx context.Context) error {
		if err := stopWorker(); err != nil {
			return fmt.Errorf("stop worker: %w", err)
		}
		return startWorker()
	}
	defer func() {
		_ = stopBG()
		cancel()
		if err := s.wait(); err != nil {
			logf("web: %v", err)
		}
	}()
	if err := waitHealthy(ctx, cfg.Web.BaseURL+"/healthz"); err != nil {
		return err
	}
	env := bench.Env{BaseURL: cfg.Web.BaseURL, Temporal: c, DB: db, Academy: f.academy,
		RestartWorker: restart, Logf: logf, WorkflowCacheSize: cfg.Worker.WorkflowCacheSize,
		StopWorker: stopWorker, StartWorker: startWorker,
		StartWorkerProcess: func(ctx context.Context) (bench.WorkerProcess, error) {
			p, err := startWorkerProcess(ctx, f.config, cfg, logf)
			if err != nil {
				return nil, err
			}
			return p, nil
		}}
	switch {
	case temporalPG != nil:
		env.TemporalDBSize = func(ctx context.Context) (int64, error) {
			var n int64
			err := db.NewRaw("SELECT pg_database_size(?) + pg_database_size(?)", temporalPG.Database, temporalPG.VisibilityDatabase).Scan(ctx, &n)
			return n, err
		}
	case tsrv != nil:
		env.TemporalDBFile = filepath.Join(cfg.DataDir, embedded.DatabaseFile)
	}
	var profiles []bench.ProfileTop
	if f.profile != "" {
		o.Profile = profiler(f.profile, &profiles)
	}
	logf("stack ready (web %s, Temporal %s); measuring", cfg.Web.BaseURL, cfg.Temporal.HostPort)
	r, runErr := bench.Run(ctx, env, o)
	if r == nil {
		return runErr
	}
	machine.LoadAfter = bench.LoadAverage()
	r.Machine, r.Shape, r.Profiles = machine, shape, profiles
	if runErr != nil {
		r.Notes = append(r.Notes, "The run stopped early: "+runErr.Error())
	}
	// A run's benchmarks.json is the run itself (bench.Report), as it has
	// always been; `guichet bench report` reads it.
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		return err
	}
	if err := writeBenchReport(f.out, bench.Assemble([]*bench.Report{r}), js.Bytes(), stdout); err != nil {
		return err
	}
	if f.out != "" {
		logf("wrote %s and %s", filepath.Join(f.out, "BENCHMARKS.md"), filepath.Join(f.out, "benchmarks.json"))
	}
	return runErr
}

// runBenchReport runs `guichet bench report`: it reads every file before
// writing anything, so that bad input leaves the output directory as it
// was.
func runBenchReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guichet bench report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchReportUsage+"\nFlags:\n"); fs.PrintDefaults() }
	var from, out string
	fs.StringVar(&from, "from", "", "benchmarks.json files of the runs, comma-separated")
	fs.StringVar(&out, "out", "docs", "directory receiving BENCHMARKS.md and benchmarks.json (empty: the document on stdout)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "guichet bench report: unexpected argument %q (give the files with --from A,B)\n", fs.Arg(0))
		return exitConfig
	}
	var paths []string
	for _, p := range strings.Split(from, ",") {
		if p = strings.TrimSpace(p); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "guichet bench report: --from FILE[,FILE…] is required (the benchmarks.json of each run)")
		return exitConfig
	}
	runs, err := bench.ReadRuns(paths)
	if err != nil {
		fmt.Fprintf(stderr, "guichet bench report: %v\n", err)
		return exitConfig
	}
	a := bench.Assemble(runs)
	var js bytes.Buffer
	if err := a.WriteJSON(&js); err != nil {
		fmt.Fprintf(stderr, "guichet bench report: %v\n", err)
		return exitFailure
	}
	if err := writeBenchReport(out, a, js.Bytes(), stdout); err != nil {
		fmt.Fprintf(stderr, "guichet bench report: %v\n", err)
		return exitFailure
	}
	if out != "" {
		fmt.Fprintf(stderr, "guichet bench report: %d runs read, %d shown; wrote %s and %s\n", len(runs), len(a.Runs),
			filepath.Join(out, "BENCHMARKS.md"), filepath.Join(out, "benchmarks.json"))
	}
	return 0
}

// writeBenchReport writes out/BENCHMARKS.md (keeping the hand-written end
// of the one there) and out/benchmarks.json, each replaced whole; with no
// out, the document goes to stdout.
func writeBenchReport(out string, a *bench.Assembly, js []byte, stdout io.Writer) error {
	var md bytes.Buffer
	if out == "" {
		if err := a.WriteDocument(&md, ""); err != nil {
			return err
		}
		_, err := stdout.Write(md.Bytes())
		return err
	}
	mdPath := filepath.Join(out, "BENCHMARKS.md")
	tail := ""
	switch existing, err := os.ReadFile(mdPath); { // #nosec G304 -- the operator's --out directory
	case err == nil:
		tail = bench.HandWritten(existing)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	if err := a.WriteDocument(&md, tail); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return err
	}
	if err := replaceFile(mdPath, md.Bytes()); err != nil {
		return err
	}
	return replaceFile(filepath.Join(out, "benchmarks.json"), js)
}

// replaceFile writes data to a temporary file next to path, then renames
// it over path, so that a failed write leaves the old file whole.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // #nosec G104 -- gone after the rename; only a failed write leaves it
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // #nosec G302 -- a public report committed under docs/
		_ = tmp.Close() // the chmod error is the one to report
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// waitHealthy waits until url answers 200.
func waitHealthy(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close() // a health probe: only the status matters
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("web app not healthy at %s: %v", url, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// profiler returns the Options.Profile hook: a CPU profile of the load and
// the allocations made during it, written to dir and summarised with
// `go tool pprof -top` into *tops.
func profiler(dir string, tops *[]bench.ProfileTop) func(string) (func() error, error) {
	return func(name string) (func() error, error) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		cpuFile := filepath.Join(dir, name+"-cpu.pprof")
		allocBase := filepath.Join(dir, name+"-allocs-before.pprof")
		allocFile := filepath.Join(dir, name+"-allocs.pprof")
		if err := writeProfile("allocs", allocBase); err != nil {
			return nil, err
		}
		cf, err := os.Create(cpuFile) // #nosec G304 -- under the operator's --profile directory, named after a scenario
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cf); err != nil {
			_ = cf.Close() // the profiler error is the one to report
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		return func() error {
			pprof.StopCPUProfile()
			if err := cf.Close(); err != nil {
				return err
			}
			if err := writeProfile("allocs", allocFile); err != nil {
				return err
			}
			*tops = append(*tops,
				bench.ProfileTop{Kind: "cpu, flat", File: cpuFile, Top: pprofTop(cpuFile)},
				bench.ProfileTop{Kind: "cpu, cumulative", File: cpuFile, Top: pprofTop("-cum", cpuFile)},
				bench.ProfileTop{Kind: "alloc_space (during the load)", File: allocFile,
					Top: pprofTop("-sample_index=alloc_space", "-base", allocBase, allocFile)})
			return nil
		}, nil
	}
}

func writeProfile(name, path string) error {
	f, err := os.Create(path) // #nosec G304 -- under the operator's --profile directory, named after a scenario
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		_ = f.Close() // the profile error is the one to report
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}

// pprofTop runs `go tool pprof -top` (the Go toolchain must be on PATH, as
// under `go run`) and keeps its table's head.
func pprofTop(args ...string) []string {
	cmdArgs := append([]string{"tool", "pprof", "-top", "-nodecount=30"}, args...)
	out, err := exec.Command("go", cmdArgs...).CombinedOutput() // #nosec G204 -- fixed `go tool pprof` on profile files this command wrote; no shell
	if err != nil {
		return []string{fmt.Sprintf("go %s: %v", strings.Join(cmdArgs, " "), err)}
	}
	var lines []string
	keep := false
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if strings.HasPrefix(l, "Showing nodes") || strings.HasPrefix(l, "      flat") {
			keep = true
		}
		if keep {
			lines = append(lines, l)
		}
	}
	return lines
}

// workerProcess is the `guichet worker` child that serves the tickets of
// the bench's open-tickets section.
type workerProcess struct {
	cmd    *exec.Cmd
	done   chan struct{}
	ops    string // http://<worker.addr>
	log    string
	logOut *os.File
}

// startWorkerProcess starts this executable as `guichet worker` on the
// bench's Temporal server, namespace, task queue and application database
// (the bench's configuration file, if any, with GUICHET_* variables for
// what the bench chose), and waits until its /readyz answers.
func startWorkerProcess(ctx context.Context, configPath string, cfg config.Config, logf func(string, ...any)) (*workerProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("worker process: %w", err)
	}
	opsAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	set := map[string]string{
		"data_dir": cfg.DataDir, "database.driver": cfg.Database.Driver, "database.dsn": cfg.DatabaseDSN(),
		"temporal.host_port": cfg.Temporal.HostPort, "temporal.namespace": cfg.Temporal.Namespace,
		"temporal.task_queue": cfg.Temporal.TaskQueue, "web.base_url": cfg.Web.BaseURL, "log.level": cfg.Log.Level,
		"worker.addr": opsAddr, "worker.workflow_cache_size": strconv.Itoa(cfg.Worker.WorkflowCacheSize),
	}
	// The bench's replies listener is off (mail.listen_addr empty): so is
	// the child's.
	drop := map[string]bool{config.EnvVar("mail.listen_addr"): true}
	for k := range set {
		drop[config.EnvVar(k)] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, config.EnvVar(k)+"="+v)
	}
	args := []string{"worker"}
	if configPath != "" {
		args = append(args, "--config", configPath)
	}
	logPath := filepath.Join(cfg.DataDir, "bench-worker.log")
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) // #nosec G304 -- in the bench's data directory
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "---- start at %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(exe, args...) // #nosec G204 -- this very executable, fixed subcommand
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	setChildDiesWithParent(cmd)
	if err := cmd.Start(); err != nil {
		_ = out.Close() // the start error is the one to report
		return nil, fmt.Errorf("worker process: %w", err)
	}
	p := &workerProcess{cmd: cmd, done: make(chan struct{}), ops: "http://" + opsAddr, log: logPath, logOut: out}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-p.done:
			_ = out.Close() // the exit is the error to report
			return nil, fmt.Errorf("worker process exited at start (%v); its output is in %s", cmd.ProcessState, logPath)
		case <-ctx.Done():
			_ = p.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := hc.Get(p.ops + "/readyz"); err == nil {
			_ = resp.Body.Close() // a readiness probe: only the status matters
			if resp.StatusCode == http.StatusOK {
				logf("worker process %d ready (output in %s)", p.PID(), logPath)
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			_ = p.Stop()
			return nil, fmt.Errorf("worker process not ready at %s/readyz; its output is in %s", p.ops, logPath)
		}
	}
}

// PID is the worker process' ID.
func (p *workerProcess) PID() int { return p.cmd.Process.Pid }

// GoHeapBytes reads go_memstats_heap_alloc_bytes from the worker's
// /metrics, 0 when unavailable.
func (p *workerProcess) GoHeapBytes(ctx context.Context) int64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.ops+"/metrics", nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, "go_memstats_heap_alloc_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return int64(f)
		}
	}
	return 0
}

// Stop sends SIGTERM and waits for the process to end (SIGKILL after a
// minute).
func (p *workerProcess) Stop() error {
	defer p.logOut.Close()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill() // the timeout is the error to report
		<-p.done
		return fmt.Errorf("worker process %d did not stop within a minute of SIGTERM (killed); see %s", p.PID(), p.log)
	}
	if !p.cmd.ProcessState.Success() {
		return fmt.Errorf("worker process %d ended with %v; see %s", p.PID(), p.cmd.ProcessState, p.log)
	}
	return nil
}
