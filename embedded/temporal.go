// Package embedded runs a real Temporal server in-process, and the Temporal Web UI beside
// it: persisted in a SQLite file for `guichet dev`, or in PostgreSQL for `guichet temporal`
// and the benchmarks' production shape.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"
	enumspb "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"
)

// DefaultUIAddr is the conventional Temporal Web UI address. TemporalOptions.UIAddr has no
// default of its own because empty means "no UI".
const DefaultUIAddr = "127.0.0.1:8233"

const (
	defaultHostPort  = "127.0.0.1:7233"
	defaultNamespace = "default"
	defaultRetention = 30 * 24 * time.Hour
	// DatabaseFile is the name of the Temporal SQLite file inside TemporalOptions.DataDir.
	DatabaseFile = "temporal.db"

	// Cluster identity persisted in the database on first start: it must never change, or the
	// server keeps the persisted values and warns at every start.
	clusterName = "active"
	clusterID   = "6a3f4b9e-5d2c-4f1a-8b7e-0c9d2e1f3a4b"

	// readyTimeout caps the wait for the frontend and the UI; a healthy start takes well under
	// a second.
	readyTimeout = 2 * time.Minute
)

// TemporalOptions configures the embedded server.
type TemporalOptions struct {
	// DataDir holds the SQLite file DataDir/temporal.db; it is created if missing. Unused
	// when Postgres is set.
	DataDir string
	// Postgres, when set, persists the server in two PostgreSQL databases instead of SQLite;
	// they are created and their schemas set up or upgraded at start-up.
	Postgres *PostgresOptions
	// HostPort is the frontend gRPC address, default 127.0.0.1:7233. Port 0 picks a free port.
	HostPort string
	// UIAddr is the Web UI address (config default 127.0.0.1:8233, see DefaultUIAddr); empty
	// disables the UI. Port 0 picks a free port.
	UIAddr string
	// UIWriteActions lets the Web UI terminate, cancel, signal, update, reset, pause and start
	// workflows (and run batch and activity commands). Off by default: the UI has no sign-in,
	// and a ticket's workflow changed from it bypasses Guichet's rules and its projection.
	UIWriteActions bool
	// Namespace is registered at start-up, default "default".
	Namespace string
	// Retention is how long closed workflow histories are kept, default 30 days (supervisors
	// read history). Changing it between starts updates the namespace.
	Retention time.Duration
	// SearchAttributes are custom search attributes registered on the namespace; ones missing
	// from an existing database are added at start-up. SQL visibility offers 10 Keyword,
	// 3 Text, 3 Int, 3 Double, 3 Bool, 3 Datetime and 3 KeywordList attributes.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's warnings and errors; nil means slog.Default().
	Logger *slog.Logger
}

// Temporal is a running embedded Temporal server, and its Web UI when enabled.
type Temporal struct {
	server   temporal.Server
	ui       *uiserver.Server
	uiDone   chan struct{}
	hostPort string
	uiURL    string
	logLevel *slog.LevelVar

	stopOnce sync.Once
	stopErr  error
}

// StartTemporal starts the server (and the Web UI) and returns once the frontend answers, the
// namespace exists with the wanted retention and search attributes, and the UI answers HTTP.
// The first start creates the SQLite schema (or the PostgreSQL databases and schemas); later
// starts reuse it, upgrading a PostgreSQL schema made by an older server, so workflows and
// timers survive a restart. A taken address is reported as an *AddrInUseError. ctx bounds start-up
// only (which gives up after readyTimeout anyway); the server runs until Stop.
//
// The internal ports are picked free, released, then bound by the server: on
// a busy machine another socket may take one in between. Such a start is
// retried with fresh ports; a taken address the caller chose is reported.
func StartTemporal(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	const attempts = 3
	for i := 1; ; i++ {
		t, err := startTemporalOnce(ctx, opts)
		var inUse *AddrInUseError
		if err == nil || i == attempts || errors.As(err, &inUse) || !strings.Contains(err.Error(), "address already in use") {
			return t, err
		}
		if opts.Logger != nil {
			opts.Logger.Warn("embedded: a port was taken during start-up, retrying", slog.Any("error", err))
		}
	}
}

