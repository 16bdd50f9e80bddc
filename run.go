package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
	temporallog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"golang.org/x/sync/errgroup"

	"guichet/activities"
	"guichet/config"
	"guichet/demo"
	"guichet/embedded"
	"guichet/identity"
	"guichet/intake"
	"guichet/mail"
	"guichet/reconcile"
	"guichet/store"
	"guichet/web"
	"guichet/worker"
)

// openStore opens and, when migrate is true, migrates the application
// database.
func openStore(ctx context.Context, cfg config.Config, migrate bool) (*store.DB, error) {
	if cfg.Database.Driver == store.DriverSQLite {
		// #nosec G703 -- the operator's own database path, from configuration
		if err := os.MkdirAll(filepath.Dir(cfg.DatabaseDSN()), 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	db, err := store.Open(cfg.Database.Driver, cfg.DatabaseDSN())
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			_ = db.Close() // the migration error is the one to report
			return nil, err
		}
	}
	return db, nil
}

// dialTemporal connects a Temporal client. The SDK connects lazily, so a
// web process starts even while Temporal is down (submissions are kept).
func dialTemporal(cfg config.Config, logger *slog.Logger, metrics client.MetricsHandler, lazy bool) (client.Client, error) {
	opts := client.Options{
		HostPort:       cfg.Temporal.HostPort,
		Namespace:      cfg.Temporal.Namespace,
		Logger:         temporallog.NewStructuredLogger(logger.With("component", "temporal-sdk")),
		MetricsHandler: metrics,
	}
	var (
		c   client.Client
		err error
	)
	if lazy {
		c, err = client.NewLazyClient(opts)
	} else {
		c, err = client.Dial(opts)
	}
	if err != nil {
		return nil, fmt.Errorf("temporal: connect to %s: %w", cfg.Temporal.HostPort, err)
	}
	return c, nil
}

// services are the long-running parts of a process, run together and
// stopped together.
type services struct {
	g   *errgroup.Group
	ctx context.Context
}

func newServices(ctx context.Context) *services {
	g, gctx := errgroup.WithContext(ctx)
	return &services{g: g, ctx: gctx}
}

// loop runs fn until the context ends; a context error is a clean stop.
func (s *services) loop(fn func(context.Context) error) {
	s.g.Go(func() error {
		if err := fn(s.ctx); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	})
}

// serveWeb runs the web app until ctx ends, then shuts it down gracefully.
func (s *services) serveWeb(srv *web.Server, addr string, grace time.Duration, logger *slog.Logger) {
	s.loop(func(ctx context.Context) error {
		srv.PurgeSessions(ctx, 10*time.Minute)
		return nil
	})
	s.g.Go(func() error {
		errc := make(chan error, 1)
		go func() { errc <- srv.Listen(addr) }()
		select {
		case err := <-errc:
			return fmt.Errorf("web: listen on %s: %w", addr, err)
		case <-s.ctx.Done():
		}
		logger.Info("arrêt du serveur web")
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		return srv.Shutdown(ctx)
	})
}

// serveOps serves /healthz, /readyz and /metrics for a worker process.
func (s *services) serveOps(addr string, reg *prometheus.Registry, ready func(context.Context) error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	s.g.Go(func() error {
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		select {
		case err := <-errc:
			return fmt.Errorf("ops: listen on %s: %w", addr, err)
		case <-s.ctx.Done():
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	})
}

func (s *services) wait() error { return s.g.Wait() }

// checkPortFree fails with a clear message when addr is already taken.
func checkPortFree(what, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: address %s is not available (%w); choose another one with the matching flag", what, addr, err)
	}
	return l.Close()
}

// runMigrate brings the schema up to date.
func runMigrate(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := newLogger(cfg.Log, os.Stderr)
	logWarnings(logger, cfg)
	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("schéma de la base à jour", "driver", cfg.Database.Driver)
	return nil
}

// runTemporalSetup registers Guichet's search attributes on the cluster.
func runTemporalSetup(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := newLogger(cfg.Log, os.Stderr)
	c, err := dialTemporal(cfg, logger, nil, false)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := worker.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		return err
	}
	if err := identity.EnsureSchedule(ctx, c, cfg); err != nil {
		return err
	}
	fmt.Fprintf(out, "search attributes registered in namespace %q\n", cfg.Temporal.Namespace)
	return nil
}

// process holds what every production process opens: logger, metrics,
// database and Temporal client.
type process struct {
	logger   *slog.Logger
	reg      *prometheus.Registry
	db       *store.DB
	temporal client.Client
}

