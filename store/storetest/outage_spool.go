package storetest

import (
	"context"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"guichet/store"
)

// Outage makes a test database unavailable for real, then available again:
// on SQLite another connection holds the write lock (BEGIN EXCLUSIVE) so
// every write fails once the short busy timeout is over; on PostgreSQL the
// database refuses new connections and its open ones are terminated.
// Reads may still work on SQLite (WAL), as they do when a disk fills up.
type Outage struct {
	mu   sync.Mutex
	down func() error
	up   func() error
	on   bool
}

// Down starts the outage.
func (o *Outage) Down(t testing.TB) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.on {
		return
	}
	if err := o.down(); err != nil {
		t.Fatalf("storetest: outage down: %v", err)
	}
	o.on = true
}

// Up ends the outage.
func (o *Outage) Up(t testing.TB) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.on {
		return
	}
	if err := o.up(); err != nil {
		t.Fatalf("storetest: outage up: %v", err)
	}
	o.on = false
}

// BackendsWithOutage is Backends with an Outage of each database.
func BackendsWithOutage(t *testing.T, fn func(t *testing.T, db *store.DB, o *Outage)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { db, o := SQLiteWithOutage(t); fn(t, db, o) })
	t.Run("postgres", func(t *testing.T) { db, o := PostgresWithOutage(t); fn(t, db, o) })
}

// SQLiteWithOutage returns a migrated SQLite database whose writers wait
// 50 ms (not 10 s) for a lock, and its Outage.
func SQLiteWithOutage(t testing.TB) (*store.DB, *Outage) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "guichet.db")
	q := url.Values{}
	for _, p := range []string{"busy_timeout(50)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := store.Open(store.DriverSQLite, "file:"+path+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeOrLog(t, db, "test database") })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	locker, err := store.Open(store.DriverSQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	var conn bun.Conn
	o := &Outage{
		down: func() error {
			c, err := locker.Conn(context.Background())
			if err != nil {
				return err
			}
			if _, err := c.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
				_ = c.Close() // the BEGIN failure is the one to report
				return err
			}
			conn = c
			return nil
		},
		up: func() error {
			_, err := conn.ExecContext(context.Background(), "ROLLBACK")
			if cerr := conn.Close(); err == nil {
				err = cerr
			}
			return err
		},
	}
	t.Cleanup(func() { o.Up(t); closeOrLog(t, locker, "outage locker") })
	return db, o
}

// PostgresWithOutage returns a fresh PostgreSQL database (as Postgres) and
// its Outage.
func PostgresWithOutage(t testing.TB) (*store.DB, *Outage) {
	t.Helper()
	db := Postgres(t)
	ctx := context.Background()
	var name string
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	admin, err := store.Open(store.DriverPostgres, PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	o := &Outage{
		down: func() error {
			if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" WITH ALLOW_CONNECTIONS false"); err != nil {
				return err
			}
			_, err := admin.ExecContext(ctx,
				"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name)
			return err
		},
		up: func() error {
			_, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" WITH ALLOW_CONNECTIONS true")
			return err
		},
	}
	// Registered after Postgres' own clean-up, hence run before it.
	t.Cleanup(func() { o.Up(t); closeOrLog(t, admin, "outage admin connection") })
	return db, o
}
