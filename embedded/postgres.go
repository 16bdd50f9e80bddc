package embedded

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	"go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	postgresplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/common/resolver"
	schematool "go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

const (
	// DefaultPostgresDatabase and DefaultPostgresVisibilityDatabase are the databases the
	// server persists in when PostgresOptions leaves their names empty (the names the official
	// Temporal images and the compose stack use).
	DefaultPostgresDatabase           = "temporal"
	DefaultPostgresVisibilityDatabase = "temporal_visibility"

	// Schemas embedded in the server module (go.temporal.io/server/schema), applied by the
	// same tasks as temporal-sql-tool's setup-schema and update-schema.
	postgresSchema           = "postgresql/v12/temporal"
	postgresVisibilitySchema = "postgresql/v12/visibility"

	// postgresHistoryShards is fixed when the database is created: the server refuses to start
	// with another count. Four lets history work proceed in parallel on a small machine.
	postgresHistoryShards = 4
	// defaultPostgresMaxConns bounds each service's pool per database; the four services of
	// one process open at most 4 × (10 + 10) connections.
	defaultPostgresMaxConns = 10
)

// PostgresOptions persists the embedded server in PostgreSQL instead of SQLite: the default
// store and the (SQL) visibility store each get their own database on the same server.
type PostgresOptions struct {
	// DSN is a PostgreSQL URL such as postgres://temporal:secret@db:5432/postgres?sslmode=disable.
	// Its database (default "postgres") is the one connected to while creating the two
	// Temporal databases; its query parameters (sslmode, sslrootcert, connect_timeout…) are
	// kept for every connection. The user needs the CREATEDB privilege unless both databases
	// exist already.
	DSN string
	// Database holds workflows, histories and timers; default "temporal".
	Database string
	// VisibilityDatabase holds the workflow lists; default "temporal_visibility".
	VisibilityDatabase string
	// MaxConns bounds each service's connection pool per database; default 10.
	MaxConns int
}

// postgresConfigs are the server's SQL configurations for the two databases.
type postgresConfigs struct {
	maintenance string // database connected to while creating the others
	main        *config.SQL
	visibility  *config.SQL
}

// identifier matches the database names accepted: they go unquoted into CREATE DATABASE.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// parse checks the options and returns the SQL configurations. Errors never repeat the DSN,
// which holds a password.
func (o PostgresOptions) parse() (postgresConfigs, error) {
	if o.Database == "" {
		o.Database = DefaultPostgresDatabase
	}
	if o.VisibilityDatabase == "" {
		o.VisibilityDatabase = DefaultPostgresVisibilityDatabase
	}
	if o.MaxConns <= 0 {
		o.MaxConns = defaultPostgresMaxConns
	}
	for _, name := range []string{o.Database, o.VisibilityDatabase} {
		if !identifier.MatchString(name) {
			return postgresConfigs{}, fmt.Errorf("embedded: temporal database name %q: use lower-case letters, digits and _ (63 at most), not starting with a digit", name)
		}
	}
	if o.Database == o.VisibilityDatabase {
		return postgresConfigs{}, fmt.Errorf("embedded: temporal database and visibility database must differ (both %q)", o.Database)
	}
	u, err := url.Parse(o.DSN)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return postgresConfigs{}, errors.New("embedded: temporal PostgreSQL DSN: want a URL like postgres://user:password@host:5432/postgres?sslmode=disable")
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	password, _ := u.User.Password()
	attrs := map[string]string{}
	for k, v := range u.Query() {
		if len(v) > 0 {
			attrs[k] = v[len(v)-1]
		}
	}
	maintenance := strings.TrimPrefix(u.Path, "/")
	if maintenance == "" {
		maintenance = "postgres"
	}
	base := config.SQL{
		PluginName:        postgresplugin.PluginName,
		User:              u.User.Username(),
		Password:          password,
		ConnectAddr:       net.JoinHostPort(host, port),
		ConnectProtocol:   "tcp",
		ConnectAttributes: attrs,
		MaxConns:          o.MaxConns,
		MaxIdleConns:      o.MaxConns,
		MaxConnLifetime:   time.Hour,
	}
	main, vis := base, base
	main.DatabaseName = o.Database
	vis.DatabaseName = o.VisibilityDatabase
	// Each config gets its own attribute map: the server may keep and read them.
	vis.ConnectAttributes = make(map[string]string, len(attrs))
	for k, v := range attrs {
		vis.ConnectAttributes[k] = v
	}
	return postgresConfigs{maintenance: maintenance, main: &main, visibility: &vis}, nil
}

