package command

import (
	"context"
	"fmt"
	"io"
	"os"

	"guichet/assembly"
	"guichet/config"
	"guichet/embedded"
	"guichet/workflows"
)

// runTemporal runs `guichet temporal`: a Temporal server (all services in this process) persisted
// in PostgreSQL, with its Web UI when temporal.server.ui_addr is set, until SIGTERM or Ctrl+C.
// At each start it creates the two databases if missing, sets up or upgrades their schemas,
// registers the namespace with its retention and Guichet's search attributes.
func runTemporal(ctx context.Context, cfg config.Config, out io.Writer) error {
	s := cfg.Temporal.Server
	if s.PostgresDSN == "" {
		return &config.Error{
			Key: "temporal.server.postgres_dsn",
			Expected: "a PostgreSQL URL like postgres://temporal:secret@db:5432/postgres?sslmode=disable, in the file or " +
				config.EnvVar("temporal.server.postgres_dsn") + " (guichet temporal persists in PostgreSQL only; guichet dev embeds a SQLite one)",
		}
	}
	logger := assembly.NewLogger(cfg.Log, os.Stderr)
	logger.Info("démarrage de Temporal sur PostgreSQL", "addr", s.Addr,
		"database", s.Database, "visibility_database", s.VisibilityDatabase)
	srv, err := embedded.StartTemporal(ctx, embedded.TemporalOptions{
		Postgres: &embedded.PostgresOptions{
			DSN:                s.PostgresDSN,
			Database:           s.Database,
			VisibilityDatabase: s.VisibilityDatabase,
		},
		HostPort:         s.Addr,
		UIAddr:           s.UIAddr,
		UIWriteActions:   cfg.Temporal.UIWriteActions,
		Namespace:        cfg.Temporal.Namespace,
		Retention:        cfg.Temporal.Retention,
		SearchAttributes: workflows.SearchAttributeTypes(),
		Logger:           logger.With("component", "temporal-server"),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Temporal prêt : gRPC %s, espace de noms %q", srv.HostPort(), cfg.Temporal.Namespace)
	if srv.UIURL() != "" {
		fmt.Fprintf(out, ", interface web %s", srv.UIURL())
	}
	fmt.Fprintln(out)
	<-ctx.Done()
	logger.Info("arrêt de Temporal")
	return srv.Stop()
}
