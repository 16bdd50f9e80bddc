// Package assembly builds Guichet once from a config.Config: the outbox
// and the mail sender, the activities and the Temporal worker, intake, the
// listener of replies to mails and the web app, and runs them together.
// `guichet dev`, `guichet web`, `guichet worker`, `guichet bench` and every
// end-to-end test (through package assembly/stacktest) call New; nothing
// else wires these parts. It also opens what a process needs before that:
// the logger, the metrics registry, the database and the Temporal client.
package assembly

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"guichet/activities"
	"guichet/config"
	"guichet/intake"
	"guichet/mail"
	"guichet/reconcile"
	"guichet/store"
	"guichet/web"
	"guichet/worker"
)

// Parts chooses what New builds: a web process, a worker process, or both
// (guichet dev).
type Parts uint8

const (
	// Web is the web app, with its spool drainer when Options.Spool is set.
	Web Parts = 1 << iota
	// Worker is the Temporal worker with the activities and the outbox, the
	// mail sender, the listener of replies (when mail.listen_addr is set)
	// and the resumer of submissions kept while Temporal was unreachable.
	Worker
	// All is a whole Guichet in one process.
	All = Web | Worker
)

// Options are what differs between the callers of New.
type Options struct {
	// Parts to build; zero builds All.
	Parts Parts
	// Logger of the parts (each gets a "component" attribute); nil
	// discards the logs.
	Logger *slog.Logger
	// Registry receives the web app's metrics; nil makes a new one.
	Registry *prometheus.Registry
	// Spool keeps the submissions the database refuses in
	// web.spool_dir, stored again by the web part's spool drainer.
	Spool bool
	// Sender options of the mail sender (tests shorten its delays).
	Sender []mail.SenderOption
	// Intake, when set, is the intake service instead of the one New
	// builds (tests: one on another database, or with a fake Temporal).
	Intake *intake.Service
}

// App is Guichet assembled on a database and a Temporal client. The parts
// that Options.Parts did not ask for are nil.
type App struct {
	Config   config.Config
	DB       *store.DB
	Temporal client.Client
	Logger   *slog.Logger
	Registry *prometheus.Registry
	Parts    Parts

	// Intake files tickets and starts their workflows (Web and Worker);
	// nil without a Temporal client (handler tests: the web app then
	// refuses submissions as unavailable).
	Intake *intake.Service
	// Web is the web app (Web).
	Web *web.Server
	// Sender delivers the outbox; Outbox queues the notifications and
	// wakes the sender; Activities are the worker's activities; Worker is
	// the Temporal worker, not started (Worker).
	Sender     *mail.Sender
	Outbox     *mail.Outbox
	Activities *activities.Activities
	Worker     sdkworker.Worker
	// Listener turns replies to mails into follow-ups (Worker, when
	// mail.listen_addr is set).
	Listener *mail.Listener
	// Reconciler flags the open tickets whose workflow ended outside
	// Guichet and tells their supervisors, every worker.reconcile_interval
	// (Worker).
	Reconciler *reconcile.Reconciler
}

// New builds the parts of Guichet that o asks for, over db and c, from
// cfg. Nothing is started: see Start and Run.
func New(cfg config.Config, db *store.DB, c client.Client, o Options) (*App, error) {
	if o.Parts == 0 {
		o.Parts = All
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	reg := o.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	a := &App{Config: cfg, DB: db, Temporal: c, Logger: logger, Registry: reg, Parts: o.Parts}
	switch {
	case o.Intake != nil:
		a.Intake = o.Intake
	case c != nil:
		a.Intake = intake.New(db, c, cfg, logger.With("component", "intake"))
		if o.Spool {
			a.Intake.Spool = intake.NewSpool(cfg.SpoolDirectory())
		}
	}
	if o.Parts&Worker != 0 {
		mailLog := logger.With("component", "mail")
		a.Sender = mail.NewSender(db, cfg.Mail, mailLog, o.Sender...)
		a.Outbox = mail.NewOutbox(db, cfg.Mail, cfg.Web.BaseURL, mail.WithNotify(a.Sender.Notify), mail.WithLogger(mailLog))
		if err := errors.Join(a.Sender.Err(), a.Outbox.Err()); err != nil {
			return nil, err
		}
		a.Activities = &activities.Activities{DB: db, Outbox: a.Outbox, BaseURL: cfg.Web.BaseURL,
			Logger: logger.With("component", "activities"), ReplyTo: mail.ReplyToFunc(cfg.Mail),
			WebhookKey: store.NewWebhookKey(cfg.WebhookSecretKey()), WebhookAllowPrivate: cfg.Webhooks.AllowPrivateTargets}
		a.Worker = worker.New(c, cfg, a.Activities)
		if cfg.Mail.ListenAddr != "" {
			a.Listener = mail.NewListener(db, cfg, c, logger.With("component", "mail-listener"))
		}
		rec, err := reconcile.New(db, c, a.Outbox, cfg, logger.With("component", "reconcile"), reg)
		if err != nil {
			return nil, err
		}
		a.Reconciler = rec
	}
	if o.Parts&Web != 0 {
		srv, err := web.New(web.Deps{Config: cfg, DB: db, Temporal: c, Logger: logger, Registry: reg, Intake: a.Intake})
		if err != nil {
			return nil, err
		}
		a.Web = srv
	}
	return a, nil
}

// Start adds the app's long-running parts to g: for Worker, the Temporal
// worker, the mail sender, the replies listener, the intake resumer and
// the reconciliation of tickets with their workflows;
// for Web, the spool drainer (with Options.Spool), the purge of expired
// sessions and the web app listening on web.addr.
func (a *App) Start(g *Group) {
	if a.Parts&Worker != 0 {
		w := a.Worker
		g.Loop(func(ctx context.Context) error {
			if err := w.Start(); err != nil {
				return fmt.Errorf("worker: start: %w", err)
			}
			<-ctx.Done()
			w.Stop()
			return nil
		})
		g.Loop(a.Sender.Run)
		if a.Listener != nil {
			g.Loop(a.Listener.Run)
		}
		g.Loop(a.Intake.RunResumer)
		g.Loop(a.Reconciler.Run)
	}
	if a.Parts&Web != 0 {
		if a.Intake != nil && a.Intake.Spool != nil {
			g.Loop(a.Intake.RunSpoolDrainer)
		}
		g.ServeWeb(a.Web, a.Config.Web.Addr, a.Config.Web.ShutdownGrace, a.Logger)
	}
}

// Run runs the app's parts (see Start) until ctx ends or one fails.
func (a *App) Run(ctx context.Context) error {
	g := NewGroup(ctx)
	a.Start(g)
	return g.Wait()
}

// SizeWorkflowCache sizes the Temporal SDK's sticky workflow cache
// (process-wide) to worker.workflow_cache_size. It takes effect only when
// called before the process' first worker starts.
func SizeWorkflowCache(cfg config.Config) {
	sdkworker.SetStickyWorkflowCacheSize(cfg.Worker.WorkflowCacheSize)
}

// sessionPurgeEvery is how often expired sessions are deleted.
const sessionPurgeEvery = 10 * time.Minute
