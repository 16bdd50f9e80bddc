package store_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

// The upgrade fixtures are databases made by the release before the
// migrations were frozen (testdata/upgrade/README.md): every migration of
// that release applied, one row in every table.
var (
	upgradeSQLite   = filepath.Join("testdata", "upgrade", "release.sqlite")
	upgradePostgres = filepath.Join("testdata", "upgrade", "release.pgsql")
)

// sinceRelease lists, in order, the migrations written after the release
// the fixtures come from: they are pending in the fixtures. They may add
// columns (which end each row) and tables, never change a row's values.
var sinceRelease = []string{"20261128001600"}

// sameRowsWithNewColumns reports whether after holds the rows of before,
// in order, each equal or followed by columns added since ("… | new").
func sameRowsWithNewColumns(before, after []string) bool {
	if len(before) != len(after) {
		return false
	}
	for i := range before {
		if after[i] != before[i] && !strings.HasPrefix(after[i], before[i]+" | ") {
			return false
		}
	}
	return true
}

// TestUpgradeFromRelease opens a database made by the previous release,
// checks this code finds nothing to migrate in it, migrates it and checks
// every row is still there, equal, and the schema is a fresh database's.
func TestUpgradeFromRelease(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		data, err := os.ReadFile(upgradeSQLite)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "guichet.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(store.DriverSQLite, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		checkUpgrade(ctx, t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		script, err := os.ReadFile(upgradePostgres)
		if err != nil {
			t.Fatal(err)
		}
		db := storetest.EmptyPostgres(t)
		conn, err := db.DB.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A pg_dump script: many statements, run as one simple query on
		// the raw driver (no placeholders). It empties search_path for its
		// session, hence RESET ALL before the connection goes back.
		if _, err := conn.ExecContext(ctx, string(script)); err != nil {
			t.Fatalf("load %s: %v", upgradePostgres, err)
		}
		if _, err := conn.ExecContext(ctx, "RESET ALL"); err != nil {
			t.Fatal(err)
		}
		if err := conn.Close(); err != nil {
			t.Fatal(err)
		}
		checkUpgrade(ctx, t, db)
	})
}

// checkUpgrade migrates db, made by the previous release, and compares
// every table's rows before and after.
func checkUpgrade(ctx context.Context, t *testing.T, db *store.DB) {
	t.Helper()
	pending, err := store.PendingMigrations(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pending, sinceRelease) {
		t.Errorf("pending migrations = %v, want only those written since the release %v (one the release applied is not recognised)",
			pending, sinceRelease)
	}
	before := allRows(ctx, t, db)
	for table, rows := range before {
		if len(rows) == 0 {
			t.Errorf("fixture table %s is empty: the fixture must hold a row in every table", table)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	after := allRows(ctx, t, db)
	tables := slices.Sorted(func(yield func(string) bool) {
		for k := range before {
			if !yield(k) {
				return
			}
		}
	})
	for _, table := range tables {
		if !sameRowsWithNewColumns(before[table], after[table]) {
			t.Errorf("rows of %s changed:\nbefore %q\nafter  %q", table, before[table], after[table])
		}
	}
	got, err := storetest.Schema(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(schemaSnapshot(db.Driver()))
	if err != nil {
		t.Fatal(err)
	}
	if db.Driver() == store.DriverPostgres {
		got = pgDumpDeparse(got)
	}
	diffLines(t, "schema of an upgraded database", pgDumpDeparse(string(want)), got)
}

var (
	varcharToText = regexp.MustCompile(`\('([^']*)'::character varying\)::text`)
	anyArray      = regexp.MustCompile(`ANY \(ARRAY\[([^\]]*)\]\)`)
)

// pgDumpDeparse rewrites a PostgreSQL schema the way a pg_dump restore
// shows it: the fixture is a restored dump, whose "status IN (…)" index
// predicates PostgreSQL deparses with the casts inside the array. The two
// spellings are the same predicate.
func pgDumpDeparse(schema string) string {
	schema = varcharToText.ReplaceAllString(schema, "'$1'::character varying")
	return anyArray.ReplaceAllString(schema, "ANY ((ARRAY[$1])::text[])")
}

// allRows reads every row of every table of db.
func allRows(ctx context.Context, t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	tables, err := storetest.Tables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := storetest.Rows(ctx, db, table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}
