package store_test

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

var writeUpgradeFixtures = flag.Bool("write-upgrade-fixtures", false,
	"rewrite testdata/upgrade from a database this code migrates (run on the release the fixtures stand for)")

// TestWriteUpgradeFixtures makes the upgrade fixtures: a database migrated
// by this code with one row in every table, as a SQLite file and as a
// pg_dump script.
func TestWriteUpgradeFixtures(t *testing.T) {
	if !*writeUpgradeFixtures {
		t.Skip("-write-upgrade-fixtures not set")
	}
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		db := storetest.SQLite(t)
		fillFixture(ctx, t, db)
		_ = os.Remove(upgradeSQLite)
		if _, err := db.ExecContext(ctx, "VACUUM INTO ?", upgradeSQLite); err != nil {
			t.Fatal(err)
		}
		// Small pages keep the checked-in file small.
		small, err := store.Open(store.DriverSQLite, "file:"+upgradeSQLite+"?_pragma=journal_mode(DELETE)")
		if err != nil {
			t.Fatal(err)
		}
		defer small.Close()
		for _, q := range []string{"PRAGMA page_size = 512", "VACUUM"} {
			if _, err := small.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		db := storetest.Postgres(t)
		fillFixture(ctx, t, db)
		var name string
		if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(os.Getenv("GUICHET_TEST_POSTGRES_DSN"))
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		pgdump := filepath.Join("/usr/lib/postgresql/15/bin", "pg_dump")
		out, err := exec.Command(pgdump, "--inserts", "--no-owner", "--no-privileges", "--no-comments", // #nosec G204 -- test tool
			"--dbname", u.String()).Output()
		if err != nil {
			t.Fatal(err)
		}
		// psql meta-commands (\restrict) are not SQL: the test loads the
		// script through the driver.
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if !strings.HasPrefix(l, "\\") {
				lines = append(lines, l)
			}
		}
		if err := os.WriteFile(upgradePostgres, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
	})
}

// fixtureOrder puts the tables that others reference first.
var fixtureOrder = []string{"academies", "people", "sessions", "tickets", "kb_articles"}

// fillFixture inserts one row in every table of db (full-text index tables
// are filled by their triggers).
func fillFixture(ctx context.Context, t *testing.T, db *store.DB) {
	t.Helper()
	tables, err := storetest.Tables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ordered []string
	ordered = append(ordered, fixtureOrder...)
	for _, tb := range tables {
		if !strings.Contains(tb, "_fts") && !contains(fixtureOrder, tb) {
			ordered = append(ordered, tb)
		}
	}
	at := time.Date(2026, 11, 28, 9, 30, 15, 123456000, time.UTC)
	for _, table := range ordered {
		cols := columnTypes(ctx, t, db, table)
		var names, marks []string
		var args []any
		for _, c := range cols {
			names = append(names, `"`+c[0]+`"`)
			marks = append(marks, "?")
			args = append(args, fixtureValue(table, c[0], strings.ToLower(c[1]), at))
		}
		q := fmt.Sprintf("INSERT INTO %q (%s) VALUES (%s)", table, strings.Join(names, ", "), strings.Join(marks, ", "))
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// columnTypes lists table's written columns as (name, type).
func columnTypes(ctx context.Context, t *testing.T, db *store.DB, table string) [][2]string {
	t.Helper()
	q := `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`
	if db.Driver() == store.DriverPostgres {
		q = `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`
	}
	rows, err := db.QueryContext(ctx, q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtureValue is the value of one column of the fixture: 1 for integers
// (every id is 1, so references hold), true, a fixed instant, some bytes,
// and for text the column's name with an accent, except where a value
// must match another table's or fit a length.
func fixtureValue(table, col, typ string, at time.Time) any {
	switch {
	case strings.Contains(typ, "int"):
		return 1
	case strings.Contains(typ, "bool"):
		return true
	case strings.Contains(typ, "timestamp"):
		return at
	case typ == "blob" || typ == "bytea":
		return []byte("%PDF-1.4 fixture \x00\xff")
	}
	switch {
	case col == "number" && table == "tickets", col == "ticket_number":
		return "261128-0001"
	case col == "id" && table == "sessions", col == "session_id":
		return "fixture-session"
	case col == "code" && table == "academies", col == "academy_code":
		return "ac-paris"
	case col == "lang":
		return "en"
	}
	return table + "." + col + " é"
}