// openProcess opens the parts of a production process. A lazy Temporal
// client lets a web process start (and keep submissions) while Temporal is
// down.
func openProcess(ctx context.Context, cfg config.Config, lazyTemporal bool) (*process, error) {
	logger := newLogger(cfg.Log, os.Stderr)
	logWarnings(logger, cfg)
	reg, metrics, err := newMetrics()
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	c, err := dialTemporal(cfg, logger, metrics, lazyTemporal)
	if err != nil {
		_ = db.Close() // the dial error is the one to report
		return nil, err
	}
	return &process{logger: logger, reg: reg, db: db, temporal: c}, nil
}

// close releases the Temporal client and the database.
func (p *process) close() {
	p.temporal.Close()
	if err := p.db.Close(); err != nil {
		p.logger.Warn("close database", "error", err)
	}
}

// runWeb runs a production web process.
func runWeb(ctx context.Context, cfg config.Config, out io.Writer) error {
	p, err := openProcess(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer p.close()
	in := spooledIntake(p.db, p.temporal, cfg, p.logger)
	srv, err := web.New(web.Deps{Config: cfg, DB: p.db, Temporal: p.temporal, Logger: p.logger, Registry: p.reg,
		Intake: in})
	if err != nil {
		return err
	}
	s := newServices(ctx)
	s.loop(in.RunSpoolDrainer)
	s.serveWeb(srv, cfg.Web.Addr, cfg.Web.ShutdownGrace, p.logger)
	p.logger.Info("guichet web démarré", "addr", cfg.Web.Addr)
	return s.wait()
}

// runWorker runs a production worker process: the Temporal worker, the
// outgoing mail sender and the resumer of kept submissions.
func runWorker(ctx context.Context, cfg config.Config, out io.Writer) error {
	if cfg.Mail.ListenAddr != "" && cfg.Mail.ReplySecret == "" {
		// Unsigned reply addresses would let anyone add text to any ticket.
		return &config.Error{Key: "mail.reply_secret", Source: "configuration",
			Expected: "a secret (16 characters or more) when mail.listen_addr is set: it signs the reply addresses of mails"}
	}
	p, err := openProcess(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer p.close()
	logger, reg, db, c := p.logger, p.reg, p.db, p.temporal
	setWorkflowCacheSize(cfg)
	s := newServices(ctx)
	startBackground(s, cfg, db, c, logger, reg)
	if cfg.Worker.Addr != "" {
		s.serveOps(cfg.Worker.Addr, reg, func(ctx context.Context) error {
			if err := db.Ping(ctx); err != nil {
				return err
			}
			_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		})
	}
	logger.Info("guichet worker démarré", "task_queue", cfg.Temporal.TaskQueue)
	return s.wait()
}

// setWorkflowCacheSize sizes the Temporal SDK's sticky workflow cache
// (process-wide) to worker.workflow_cache_size. It takes effect only when
// called before the process' first worker starts.
func setWorkflowCacheSize(cfg config.Config) {
	sdkworker.SetStickyWorkflowCacheSize(cfg.Worker.WorkflowCacheSize)
}

// startBackground starts what a worker process runs: the Temporal worker,
// the mail sender, the intake resumer and the reconciliation of tickets
// with their workflows (its metric on reg).
func startBackground(s *services, cfg config.Config, db *store.DB, c client.Client, logger *slog.Logger, reg prometheus.Registerer) {
	sender := mail.NewSender(db, cfg.Mail, logger.With("component", "mail"))
	outbox := mail.NewOutbox(db, cfg.Mail, cfg.Web.BaseURL, mail.WithNotify(sender.Notify), mail.WithLogger(logger.With("component", "mail")))
	w := worker.New(c, cfg, &activities.Activities{DB: db, Outbox: outbox, BaseURL: cfg.Web.BaseURL, Logger: logger.With("component", "activities"), ReplyTo: mail.ReplyToFunc(cfg.Mail),
		WebhookKey: store.NewWebhookKey(cfg.WebhookSecretKey()), WebhookAllowPrivate: cfg.Webhooks.AllowPrivateTargets})
	s.loop(func(ctx context.Context) error {
		if err := w.Start(); err != nil {
			return fmt.Errorf("worker: start: %w", err)
		}
		<-ctx.Done()
		w.Stop()
		return nil
	})
	s.loop(sender.Run)
	if cfg.Mail.ListenAddr != "" {
		s.loop(mail.NewListener(db, cfg, c, logger.With("component", "mail-listener")).Run)
	}
	s.loop(intake.New(db, c, cfg, logger.With("component", "intake")).RunResumer)
	s.loop(func(ctx context.Context) error {
		rec, err := reconcile.New(db, c, outbox, cfg, logger.With("component", "reconcile"), reg)
		if err != nil {
			return err
		}
		return rec.Run(ctx)
	})
}

// runDev runs the whole embedded stack in one process.
func runDev(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := newLogger(cfg.Log, os.Stderr)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory %s: %w", cfg.DataDir, err)
	}
	if cfg.Mail.ReplySecret == "" {
		secret, err := devSecret(filepath.Join(cfg.DataDir, "reply-secret"))
		if err != nil {
			return err
		}
		cfg.Mail.ReplySecret = secret
	}
	if err := checkPortFree("web", cfg.Web.Addr); err != nil {
		return err
	}
	reg, metrics, err := newMetrics()
	if err != nil {
		return err
	}
	logger.Info("démarrage de Temporal (intégré)", "addr", cfg.Temporal.HostPort)
	tsrv, err := embedded.StartTemporal(ctx, embedded.TemporalOptions{
		DataDir:   cfg.DataDir,
		HostPort:  cfg.Temporal.HostPort,
		UIAddr:    cfg.Temporal.UIAddr,
		Namespace: cfg.Temporal.Namespace,
		Retention: cfg.Temporal.Retention,
		Logger:    logger.With("component", "temporal-server"),

		UIWriteActions: cfg.Temporal.UIWriteActions,
	})
	if err != nil {
		return err
	}
	defer tsrv.Stop()

	db, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	fresh, err := demo.Load(ctx, db, cfg.Academies, logger)
	if err != nil {
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
	if err := identity.EnsureSchedule(ctx, c, cfg); err != nil {
		logger.Warn("planification de la synchronisation de l'annuaire", "err", err)
	}

	in := spooledIntake(db, c, cfg, logger)
	srv, err := web.New(web.Deps{Config: cfg, DB: db, Temporal: c, Logger: logger, Registry: reg, Intake: in})
	if err != nil {
		return err
	}
	setWorkflowCacheSize(cfg)
	s := newServices(ctx)
	s.loop(in.RunSpoolDrainer)
	startBackground(s, cfg, db, c, logger, reg)
	s.serveWeb(srv, cfg.Web.Addr, cfg.Web.ShutdownGrace, logger)
	if fresh {
		s.loop(func(ctx context.Context) error {
			codes := make([]string, 0, len(cfg.Academies))
			for _, a := range cfg.Academies {
				codes = append(codes, a.Code)
			}
			if err := demo.Tickets(ctx, db, codes, in, c); err != nil {
				logger.Error("tickets de démonstration", "err", err)
			}
			return nil
		})
	}
	printDevBanner(out, cfg, tsrv.UIURL())
	return s.wait()
}

// printDevBanner tells the developer where everything is and how to sign in.
func printDevBanner(out io.Writer, cfg config.Config, uiURL string) {
	fmt.Fprintf(out, `
Guichet (développement) est prêt.

  Application web   %s
  Temporal Web UI   %s
  Temporal gRPC     %s
  Données           %s

Comptes de démonstration (mot de passe : guichet) :
  admin                         administrateur global
`, cfg.Web.BaseURL, uiURL, cfg.Temporal.HostPort, cfg.DataDir)
	for _, a := range cfg.Academies {
		fmt.Fprintf(out, "  agent.%-8s collegue.%-8s tech.%-8s superviseur.%s   (%s)\n", a.Code, a.Code, a.Code, a.Code, a.Name)
	}
	fmt.Fprintln(out, "\nCtrl+C pour arrêter ; les données sont conservées.")
}

// logWarnings reports settings that work but are probably a mistake.
func logWarnings(logger *slog.Logger, cfg config.Config) {
	for _, w := range cfg.Warnings() {
		logger.Warn("configuration", "warning", w)
	}
}

// devSecret returns the secret kept in path, creating a random one on first
// use, so that reply addresses of the embedded default stay valid across
// restarts without any configuration. The file is readable by its owner
// only: one found with looser permissions is tightened.
func devSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 { // #nosec G304 -- a fixed name in the operator's data directory
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("protect secret %s: %w", path, err)
		}
		return string(b), nil
	}
	// A leftover too short to use is replaced by a new file: WriteFile
	// would keep its permissions.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("replace secret %s: %w", path, err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	secret := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("store secret %s: %w", path, err)
	}
	return secret, nil
}
