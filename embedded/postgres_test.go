package embedded

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	pgschema "go.temporal.io/server/schema/postgresql/v12"
	schematool "go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"

	"guichet/store/storetest"
)

// testPostgres returns options naming two fresh databases on the test
// server of store/storetest (GUICHET_TEST_POSTGRES_DSN, or a throwaway
// PostgreSQL it starts), dropped when the test ends.
func testPostgres(t *testing.T) *PostgresOptions {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "t_" + hex.EncodeToString(b[:])
	opts := &PostgresOptions{DSN: dsn, Database: prefix + "_temporal", VisibilityDatabase: prefix + "_visibility"}
	// Registered before the server starts, so it runs after the server's own cleanup stops it.
	t.Cleanup(func() {
		if err := DropPostgresDatabases(*opts); err != nil {
			t.Errorf("drop the test databases: %v", err)
		}
	})
	return opts
}

func TestTemporalOnPostgresKeepsWorkflowsAndTimersAcrossARestart(t *testing.T) {
	opts := TemporalOptions{
		Postgres:         testPostgres(t),
		HostPort:         "127.0.0.1:0",
		Namespace:        testNamespace,
		Retention:        30 * 24 * time.Hour,
		SearchAttributes: map[string]enumspb.IndexedValueType{testAttribute: enumspb.INDEXED_VALUE_TYPE_KEYWORD},
		Logger:           quietLogger(),
	}

	// First life: creates the databases and their schemas.
	first := startTemporal(t, opts)
	c, stopWorker := startWorker(t, first)

	checkFirstLife(t, c, opts.Retention)

	t.Run("lists workflows through the PostgreSQL visibility store", func(t *testing.T) {
		ctx := testContext(t)
		// Visibility is written by a background task: wait for the closed workflow to show.
		var ids []string
		for ctx.Err() == nil {
			resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: "ExecutionStatus = 'Completed'"})
			if err != nil {
				t.Fatalf("list workflows: %v", err)
			}
			ids = ids[:0]
			for _, e := range resp.GetExecutions() {
				ids = append(ids, e.GetExecution().GetWorkflowId())
			}
			if len(ids) > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if len(ids) != 1 || ids[0] != greetID {
			t.Errorf("listed completed workflows %v, want [%s]", ids, greetID)
		}
	})

	// A workflow whose timer is pending when the server stops.
	ctx := testContext(t)
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: sleeperID, TaskQueue: testTaskQueue}, sleeperWorkflow, 3*time.Second); err != nil {
		t.Fatalf("start timer workflow: %v", err)
	}
	waitForEvent(ctx, t, c, sleeperID, enumspb.EVENT_TYPE_TIMER_STARTED)
	stopWorker()
	if err := first.Stop(); err != nil {
		t.Fatalf("stop the first server: %v", err)
	}
	stoppedAt := time.Now()

	// Second life on the same databases: the schema steps find nothing to do.
	opts.HostPort = first.HostPort()
	opts.Retention = 45 * 24 * time.Hour
	second := startTemporal(t, opts)
	c, _ = startWorker(t, second)

	t.Run("keeps a completed workflow's history", func(t *testing.T) {
		ctx := testContext(t)
		if !historyHas(ctx, t, c, greetID, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
			t.Errorf("history of %s has no completion event after the restart", greetID)
		}
		if !historyHas(ctx, t, c, greetID, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
			t.Errorf("history of %s has no completed activity after the restart", greetID)
		}
	})

	t.Run("fires a timer that was pending when the server stopped", func(t *testing.T) {
		ctx := testContext(t)
		var got string
		if err := c.GetWorkflow(ctx, sleeperID, "").Get(ctx, &got); err != nil {
			t.Fatalf("timer workflow result: %v", err)
		}
		if got != "réveillé" {
			t.Errorf("result = %q, want %q", got, "réveillé")
		}
		if !historyHas(ctx, t, c, sleeperID, enumspb.EVENT_TYPE_TIMER_FIRED) {
			t.Errorf("history of %s has no fired timer", sleeperID)
		}
		t.Logf("the server was down from %s; timer workflow completed", stoppedAt.Format(time.RFC3339Nano))
	})

	t.Run("updates the retention of the existing namespace", func(t *testing.T) {
		ctx := testContext(t)
		if got := describeNamespace(ctx, t, c).GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != opts.Retention {
			t.Errorf("retention = %s, want %s", got, opts.Retention)
		}
	})
}