func startTemporalOnce(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	opts = withDefaults(opts)
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	logger := opts.Logger.With(slog.String("component", "temporal"))

	frontend, err := parseEndpoint("Temporal gRPC", opts.HostPort)
	if err != nil {
		return nil, err
	}
	if frontend, err = reserve("Temporal gRPC", frontend); err != nil {
		return nil, err
	}
	var ui endpoint
	if opts.UIAddr != "" {
		if ui, err = parseEndpoint("Temporal UI", opts.UIAddr); err != nil {
			return nil, err
		}
		if ui, err = reserve("Temporal UI", ui); err != nil {
			return nil, err
		}
	}
	// The frontend's HTTP API (and Nexus) listens beside gRPC on a free port.
	httpAPI, err := reserve("Temporal HTTP API", endpoint{bindIP: frontend.bindIP})
	if err != nil {
		return nil, err
	}
	// history, matching and worker services; membership is static, so no gossip port.
	internal, err := reserveLoopbackPorts(3)
	if err != nil {
		return nil, err
	}

	logLevel := new(slog.LevelVar)
	logLevel.Set(slog.LevelWarn)
	srvLogger := newServerLogger(logger, logLevel)

	var stores persistenceStores
	if opts.Postgres != nil {
		pc, err := preparePostgres(opts, srvLogger, logger)
		if err != nil {
			return nil, err
		}
		stores = persistenceStores{main: pc.main, visibility: pc.visibility, shards: postgresHistoryShards}
	} else {
		sqlConf, err := prepareDatabase(opts, logger)
		if err != nil {
			return nil, err
		}
		stores = persistenceStores{main: sqlConf, visibility: sqlConf, shards: 1}
	}

	conf := serverConfig(frontend, httpAPI, internal, stores)
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("embedded: temporal authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, srvLogger)
	if err != nil {
		return nil, fmt.Errorf("embedded: temporal claim mapper: %w", err)
	}
	local := func(port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(frontend.dialAddr()),
			primitives.HistoryService:  local(internal[0]),
			primitives.MatchingService: local(internal[1]),
			primitives.WorkerService:   local(internal[2]),
		}),
		temporal.WithLogger(srvLogger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("embedded: create temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("embedded: start temporal server: %w", err), srv.Stop())
	}
	t := &Temporal{server: srv, hostPort: frontend.dialAddr(), logLevel: logLevel}

	if err := t.configureNamespace(ctx, opts); err != nil {
		return nil, errors.Join(err, t.Stop())
	}
	if opts.UIAddr != "" {
		if err := t.startUI(ctx, ui, uiConfig(opts.Namespace, opts.UIWriteActions)); err != nil {
			return nil, errors.Join(err, t.Stop())
		}
	}
	return t, nil
}

// HostPort returns the frontend gRPC address clients and workers dial.
func (t *Temporal) HostPort() string { return t.hostPort }

// UIURL returns the Web UI's base URL, or "" when the UI is disabled.
func (t *Temporal) UIURL() string { return t.uiURL }

// Stop stops the Web UI then the server. Stop workers and close clients first: they would
// otherwise log connection errors while the frontend goes away. Calling Stop again returns the
// first call's result.
func (t *Temporal) Stop() error {
	t.stopOnce.Do(func() {
		if t.ui != nil {
			t.ui.Stop()
			<-t.uiDone
		}
		// Internal pollers warn about every connection the shutdown closes: noise.
		t.logLevel.Set(slog.LevelError)
		if err := t.server.Stop(); err != nil {
			t.stopErr = fmt.Errorf("embedded: stop temporal server: %w", err)
		}
	})
	return t.stopErr
}

func withDefaults(opts TemporalOptions) TemporalOptions {
	if opts.HostPort == "" {
		opts.HostPort = defaultHostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = defaultNamespace
	}
	if opts.Retention == 0 {
		opts.Retention = defaultRetention
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return opts
}

// prepareDatabase returns the persistence config for DataDir/temporal.db, creating the schema
// when the file does not exist yet and registering the namespace if missing.
func prepareDatabase(opts TemporalOptions, logger *slog.Logger) (*config.SQL, error) {
	if opts.DataDir == "" {
		return nil, errors.New("embedded: temporal data directory is required")
	}
	dir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("embedded: temporal data directory %q: %w", opts.DataDir, err)
	}
	if strings.ContainsAny(dir, "?#") {
		// The path goes into a file: URI unescaped.
		return nil, fmt.Errorf("embedded: temporal data directory %q must not contain '?' or '#'", dir)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded: create temporal data directory: %w", err)
	}
	file := filepath.Join(dir, DatabaseFile)
	sqlConf := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: file,
		ConnectAttributes: map[string]string{
			"mode": "rwc",
			// WAL with synchronous=NORMAL survives a killed process and writes far faster
			// than the rollback journal; losing the last commits needs a power cut.
			"journal_mode": "wal",
			"synchronous":  "NORMAL",
		},
	}

	_, err = os.Stat(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		logger.Info("creating the Temporal database", slog.String("file", file))
		if err := sqliteschema.SetupSchema(sqlConf); err != nil {
			// Leave no half-made file behind: the next start would take it for a database.
			removeDatabase(file)
			return nil, fmt.Errorf("embedded: create temporal schema in %s: %w", file, err)
		}
	case err != nil:
		return nil, fmt.Errorf("embedded: temporal database %s: %w", file, err)
	}

	if err := registerNamespace(sqlConf, opts); err != nil {
		return nil, err
	}
	return sqlConf, nil
}

