package assembly

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	temporallog "go.temporal.io/sdk/log"

	"guichet/config"
	"guichet/demo"
	"guichet/store"
	"guichet/worker"
)

// OpenStore opens and, when migrate is true, migrates the application
// database.
func OpenStore(ctx context.Context, cfg config.Config, migrate bool) (*store.DB, error) {
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

// DialTemporal connects a Temporal client. With lazy, the SDK connects on
// first use, so a web process starts even while Temporal is down
// (submissions are kept).
func DialTemporal(cfg config.Config, logger *slog.Logger, metrics client.MetricsHandler, lazy bool) (client.Client, error) {
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

// Process holds what every production process opens: logger, metrics,
// database and Temporal client.
type Process struct {
	Logger   *slog.Logger
	Registry *prometheus.Registry
	DB       *store.DB
	Temporal client.Client
}

// OpenProcess opens the parts of a production process, its logs going to
// stderr. A lazy Temporal client lets a web process start (and keep
// submissions) while Temporal is down.
func OpenProcess(ctx context.Context, cfg config.Config, lazyTemporal bool) (*Process, error) {
	logger := NewLogger(cfg.Log, os.Stderr)
	LogWarnings(logger, cfg)
	reg, metrics, err := NewMetrics()
	if err != nil {
		return nil, err
	}
	db, err := OpenStore(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	c, err := DialTemporal(cfg, logger, metrics, lazyTemporal)
	if err != nil {
		_ = db.Close() // the dial error is the one to report
		return nil, err
	}
	return &Process{Logger: logger, Registry: reg, DB: db, Temporal: c}, nil
}

// New assembles parts of Guichet on the process' database and client.
func (p *Process) New(cfg config.Config, parts Parts, spool bool) (*App, error) {
	return New(cfg, p.DB, p.Temporal, Options{Parts: parts, Logger: p.Logger, Registry: p.Registry, Spool: spool})
}

// Close releases the Temporal client and the database.
func (p *Process) Close() {
	p.Temporal.Close()
	if err := p.DB.Close(); err != nil {
		p.Logger.Warn("close database", "error", err)
	}
}

// LogWarnings reports settings that work but are probably a mistake.
func LogWarnings(logger *slog.Logger, cfg config.Config) {
	for _, w := range cfg.Warnings() {
		logger.Warn("configuration", "warning", w)
	}
}

// OpenDemo opens and migrates the database of cfg, loads the demo data
// into it when it has none (fresh), connects to Temporal and registers
// Guichet's search attributes: what guichet dev and guichet bench open
// once their embedded Temporal server runs. The caller closes db and c.
func OpenDemo(ctx context.Context, cfg config.Config, logger *slog.Logger, metrics client.MetricsHandler) (db *store.DB, c client.Client, fresh bool, err error) {
	db, err = OpenStore(ctx, cfg, true)
	if err != nil {
		return nil, nil, false, err
	}
	if fresh, err = demo.Load(ctx, db, cfg.Academies, logger); err != nil {
		_ = db.Close() // the demo error is the one to report
		return nil, nil, false, fmt.Errorf("demo data: %w", err)
	}
	if c, err = DialTemporal(cfg, logger, metrics, false); err != nil {
		_ = db.Close() // the dial error is the one to report
		return nil, nil, false, err
	}
	if err = worker.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		c.Close()
		_ = db.Close() // the registration error is the one to report
		return nil, nil, false, err
	}
	return db, c, fresh, nil
}
