// Package storetest gives tests a real, migrated database on SQLite and on
// PostgreSQL. PostgreSQL is the server of GUICHET_TEST_POSTGRES_DSN (set by
// .ci/with-postgres, which `make test` uses) or, without it, a throwaway
// PostgreSQL 15 that the first test needing one starts for the whole test
// process (PostgresDSN). Without server binaries the tests fail rather than
// silently skip half their coverage, unless GUICHET_TEST_POSTGRES=off.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"guichet/store"
)

// Backends runs fn as a subtest once on a fresh SQLite database and once on
// a fresh PostgreSQL database.
func Backends(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a file under t.TempDir().
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(store.DriverSQLite, filepath.Join(t.TempDir(), "guichet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeOrLog(t, db, "test database") })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Postgres returns a migrated database created for this test on the test
// server (PostgresDSN), dropped at the end.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	db := EmptyPostgres(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// EmptyPostgres returns a database created for this test, not migrated, on
// the test server (PostgresDSN), dropped at the end.
func EmptyPostgres(t testing.TB) *store.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	admin, err := store.Open(store.DriverPostgres, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	db, err := store.Open(store.DriverPostgres, replaceDBName(dsn, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closeOrLog(t, db, "test database")
		a, err := store.Open(store.DriverPostgres, dsn)
		if err == nil {
			_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			closeOrLog(t, a, "admin connection")
		}
	})
	return db
}

// replaceDBName swaps the database path of a postgres:// URL.
func replaceDBName(dsn, name string) string {
	rest := ""
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn, rest = dsn[:i], dsn[i:]
	}
	i := strings.LastIndexByte(dsn, '/')
	if i < len("postgres://") {
		return fmt.Sprintf("%s/%s%s", dsn, name, rest)
	}
	return dsn[:i+1] + name + rest
}

// closeOrLog closes c at the end of a test and logs (not fails) an error:
// a close failure hints at a leak but says nothing about the test itself.
func closeOrLog(t testing.TB, c interface{ Close() error }, what string) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Logf("close %s: %v", what, err)
	}
}