// registerNamespace writes opts' namespace straight into the persistence of
// conf before the server starts. Despite its package, CreateNamespaces writes
// through the generic SQL persistence of the config's plugin (SQLite or
// PostgreSQL); it does nothing when the namespace exists, and
// configureNamespace then reconciles it.
func registerNamespace(conf *config.SQL, opts TemporalOptions) error {
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return fmt.Errorf("embedded: namespace %q: %w", opts.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(opts.Retention)
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return fmt.Errorf("embedded: register namespace %q in %s: %w", opts.Namespace, conf.DatabaseName, err)
	}
	return nil
}

func removeDatabase(file string) {
	for _, f := range []string{file, file + "-wal", file + "-shm"} {
		_ = os.Remove(f)
	}
}

// persistenceStores are the SQL stores of the server: one SQLite file serves both, PostgreSQL
// has a database each.
type persistenceStores struct {
	main, visibility *config.SQL
	// shards is the history shard count, fixed when the database is created.
	shards int32
}

func serverConfig(frontend, httpAPI endpoint, internal []int, stores persistenceStores) *config.Config {
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = "127.0.0.1"
	conf.Persistence.NumHistoryShards = stores.shards
	if stores.visibility == stores.main {
		// One SQLite file, one store: the names persisted by earlier starts.
		const store = "sqlite-default"
		conf.Persistence.DefaultStore = store
		conf.Persistence.VisibilityStore = store
		conf.Persistence.DataStores = map[string]config.DataStore{store: {SQL: stores.main}}
	} else {
		const mainStore, visibilityStore = "postgres-default", "postgres-visibility"
		conf.Persistence.DefaultStore = mainStore
		conf.Persistence.VisibilityStore = visibilityStore
		conf.Persistence.DataStores = map[string]config.DataStore{
			mainStore:       {SQL: stores.main},
			visibilityStore: {SQL: stores.visibility},
		}
	}
	conf.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend.dialAddr(),
				HTTPAddress:            httpAPI.dialAddr(),
				ClusterID:              clusterID,
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	service := func(ip string, port int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: port, BindOnIP: ip}}
	}
	frontendService := service(frontend.bindIP, frontend.port)
	frontendService.RPC.HTTPPort = httpAPI.port
	conf.Services = map[string]config.Service{
		string(primitives.FrontendService): frontendService,
		string(primitives.HistoryService):  service("127.0.0.1", internal[0]),
		string(primitives.MatchingService): service("127.0.0.1", internal[1]),
		string(primitives.WorkerService):   service("127.0.0.1", internal[2]),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend.dialAddr()
	return &conf
}

func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		// Search attributes added at start-up are usable at once.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		// One SQLite connection serves everything: these caps keep a burst from queueing
		// behind it for long, and stay far above what a dev machine needs.
		dynamicconfig.FrontendPersistenceMaxQPS.Key(): 2000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():  3000,
		dynamicconfig.MatchingPersistenceMaxQPS.Key(): 2000,
		dynamicconfig.WorkerPersistenceMaxQPS.Key():   500,
		// One node: a single partition per task queue spares tasks the forwarding between
		// partitions, a source of latency when pollers are few. Lowering the read count on
		// a database that used more partitions would strand their tasks: keep these at 1.
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  1,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
		// The Web UI lists workflows through visibility; the default 10 RPS throttles it.
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
	}
}

