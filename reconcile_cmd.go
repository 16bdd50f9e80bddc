package main

import (
	"context"
	"fmt"
	"io"

	"guichet/config"
	"guichet/mail"
	"guichet/reconcile"
)

// runReconcile makes one pass of the reconciliation on demand (worker
// processes run it every worker.reconcile_interval) and lists the tickets
// it flagged; their supervisors' mails are queued for the workers' sender.
func runReconcile(ctx context.Context, cfg config.Config, out io.Writer) error {
	p, err := openProcess(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer p.close()
	outbox := mail.NewOutbox(p.db, cfg.Mail, cfg.Web.BaseURL, mail.WithLogger(p.logger.With("component", "mail")))
	rec, err := reconcile.New(p.db, p.temporal, outbox, cfg, p.logger.With("component", "reconcile"), nil)
	if err != nil {
		return err
	}
	found, err := rec.Reconcile(ctx)
	for _, f := range found {
		fmt.Fprintf(out, "%s\tworkflow %s hors de Guichet\n", f.Number, f.Status)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d ticket(s) nouvellement signalé(s)\n", len(found))
	return nil
}
