package main

import (
	"log/slog"

	"go.temporal.io/sdk/client"

	"guichet/config"
	"guichet/intake"
	"guichet/store"
)

// spooledIntake is the intake service of a web process: submissions the
// database refuses are kept in web.spool_dir and stored by the process's
// spool drainer (intake.Service.RunSpoolDrainer) when it answers again.
func spooledIntake(db *store.DB, c client.Client, cfg config.Config, logger *slog.Logger) *intake.Service {
	in := intake.New(db, c, cfg, logger.With("component", "intake"))
	in.Spool = intake.NewSpool(cfg.SpoolDirectory())
	return in
}