// configureNamespace waits for the frontend, then brings the namespace's retention and search
// attributes to what opts asks (a namespace created by an earlier start keeps its old ones).
func (t *Temporal) configureNamespace(ctx context.Context, opts TemporalOptions) error {
	conn, err := grpc.NewClient(t.hostPort, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("embedded: dial temporal frontend %s: %w", t.hostPort, err)
	}
	defer func() { _ = conn.Close() }()
	wf := workflowservice.NewWorkflowServiceClient(conn)
	op := operatorservice.NewOperatorServiceClient(conn)

	var desc *workflowservice.DescribeNamespaceResponse
	err = retryUntil(ctx, func(ctx context.Context) error {
		desc, err = wf.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: opts.Namespace})
		return err
	})
	if err != nil {
		return fmt.Errorf("embedded: temporal frontend %s not answering: %w", t.hostPort, err)
	}

	if desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() != opts.Retention {
		_, err := wf.UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
			Namespace: opts.Namespace,
			Config: &namespacepb.NamespaceConfig{
				WorkflowExecutionRetentionTtl: durationpb.New(opts.Retention),
			},
		})
		if err != nil {
			return fmt.Errorf("embedded: set namespace %q retention to %s: %w", opts.Namespace, opts.Retention, err)
		}
	}

	if len(opts.SearchAttributes) == 0 {
		return nil
	}
	list, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: opts.Namespace})
	if err != nil {
		return fmt.Errorf("embedded: list search attributes of %q: %w", opts.Namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range opts.SearchAttributes {
		existing, ok := list.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = typ
		case existing != typ:
			return fmt.Errorf("embedded: search attribute %q is %s in the Temporal database, want %s", name, existing, typ)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = op.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        opts.Namespace,
		SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("embedded: add search attributes to %q: %w", opts.Namespace, err)
	}
	return nil
}

// uiConfig is the Web UI's configuration, without its address. Without writeActions every
// write is refused by the UI server (DisableWriteActions answers 405 to any non-GET request
// but queries) and each action's button is hidden (the discrete switches), so the UI reads
// histories only.
func uiConfig(namespace string, writeActions bool) *uiconfig.Config {
	readOnly := !writeActions
	return &uiconfig.Config{
		EnableUI:                  true,
		DefaultNamespace:          namespace,
		CORS:                      uiconfig.CORS{CookieInsecure: true},
		HideLogs:                  true,
		DisableNewsFetch:          true,
		DisableWriteActions:       readOnly,
		WorkflowTerminateDisabled: readOnly,
		WorkflowCancelDisabled:    readOnly,
		WorkflowSignalDisabled:    readOnly,
		WorkflowUpdateDisabled:    readOnly,
		WorkflowResetDisabled:     readOnly,
		WorkflowPauseDisabled:     readOnly,
		BatchActionsDisabled:      readOnly,
		StartWorkflowDisabled:     readOnly,
		ActivityCommandsDisabled:  readOnly,
	}
}

// startUI runs the Web UI with cfg in a goroutine (its Start blocks) and waits until it
// answers.
func (t *Temporal) startUI(ctx context.Context, ui endpoint, cfg *uiconfig.Config) error {
	host := ui.bindIP
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	cfg.Host = host
	cfg.Port = ui.port
	cfg.TemporalGRPCAddress = t.hostPort
	t.ui = uiserver.NewServer(uioptions.WithConfigProvider(cfg))
	t.uiDone = make(chan struct{})
	go func() {
		defer close(t.uiDone)
		// Start only returns after Stop; on a listen error it exits the process, which the
		// port check in StartTemporal makes unlikely.
		_ = t.ui.Start()
	}()
	t.uiURL = "http://" + ui.dialAddr()

	client := &http.Client{Timeout: 2 * time.Second}
	err := retryUntil(ctx, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.uiURL+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded: temporal UI %s not answering: %w", t.uiURL, err)
	}
	return nil
}

// retryUntil calls try until it succeeds or ctx ends, returning the last error.
func retryUntil(ctx context.Context, try func(context.Context) error) error {
	const pause = 100 * time.Millisecond
	for {
		attemptCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := try(attemptCtx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(pause):
		}
	}
}