// preparePostgres creates the two databases when missing, brings their schemas to the
// version this server expects, and registers the namespace if missing. Every step is
// idempotent, so it runs at every start.
func preparePostgres(opts TemporalOptions, tlog log.Logger, logger *slog.Logger) (postgresConfigs, error) {
	pc, err := opts.Postgres.parse()
	if err != nil {
		return pc, err
	}
	for _, step := range []struct {
		conf   *config.SQL
		schema string
	}{{pc.main, postgresSchema}, {pc.visibility, postgresVisibilitySchema}} {
		if err := createDatabase(*step.conf, pc.maintenance, tlog); err != nil {
			return pc, err
		}
		if err := upgradeSchema(step.conf, step.schema, tlog); err != nil {
			return pc, err
		}
	}
	logger.Debug("Temporal PostgreSQL databases ready",
		slog.String("database", pc.main.DatabaseName), slog.String("visibility", pc.visibility.DatabaseName))

	return pc, registerNamespace(pc.main, opts)
}

// createDatabase creates conf.DatabaseName, connected to the maintenance database; an
// existing database is kept as is.
func createDatabase(conf config.SQL, maintenance string, tlog log.Logger) error {
	name := conf.DatabaseName
	conf.DatabaseName = maintenance
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, &conf, resolver.NewNoopResolver(), tlog, metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("embedded: connect to PostgreSQL database %s at %s: %w", maintenance, conf.ConnectAddr, err)
	}
	defer func() { _ = db.Close() }()
	if err := db.CreateDatabase(name); err != nil {
		return fmt.Errorf("embedded: create PostgreSQL database %s at %s: %w", name, conf.ConnectAddr, err)
	}
	return nil
}

// upgradeSchema runs setup-schema -v 0.0 (version tables; a no-op on a database set up
// before) then update-schema to the newest version embedded in the server module.
func upgradeSchema(conf *config.SQL, schema string, tlog log.Logger) error {
	conn, err := sqltool.NewConnection(conf, tlog)
	if err != nil {
		return fmt.Errorf("embedded: connect to PostgreSQL database %s at %s: %w", conf.DatabaseName, conf.ConnectAddr, err)
	}
	defer conn.Close()
	if err := schematool.NewSetupSchemaTask(conn, &schematool.SetupConfig{InitialVersion: "0.0"}, tlog).Run(); err != nil {
		return fmt.Errorf("embedded: set up Temporal schema in %s: %w", conf.DatabaseName, err)
	}
	if err := schematool.NewUpdateSchemaTask(conn, &schematool.UpdateConfig{SchemaName: schema}, tlog).Run(); err != nil {
		return fmt.Errorf("embedded: update Temporal schema %s in %s: %w", schema, conf.DatabaseName, err)
	}
	return nil
}

// DropPostgresDatabases drops the two databases of opts, closing the connections still open
// to them. For tests and benchmarks: stop the server first.
func DropPostgresDatabases(opts PostgresOptions) error {
	pc, err := opts.parse()
	if err != nil {
		return err
	}
	conf := *pc.main
	conf.DatabaseName = pc.maintenance
	db, err := sql.NewSQLAdminDB(sqlplugin.DbKindUnknown, &conf, resolver.NewNoopResolver(), log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("embedded: connect to PostgreSQL database %s: %w", pc.maintenance, err)
	}
	defer func() { _ = db.Close() }()
	force, ok := db.(interface{ ForceDropDatabase(string) error })
	if !ok {
		return errors.New("embedded: the PostgreSQL plugin cannot force-drop a database")
	}
	var errs []error
	for _, name := range []string{pc.main.DatabaseName, pc.visibility.DatabaseName} {
		if err := force.ForceDropDatabase(name); err != nil {
			errs = append(errs, fmt.Errorf("embedded: drop PostgreSQL database %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
