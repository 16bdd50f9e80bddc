package command

import (
	"context"
	"fmt"
	"io"
	"os"

	"go.temporal.io/sdk/client"

	"guichet/assembly"
	"guichet/config"
	"guichet/identity"
	"guichet/worker"
)

// runMigrate runs `guichet migrate`: it brings the schema up to date.
func runMigrate(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := assembly.NewLogger(cfg.Log, os.Stderr)
	assembly.LogWarnings(logger, cfg)
	db, err := assembly.OpenStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("schéma de la base à jour", "driver", cfg.Database.Driver)
	return nil
}

// runTemporalSetup runs `guichet temporal-setup`: it registers Guichet's
// search attributes and the directory-sync schedule on the cluster.
func runTemporalSetup(ctx context.Context, cfg config.Config, out io.Writer) error {
	logger := assembly.NewLogger(cfg.Log, os.Stderr)
	c, err := assembly.DialTemporal(cfg, logger, nil, false)
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

// runWeb runs `guichet web`, a production web process.
func runWeb(ctx context.Context, cfg config.Config, out io.Writer) error {
	p, err := assembly.OpenProcess(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer p.Close()
	app, err := p.New(cfg, assembly.Web, true)
	if err != nil {
		return err
	}
	g := assembly.NewGroup(ctx)
	app.Start(g)
	p.Logger.Info("guichet web démarré", "addr", cfg.Web.Addr)
	return g.Wait()
}

// runWorker runs `guichet worker`, a production worker process: the
// Temporal worker, the outgoing mail sender, the replies listener and the
// resumer of kept submissions, with /healthz, /readyz and /metrics on
// worker.addr.
func runWorker(ctx context.Context, cfg config.Config, out io.Writer) error {
	if cfg.Mail.ListenAddr != "" && cfg.Mail.ReplySecret == "" {
		// Unsigned reply addresses would let anyone add text to any ticket.
		return &config.Error{Key: "mail.reply_secret", Source: "configuration",
			Expected: "a secret (16 characters or more) when mail.listen_addr is set: it signs the reply addresses of mails"}
	}
	p, err := assembly.OpenProcess(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer p.Close()
	assembly.SizeWorkflowCache(cfg)
	app, err := p.New(cfg, assembly.Worker, false)
	if err != nil {
		return err
	}
	g := assembly.NewGroup(ctx)
	app.Start(g)
	if cfg.Worker.Addr != "" {
		g.ServeOps(cfg.Worker.Addr, p.Registry, func(ctx context.Context) error {
			if err := p.DB.Ping(ctx); err != nil {
				return err
			}
			_, err := p.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		})
	}
	p.Logger.Info("guichet worker démarré", "task_queue", cfg.Temporal.TaskQueue)
	return g.Wait()
}