func TestTemporalOnPostgresUpgradesASchemaLeftByAnOlderServer(t *testing.T) {
	pg := testPostgres(t)
	pc, err := pg.parse()
	if err != nil {
		t.Fatal(err)
	}
	// Databases as an older server left them: schemas two versions behind.
	old := []struct {
		conf    *config.SQL
		schema  string
		version string
		want    string
	}{
		{pc.main, postgresSchema, "1.17", pgschema.Version},
		{pc.visibility, postgresVisibilitySchema, "1.12", pgschema.VisibilityVersion},
	}
	for _, o := range old {
		if err := createDatabase(*o.conf, pc.maintenance, log.NewNoopLogger()); err != nil {
			t.Fatal(err)
		}
		conn, err := sqltool.NewConnection(o.conf, log.NewNoopLogger())
		if err != nil {
			t.Fatal(err)
		}
		if err := schematool.NewSetupSchemaTask(conn, &schematool.SetupConfig{InitialVersion: "0.0"}, log.NewNoopLogger()).Run(); err != nil {
			t.Fatal(err)
		}
		if err := schematool.NewUpdateSchemaTask(conn, &schematool.UpdateConfig{SchemaName: o.schema, TargetVersion: o.version}, log.NewNoopLogger()).Run(); err != nil {
			t.Fatal(err)
		}
		conn.Close()
	}

	srv := startTemporal(t, TemporalOptions{Postgres: pg, HostPort: "127.0.0.1:0", Namespace: testNamespace, Logger: quietLogger()})
	c, _ := startWorker(t, srv)

	for _, o := range old {
		t.Run("brings "+o.conf.DatabaseName+" from "+o.version+" to the server's version", func(t *testing.T) {
			conn, err := sqltool.NewConnection(o.conf, log.NewNoopLogger())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			got, err := conn.ReadSchemaVersion()
			if err != nil {
				t.Fatal(err)
			}
			if got != o.want {
				t.Errorf("schema version = %s, want %s", got, o.want)
			}
		})
	}

	t.Run("runs a workflow on the upgraded databases", func(t *testing.T) {
		ctx := testContext(t)
		run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: greetID, TaskQueue: testTaskQueue}, greetWorkflow, "Guichet")
		if err != nil {
			t.Fatalf("start workflow: %v", err)
		}
		var got string
		if err := run.Get(ctx, &got); err != nil || got != "Bonjour, Guichet" {
			t.Errorf("result = %q, %v; want %q", got, err, "Bonjour, Guichet")
		}
	})
}

func TestPostgresOptionsRejectUnusableSettingsWithoutEchoingThePassword(t *testing.T) {
	const secret = "s3cr3t"
	tests := []struct {
		name string
		opts PostgresOptions
		want string
	}{
		{name: "a DSN that is not a postgres URL is refused", opts: PostgresOptions{DSN: "host=db user=temporal password=" + secret}, want: "postgres://"},
		{name: "a DSN with another scheme is refused", opts: PostgresOptions{DSN: "mysql://temporal:" + secret + "@db/temporal"}, want: "postgres://"},
		{name: "a database name that is not a plain identifier is refused", opts: PostgresOptions{DSN: "postgres://temporal:" + secret + "@db/postgres", Database: `t"; DROP DATABASE x; --`}, want: "lower-case letters"},
		{name: "the same name for both databases is refused", opts: PostgresOptions{DSN: "postgres://temporal:" + secret + "@db/postgres", Database: "temporal", VisibilityDatabase: "temporal"}, want: "must differ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.opts.parse()
			if err == nil {
				t.Fatal("parse accepted the options")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

func TestPostgresOptionsKeepTheDSNParametersAndDefaultTheNames(t *testing.T) {
	pc, err := PostgresOptions{DSN: "postgresql://temporal:p%40ss@db.example:6543/?sslmode=require&connect_timeout=5"}.parse()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"maintenance database", pc.maintenance, "postgres"},
		{"database", pc.main.DatabaseName, DefaultPostgresDatabase},
		{"visibility database", pc.visibility.DatabaseName, DefaultPostgresVisibilityDatabase},
		{"address", pc.main.ConnectAddr, "db.example:6543"},
		{"user", pc.main.User, "temporal"},
		{"password", pc.visibility.Password, "p@ss"},
		{"sslmode", pc.visibility.ConnectAttributes["sslmode"], "require"},
		{"connect_timeout", pc.main.ConnectAttributes["connect_timeout"], "5"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
}
