package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"guichet/assembly"
	"guichet/config"
	"guichet/embedded"
	"guichet/store"
)

// Stack says which stack RunStack assembles and where the report goes:
// the flags of `guichet bench`.
type Stack struct {
	// ConfigPath is the configuration file (YAML), empty for none; the
	// bench overrides addresses and data directory.
	ConfigPath string
	// DataDir is the data directory; empty for a temporary one, removed
	// at the end.
	DataDir string
	// Out receives BENCHMARKS.md and benchmarks.json; empty for none.
	Out string
	// Profile receives pprof profiles of the creation load; empty for
	// none.
	Profile string
	// Shape is "embedded" (SQLite everywhere) or "production" (Postgres
	// required).
	Shape string
	// Postgres is the DSN of the application database (production shape).
	Postgres string
	// Temporal is the host:port of an external Temporal server instead of
	// the embedded one.
	Temporal string
	// Academy is the académie of the demo people who file and handle
	// tickets.
	Academy string
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

// RunStack starts, in this process and on loopback only, the whole stack
// that f describes (through assembly.New, as guichet dev does), runs the
// benchmark on it with o, writes the report to f.Out and stops the stack.
// The worker side runs apart, so that the open-tickets section can stop
// it and run a `guichet worker` process instead (this very executable).
func RunStack(ctx context.Context, f Stack, o Options, stdout, stderr io.Writer) error {
	dataDir := f.DataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "guichet-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	cfg, shape, temporalPG, err := f.config(dataDir)
	if err != nil {
		return err
	}
	logger := assembly.NewLogger(cfg.Log, stderr)
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}
	machine := Describe()
	reg, metrics, err := assembly.NewMetrics()
	if err != nil {
		return err
	}

	var tsrv *embedded.Temporal
	if f.Temporal == "" {
		logf("starting the embedded Temporal server in %s", dataDir)
		var stop func()
		tsrv, stop, err = startTemporal(ctx, cfg, temporalPG, logger, logf)
		if err != nil {
			return err
		}
		defer stop()
		cfg.Temporal.HostPort = tsrv.HostPort()
	}
	db, c, _, err := assembly.OpenDemo(ctx, cfg, logger, metrics)
	if err != nil {
		return err
	}
	defer db.Close()
	defer c.Close()
	webApp, err := assembly.New(cfg, db, c, assembly.Options{Parts: assembly.Web, Logger: logger, Registry: reg})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	s := assembly.NewGroup(runCtx)
	webApp.Start(s)
	assembly.SizeWorkflowCache(cfg)
	ws := &workerSide{ctx: runCtx, app: func() (*assembly.App, error) {
		return assembly.New(cfg, db, c, assembly.Options{Parts: assembly.Worker, Logger: logger})
	}}
	defer func() {
		_ = ws.Stop()
		cancel()
		if err := s.Wait(); err != nil {
			logf("web: %v", err)
		}
	}()
	if err := ws.Start(); err != nil {
		return err
	}
	if err := waitHealthy(ctx, cfg.Web.BaseURL+"/healthz"); err != nil {
		return err
	}
	env := Env{BaseURL: cfg.Web.BaseURL, Temporal: c, DB: db, Academy: f.Academy,
		RestartWorker: ws.Restart, Logf: logf, WorkflowCacheSize: cfg.Worker.WorkflowCacheSize,
		StopWorker: ws.Stop, StartWorker: ws.Start,
		StartWorkerProcess: func(ctx context.Context) (WorkerProcess, error) {
			p, err := startWorkerProcess(ctx, f.ConfigPath, cfg, logf)
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
	var profiles []ProfileTop
	if f.Profile != "" {
		o.Profile = profiler(f.Profile, &profiles)
	}
	logf("stack ready (web %s, Temporal %s); measuring", cfg.Web.BaseURL, cfg.Temporal.HostPort)
	r, runErr := Run(ctx, env, o)
	if r == nil {
		return runErr
	}
	machine.LoadAfter = LoadAverage()
	r.Machine, r.Shape, r.Profiles = machine, shape, profiles
	if runErr != nil {
		r.Notes = append(r.Notes, "The run stopped early: "+runErr.Error())
	}
	if err := writeRun(f.Out, r, stdout); err != nil {
		return err
	}
	if f.Out != "" {
		logf("wrote %s and %s", filepath.Join(f.Out, "BENCHMARKS.md"), filepath.Join(f.Out, "benchmarks.json"))
	}
	return runErr
}

// startTemporal starts the embedded Temporal server of the stack, on
// SQLite in the data directory or, with pg, in PostgreSQL; stop stops it
// and drops pg's databases.
func startTemporal(ctx context.Context, cfg config.Config, pg *embedded.PostgresOptions, logger *slog.Logger,
	logf func(string, ...any)) (*embedded.Temporal, func(), error) {
	drop := func() {}
	if pg != nil {
		logf("Temporal persisted in PostgreSQL databases %s and %s", pg.Database, pg.VisibilityDatabase)
		drop = func() {
			if err := embedded.DropPostgresDatabases(*pg); err != nil {
				logf("%v", err)
			}
		}
	}
	tsrv, err := embedded.StartTemporal(ctx, embedded.TemporalOptions{
		DataDir: cfg.DataDir, Postgres: pg, HostPort: "127.0.0.1:0", Namespace: cfg.Temporal.Namespace,
		Retention: cfg.Temporal.Retention, Logger: logger.With("component", "temporal-server"),
	})
	if err != nil {
		drop()
		return nil, nil, err
	}
	return tsrv, func() { _ = tsrv.Stop(); drop() }, nil
}

// config is the configuration of the bench's stack on dataDir, the shape
// the report names, and the scratch PostgreSQL databases of the
// production shape's embedded Temporal (nil otherwise).
func (f Stack) config(dataDir string) (config.Config, Shape, *embedded.PostgresOptions, error) {
	webAddr, err := freeLoopbackAddr()
	if err != nil {
		return config.Config{}, Shape{}, nil, err
	}
	overrides := map[string]any{
		"data_dir": dataDir, "web.addr": webAddr, "web.base_url": "http://" + webAddr,
		"temporal.ui_addr": "", "mail.listen_addr": "", "log.level": "warn",
	}
	shape := Shape{Name: f.Shape, AppDB: store.DriverSQLite, Temporal: "embedded in-process server, SQLite file (WAL)"}
	if f.Postgres != "" {
		overrides["database.driver"], overrides["database.dsn"] = store.DriverPostgres, f.Postgres
		shape.AppDB = store.DriverPostgres
	}
	// The production shape's Temporal persists in two scratch databases of
	// the application's PostgreSQL server, dropped at the end.
	var temporalPG *embedded.PostgresOptions
	switch {
	case f.Temporal != "":
		overrides["temporal.host_port"] = f.Temporal
		shape.Temporal = "external server at " + f.Temporal
	case f.Shape == "production":
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return config.Config{}, Shape{}, nil, err
		}
		prefix := "guichet_bench_" + hex.EncodeToString(b[:])
		temporalPG = &embedded.PostgresOptions{DSN: f.Postgres, Database: prefix + "_temporal", VisibilityDatabase: prefix + "_visibility"}
		shape.Temporal = fmt.Sprintf("embedded in-process server persisted in PostgreSQL (plugin postgres12, databases %s and %s on the application's PostgreSQL server, SQL visibility)",
			temporalPG.Database, temporalPG.VisibilityDatabase)
	}
	cfg, err := config.Load(f.ConfigPath, overrides)
	if err != nil {
		return config.Config{}, Shape{}, nil, err
	}
	cfg.API.RateLimit = 0 // the bench's clients share a token per role: measure Guichet, not api.rate_limit
	cfg.Web.ShutdownGrace = 5 * time.Second
	return cfg, shape, temporalPG, nil
}

// workerSide is the worker part of the bench's stack, run in a group of
// its own so that it can be stopped, restarted, and replaced by a worker
// process in the open section. A stopped worker cannot start again: each
// start assembles a new one.
type workerSide struct {
	ctx  context.Context
	app  func() (*assembly.App, error)
	stop func() error // nil when stopped
}

// Start assembles and starts the worker part.
func (w *workerSide) Start() error {
	app, err := w.app()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(w.ctx)
	g := assembly.NewGroup(ctx)
	app.Start(g)
	w.stop = func() error { cancel(); return g.Wait() }
	return nil
}

// Stop stops the worker part, if running, and empties the SDK's workflow
// cache.
func (w *workerSide) Stop() error {
	var err error
	if w.stop != nil {
		err = w.stop()
		w.stop = nil
	}
	sdkworker.PurgeStickyWorkflowCache() // frees the cached workflows once no worker is left
	return err
}

// Restart stops the worker part and starts a new one.
func (w *workerSide) Restart(context.Context) error {
	if err := w.Stop(); err != nil {
		return fmt.Errorf("stop worker: %w", err)
	}
	return w.Start()
}

// writeRun writes the report of run r to out (see WriteReport). A run's
// benchmarks.json is the run itself (Report), as it has always been;
// `guichet bench report` reads it.
func writeRun(out string, r *Report, stdout io.Writer) error {
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		return err
	}
	return WriteReport(out, Assemble([]*Report{r}), js.Bytes(), stdout)
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
