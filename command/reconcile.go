package command

import (
	"context"
	"fmt"
	"io"

	"guichet/assembly"
	"guichet/config"
	"guichet/mail"
	"guichet/reconcile"
)

// runReconcile runs `guichet reconcile`: one pass of the reconciliation on
// demand (worker processes run it every worker.reconcile_interval). It
// lists the tickets it flagged; their supervisors' mails are queued for the
// workers' sender.
func runReconcile(ctx context.Context, cfg config.Config, out io.Writer) error {
	p, err := assembly.OpenProcess(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer p.Close()
	outbox := mail.NewOutbox(p.DB, cfg.Mail, cfg.Web.BaseURL, mail.WithLogger(p.Logger.With("component", "mail")))
	rec, err := reconcile.New(p.DB, p.Temporal, outbox, cfg, p.Logger.With("component", "reconcile"), nil)
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
