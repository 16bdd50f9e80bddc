package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"guichet/assembly"
	"guichet/config"
	"guichet/demo"
	"guichet/embedded"
	"guichet/store"
	"guichet/worker"
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
// that s describes (through assembly.New, as guichet dev does), runs the
// benchmark on it with o, writes the report to s.Out and stops the stack.
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
	webAddr, err := freeLoopbackAddr()
	if err != nil {
		return err
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
			return err
		}
		prefix := "guichet_bench_" + hex.EncodeToString(b[:])
		temporalPG = &embedded.PostgresOptions{DSN: f.Postgres, Database: prefix + "_temporal", VisibilityDatabase: prefix + "_visibility"}
		shape.Temporal = fmt.Sprintf("embedded in-process server persisted in PostgreSQL (plugin postgres12, databases %s and %s on the application's PostgreSQL server, SQL visibility)",
			temporalPG.Database, temporalPG.VisibilityDatabase)
	}
	cfg, err := config.Load(f.ConfigPath, overrides)
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
	db, err := assembly.OpenStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db, cfg.Academies, logger); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	c, err := assembly.DialTemporal(cfg, logger, metrics, false)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := worker.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		return err
	}
	cfg.API.RateLimit = 0 // the bench's clients share a token per role: measure Guichet, not api.rate_limit
	cfg.Web.ShutdownGrace = 5 * time.Second
	webApp, err := assembly.New(cfg, db, c, assembly.Options{Parts: assembly.Web, Logger: logger, Registry: reg})
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	s := assembly.NewGroup(runCtx)
	webApp.Start(s)

	// The worker side runs in its own group so that it can be stopped,
	// restarted, and replaced by a worker process in the open section.
	assembly.SizeWorkflowCache(cfg)
	stopBG := func() error { return nil }
	startWorker := func() error {
		app, err := assembly.New(cfg, db, c, assembly.Options{Parts: assembly.Worker, Logger: logger})
		if err != nil {
			return err
		}
		wctx, wcancel := context.WithCancel(runCtx)
		ws := assembly.NewGroup(wctx)
		app.Start(ws)
		stopBG = func() error { wcancel(); return ws.Wait() }
		return nil
	}
	stopWorker := func() error {
		err := stopBG()
		stopBG = func() error { return nil }
		sdkworker.PurgeStickyWorkflowCache() // frees the cached workflows once no worker is left
		return err
	}
	if err := startWorker(); err != nil {
		cancel()
		return err
	}
	restart := func(ctx context.Context) error {
		if err := stopWorker(); err != nil {
			return fmt.Errorf("stop worker: %w", err)
		}
		return startWorker()
	}
	defer func() {
		_ = stopBG()
		cancel()
		if err := s.Wait(); err != nil {
			logf("web: %v", err)
		}
	}()
	if err := waitHealthy(ctx, cfg.Web.BaseURL+"/healthz"); err != nil {
		return err
	}
	env := Env{BaseURL: cfg.Web.BaseURL, Temporal: c, DB: db, Academy: f.Academy,
		RestartWorker: restart, Logf: logf, WorkflowCacheSize: cfg.Worker.WorkflowCacheSize,
		StopWorker: stopWorker, StartWorker: startWorker,
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
	// A run's benchmarks.json is the run itself (Report), as it has
	// always been; `guichet bench report` reads it.
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		return err
	}
	if err := WriteReport(f.Out, Assemble([]*Report{r}), js.Bytes(), stdout); err != nil {
		return err
	}
	if f.Out != "" {
		logf("wrote %s and %s", filepath.Join(f.Out, "BENCHMARKS.md"), filepath.Join(f.Out, "benchmarks.json"))
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
