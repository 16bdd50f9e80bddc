// Command guichet is the Guichet helpdesk: one binary with subcommands for
// the embedded development stack and for production processes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Paris must load in scratch and distroless images

	"guichet/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `guichet — plateforme d'assistance des académies

Usage:
  guichet <command> [flags]

Commands:
  dev             run everything in one process (embedded Temporal + Web UI,
                  SQLite, built-in mailbox, worker, web app, demo data)
  migrate         bring the database schema up to date and exit
  web             run a web process (production)
  worker          run a Temporal worker process (production)
  temporal-setup  register Guichet's search attributes on a Temporal cluster
  temporal        run a Temporal server persisted in PostgreSQL (production;
                  settings temporal.server.*)
  reconcile       flag the open tickets whose workflow ended outside Guichet
                  and mail their supervisors (workers do it periodically)
  directory import FILE
                  import people into the directory from a CSV file
  token create --user LOGIN [--expires 30d] [--scope read|write]
                  create an API token (printed once)
  bench           measure Guichet against bare Temporal and bare inserts and
                  write docs/BENCHMARKS.md (see docs/BENCHMARKS.md)
  bench report --from A,B [--out docs]
                  put several runs' benchmarks.json into docs/BENCHMARKS.md
  generate [--tickets 1000000] [--articles 5000] [--academies a,b,c] [--seed N]
                  write generated people, tickets with timelines and articles
                  straight into the database, for benchmarks
  version         print the version

Common flags:
  --config FILE    configuration file (default: ./guichet.yaml if present)
  --data-dir DIR   data directory (default ./data)

Run "guichet <command> -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitUsage and exitConfig are the exit codes for a bad command line and a
// bad configuration.
const (
	exitFailure = 1
	exitConfig  = 2
)

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitConfig
		}
		return 0
	}
	cmd, rest := args[0], args[1:]
	if cmd == "version" {
		fmt.Fprintln(stdout, "guichet", version)
		return 0
	}
	if cmd == "directory" { // takes its own arguments: directory import FILE
		return runDirectory(rest, stdout, stderr)
	}
	if cmd == "token" { // takes its own arguments: token create --user LOGIN (token_cmd.go)
		return runToken(rest, stdout, stderr)
	}
	if cmd == "bench" { // takes its own flags and builds its own stack (bench_cmd.go)
		return runBench(rest, stdout, stderr)
	}
	if cmd == "generate" { // takes its own flags: generate --tickets N (generate_cmd.go)
		return runGenerate(rest, stdout, stderr)
	}
	commands := map[string]func(context.Context, config.Config, io.Writer) error{
		"dev":            runDev,
		"migrate":        runMigrate,
		"web":            runWeb,
		"worker":         runWorker,
		"temporal-setup": runTemporalSetup,
		"temporal":       runTemporal, // temporal_cmd.go
		"reconcile":      runReconcile,
	}
	fn, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "guichet: unknown command %q\n\n%s", cmd, usage)
		return exitConfig
	}
	cfg, err := loadConfig(cmd, rest, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "guichet %s: %v\n", cmd, err)
		return exitConfig
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := fn(ctx, cfg, stdout); err != nil {
		var cerr *config.Error
		if errors.As(err, &cerr) {
			fmt.Fprintf(stderr, "guichet %s: %v\n", cmd, err)
			return exitConfig
		}
		fmt.Fprintf(stderr, "guichet %s: %v\n", cmd, err)
		return exitFailure
	}
	return 0
}

// loadConfig parses the command's flags and loads the configuration, flags
// taking precedence over the environment and the file.
func loadConfig(cmd string, args []string, stderr io.Writer) (config.Config, error) {
	fs := flag.NewFlagSet("guichet "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	dataDir := fs.String("data-dir", "", "data directory")
	var webAddr, temporalAddr, uiAddr, mailAddr *string
	if cmd == "dev" || cmd == "web" {
		webAddr = fs.String("web-addr", "", "web app address (default 127.0.0.1:8080)")
	}
	if cmd == "dev" {
		temporalAddr = fs.String("temporal-addr", "", "embedded Temporal gRPC address (default 127.0.0.1:7233)")
		uiAddr = fs.String("ui-addr", "", "embedded Temporal Web UI address (default 127.0.0.1:8233)")
		mailAddr = fs.String("mail-addr", "127.0.0.1:2525", "SMTP listener for replies to mails (empty: none)")
	}
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	overrides := map[string]any{}
	set := func(key string, v *string) {
		if v != nil && *v != "" {
			overrides[key] = *v
		}
	}
	set("data_dir", dataDir)
	set("web.addr", webAddr)
	set("temporal.host_port", temporalAddr)
	set("temporal.ui_addr", uiAddr)
	if cmd == "dev" {
		overrides["web.dev_tools"] = true         // /dev/mailbox.json
		overrides["mail.listen_addr"] = *mailAddr // replies to mails; --mail-addr= disables
		// In dev the links (mails, Temporal UI) follow the chosen addresses.
		if *webAddr != "" {
			overrides["web.base_url"] = "http://" + *webAddr
		}
		if *uiAddr != "" {
			overrides["temporal.ui_url"] = "http://" + *uiAddr
		}
	}
	return config.Load(*path, overrides)
}
