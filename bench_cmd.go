package main

import (
	"bytes"
	"context"
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
data directory (embedded Temporal on SQLite, application database, worker,
web app), then measures ticket creation against a bare Temporal start and a
bare insert, whole lifecycles through the REST API, open tickets at rest and
reads at volume, and writes docs/BENCHMARKS.md and docs/benchmarks.json.
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
	fs.StringVar(&f.temporal, "temporal", "", "host:port of an external Temporal server (e.g. persisted in PostgreSQL) instead of the embedded one")
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
	if f.temporal != "" {
		overrides["temporal.host_port"] = f.temporal
		shape.Temporal = "external server at " + f.temporal
	} else if f.shape == "production" {
		shape.Temporal += " — the embedded server has no PostgreSQL persistence; pass --temporal for a server persisted in PostgreSQL"
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
		tsrv, err = embedded.StartTemporal(ctx, embedded.TemporalOptions{
			DataDir: cfg.DataDir, HostPort: "127.0.0.1:0", Namespace: cfg.Temporal.Namespace,
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
	srv, err := web.New(web.Deps{Config: cfg, DB: db, Temporal: c, Logger: logger, Registry: reg,
		Intake: intake.New(db, c, cfg, logger.With("component", "intake"))})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	s := newServices(runCtx)
	s.serveWeb(srv, cfg.Web.Addr, 5*time.Second, logger)

	// The worker side runs in its own group so that it can be restarted.
	bg := func() (func() error, error) {
		wctx, wcancel := context.WithCancel(runCtx)
		ws := newServices(wctx)
		startBackground(ws, cfg, db, c, logger)
		return func() error { wcancel(); return ws.wait() }, nil
	}
	stopBG, _ := bg()
	restart := func(ctx context.Context) error {
		if err := stopBG(); err != nil {
			return fmt.Errorf("stop worker: %w", err)
		}
		sdkworker.PurgeStickyWorkflowCache()
		stopBG, _ = bg()
		return nil
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
		RestartWorker: restart, Logf: logf}
	if tsrv != nil {
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
	var md bytes.Buffer
	if err := bench.WriteDocument(&md, r); err != nil {
		return err
	}
	if f.out != "" {
		var js bytes.Buffer
		if err := r.WriteJSON(&js); err != nil {
			return err
		}
		if err := os.MkdirAll(f.out, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(f.out, "BENCHMARKS.md"), md.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(f.out, "benchmarks.json"), js.Bytes(), 0o644); err != nil {
			return err
		}
		logf("wrote %s and %s", filepath.Join(f.out, "BENCHMARKS.md"), filepath.Join(f.out, "benchmarks.json"))
	} else {
		_, _ = stdout.Write(md.Bytes())
	}
	return runErr
}

// waitHealthy waits until url answers 200.
func waitHealthy(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
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
		cf, err := os.Create(cpuFile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cf); err != nil {
			cf.Close()
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
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}

// pprofTop runs `go tool pprof -top` (the Go toolchain must be on PATH, as
// under `go run`) and keeps its table's head.
func pprofTop(args ...string) []string {
	cmdArgs := append([]string{"tool", "pprof", "-top", "-nodecount=30"}, args...)
	out, err := exec.Command("go", cmdArgs...).CombinedOutput()
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
