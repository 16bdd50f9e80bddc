package command

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/embedded"
	"guichet/store/storetest"
	"guichet/workflows"
)

func TestTemporalCommandRefusesABadConfiguration(t *testing.T) {
	const secret = "s3cr3t"
	dsn := "postgres://temporal:" + secret + "@127.0.0.1:5432/postgres?sslmode=disable"
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		contains string
	}{
		{"without a PostgreSQL DSN it says which setting to give", []string{"temporal"}, nil, "GUICHET_TEMPORAL_SERVER_POSTGRES_DSN"},
		{"a DSN that is not a postgres URL is refused", []string{"temporal"},
			map[string]string{"GUICHET_TEMPORAL_SERVER_POSTGRES_DSN": "mysql://temporal:" + secret + "@db/temporal"}, "temporal.server.postgres_dsn"},
		{"a host name as listen address is refused", []string{"temporal"},
			map[string]string{"GUICHET_TEMPORAL_SERVER_POSTGRES_DSN": dsn, "GUICHET_TEMPORAL_SERVER_ADDR": "temporal.example:7233"}, "temporal.server.addr"},
		{"a UI address without a port is refused", []string{"temporal"},
			map[string]string{"GUICHET_TEMPORAL_SERVER_POSTGRES_DSN": dsn, "GUICHET_TEMPORAL_SERVER_UI_ADDR": "127.0.0.1"}, "temporal.server.ui_addr"},
		{"a database name that is not a plain identifier is refused", []string{"temporal"},
			map[string]string{"GUICHET_TEMPORAL_SERVER_POSTGRES_DSN": dsn, "GUICHET_TEMPORAL_SERVER_DATABASE": "Temporal-DB"}, "temporal.server.database"},
		{"the same database for both stores is refused", []string{"temporal"},
			map[string]string{"GUICHET_TEMPORAL_SERVER_POSTGRES_DSN": dsn, "GUICHET_TEMPORAL_SERVER_VISIBILITY_DATABASE": "temporal"}, "temporal.server.visibility_database"},
		{"a stray argument is refused", []string{"temporal", "start"}, nil, `unexpected argument "start"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			if code := Run("dev", tc.args, &out, &errOut); code != exitConfig {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitConfig, errOut.String())
			}
			got := errOut.String()
			if !strings.Contains(got, tc.contains) {
				t.Errorf("stderr does not mention %q:\n%s", tc.contains, got)
			}
			if strings.Contains(got, secret) {
				t.Errorf("stderr repeats the password:\n%s", got)
			}
		})
	}
}

func TestTemporalCommandServesGuichetsNamespaceFromPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "t_" + hex.EncodeToString(b[:])
	cfg, err := config.Load("", map[string]any{
		"log.level":                           "warn",
		"temporal.namespace":                  "guichet",
		"temporal.server.addr":                stacktest.FreeAddr(t),
		"temporal.server.postgres_dsn":        dsn,
		"temporal.server.database":            prefix + "_temporal",
		"temporal.server.visibility_database": prefix + "_visibility",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		err := embedded.DropPostgresDatabases(embedded.PostgresOptions{DSN: dsn,
			Database: cfg.Temporal.Server.Database, VisibilityDatabase: cfg.Temporal.Server.VisibilityDatabase})
		if err != nil {
			t.Errorf("drop the test databases: %v", err)
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runTemporal(ctx, cfg, out) }()
	for !strings.Contains(out.String(), "Temporal prêt") {
		select {
		case err := <-done:
			t.Fatalf("guichet temporal ended before it was ready: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}

	t.Run("the ready line gives the gRPC address and the namespace", func(t *testing.T) {
		for _, want := range []string{cfg.Temporal.Server.Addr, `"guichet"`} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %s:\n%s", want, out)
			}
		}
	})

	t.Run("the namespace carries Guichet's search attributes", func(t *testing.T) {
		c, err := client.Dial(client.Options{HostPort: cfg.Temporal.Server.Addr, Namespace: "guichet"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		list, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "guichet"})
		if err != nil {
			t.Fatal(err)
		}
		for name, typ := range workflows.SearchAttributeTypes() {
			if got := list.GetCustomAttributes()[name]; got != typ {
				t.Errorf("search attribute %s = %s, want %s", name, got, typ)
			}
		}
	})

	t.Run("a stop request ends it cleanly", func(t *testing.T) {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("runTemporal after cancel: %v", err)
		}
	})
}
