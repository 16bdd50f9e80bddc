package storetest

import (
	"context"
	"os"
	"testing"

	"guichet/store"
)

func TestThrowawayPostgres(t *testing.T) {
	if os.Getenv(EnvPostgresDSN) != "" {
		t.Skip(EnvPostgresDSN + " is set: the tests use that server, none is started")
	}
	ctx := context.Background()
	dsn := PostgresDSN(t)
	t.Run("the server started on first use answers", func(t *testing.T) {
		db, err := store.Open(store.DriverPostgres, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a second call gives the same server", func(t *testing.T) {
		if again := PostgresDSN(t); again != dsn {
			t.Fatalf("PostgresDSN = %q, then %q", dsn, again)
		}
	})
	t.Run("StopPostgres stops it", func(t *testing.T) {
		StopPostgres()
		db, err := store.Open(store.DriverPostgres, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Ping(ctx); err == nil {
			t.Fatal("the server still answers after StopPostgres")
		}
	})
}
