package store_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

var updateSchema = flag.Bool("update-schema", false,
	"rewrite testdata/schema/*.txt from the schema the migrations make (only when a new migration changes it on purpose)")

// schemaSnapshot is the checked-in schema of a fresh database of driver.
func schemaSnapshot(driver string) string {
	return filepath.Join("testdata", "schema", driver+".txt")
}

// TestFreshSchema guards the frozen migrations: a fresh database gets
// exactly the schema recorded in testdata/schema (tables, columns, types,
// nullability, defaults, indexes, constraints, triggers).
func TestFreshSchema(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		got, err := storetest.Schema(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		path := schemaSnapshot(db.Driver())
		if *updateSchema {
			if err := os.WriteFile(path, []byte(got), 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		diffLines(t, "schema of a fresh database", string(want), got)
	})
}

// diffLines fails t with the lines only in want and only in got.
func diffLines(t *testing.T, what, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	t.Errorf("%s differs (- want, + got):\n%s", what, b.String())
}
