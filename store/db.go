// Package store holds Guichet's application database: bun models,
// migrations and every query, on SQLite (embedded default) or PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
)

// Drivers accepted by Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// DB is the application database.
type DB struct {
	*bun.DB
	driver string
}

// Open connects to the database. For SQLite, dsn is a file path (or
// ":memory:"); for PostgreSQL, a postgres:// URL.
func Open(driver, dsn string) (*DB, error) {
	switch driver {
	case DriverSQLite:
		sqldb, err := sql.Open("sqlite", sqliteDSN(dsn))
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// One writer at a time is SQLite's rule; WAL lets readers go on.
		sqldb.SetMaxOpenConns(8)
		return &DB{DB: bun.NewDB(sqldb, sqlitedialect.New()), driver: driver}, nil
	case DriverPostgres:
		sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
		sqldb.SetMaxOpenConns(20)
		return &DB{DB: bun.NewDB(sqldb, pgdialect.New()), driver: driver}, nil
	default:
		return nil, fmt.Errorf("store: unknown driver %q (want sqlite or postgres)", driver)
	}
}

// sqliteDSN turns a path into a modernc DSN with the pragmas Guichet needs:
// WAL, a busy timeout so concurrent writers wait instead of failing,
// immediate transactions so a read-then-write transaction never deadlocks,
// and foreign keys.
func sqliteDSN(path string) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Driver returns the driver name (sqlite or postgres).
func (db *DB) Driver() string { return db.driver }

// Ping checks the database answers (used by /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.DB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// ErrNotFound is returned (wrapped) when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// RunInTx runs fn in a transaction.
func (db *DB) RunInTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.DB.RunInTx(ctx, nil, fn)
}

// ErrInvalid is returned (wrapped) when a management change is refused
// because of its input (empty name, a category moved under itself, a
// group of another académie…). The message after "store: " says why.
var ErrInvalid = errors.New("invalid")
