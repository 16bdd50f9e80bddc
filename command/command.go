// Package command is the command line of guichet: every subcommand
// (dev, migrate, web, worker, temporal-setup, temporal, reconcile, directory, token,
// bench, generate, version), its flags and its exit status. Each one has
// the same shape, a command; Run picks it by name. The parts a command
// runs are built by package assembly; the bench it runs is in package
// bench.
package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"guichet/config"
)

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

// Exit statuses: exitFailure when a command fails, exitConfig for a bad
// command line or a bad configuration.
const (
	exitFailure = 1
	exitConfig  = 2
)

// A command runs one subcommand on the words after its name. It returns
// nil on success, flag.ErrHelp once it printed its help, or an error: a
// *failure chooses the exit status and the name in the message, a
// *config.Error exits with exitConfig, any other with exitFailure.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands returns the subcommands by name (version aside).
func commands() map[string]command {
	return map[string]command{
		"dev":            withConfig("dev", runDev),
		"migrate":        withConfig("migrate", runMigrate),
		"web":            withConfig("web", runWeb),
		"worker":         withConfig("worker", runWorker),
		"temporal-setup": withConfig("temporal-setup", runTemporalSetup),
		"temporal":       withConfig("temporal", runTemporal),
		"reconcile":      withConfig("reconcile", runReconcile),
		"directory":      runDirectory,
		"token":          runToken,
		"bench":          runBench,
		"generate":       runGenerate,
	}
}

// failure ends a command with exit status code. name, when set, is the
// command as its messages show it ("token create"); err nil means the
// command already said what there was to say.
type failure struct {
	name string
	code int
	err  error
}

func (f *failure) Error() string {
	if f.err == nil {
		return fmt.Sprintf("exit status %d", f.code)
	}
	return f.err.Error()
}

func (f *failure) Unwrap() error { return f.err }

// usageError is a bad command line or configuration of the command name.
func usageError(name string, err error) error {
	return &failure{name: name, code: exitConfig, err: err}
}

// failed is the failure of the command name.
func failed(name string, err error) error { return &failure{name: name, code: exitFailure, err: err} }

// Run runs the command line args (without the program name) of guichet
// at version and returns the exit status. Commands stop on SIGINT and
// SIGTERM.
func Run(version string, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitConfig
		}
		return 0
	}
	name, rest := args[0], args[1:]
	if name == "version" {
		fmt.Fprintln(stdout, "guichet", version)
		return 0
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "guichet: unknown command %q\n\n%s", name, usage)
		return exitConfig
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cmd(ctx, rest, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	code := exitFailure
	var f *failure
	var cerr *config.Error
	switch {
	case errors.As(err, &f):
		code = f.code
		if f.name != "" {
			name = f.name
		}
		if f.err == nil {
			return code
		}
	case errors.As(err, &cerr):
		code = exitConfig
	}
	fmt.Fprintf(stderr, "guichet %s: %v\n", name, err)
	return code
}

// withConfig makes a command of run: the common flags of name (see
// loadConfig) give the configuration run works with.
func withConfig(name string, run func(context.Context, config.Config, io.Writer) error) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		cfg, err := loadConfig(name, args, stderr)
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError(name, err)
		}
		return run(ctx, cfg, stdout)
	}
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

// loadFlagsConfig loads the configuration of a command with its own flags:
// the file path and the data directory it was given.
func loadFlagsConfig(path, dataDir string) (config.Config, error) {
	overrides := map[string]any{}
	if dataDir != "" {
		overrides["data_dir"] = dataDir
	}
	return config.Load(path, overrides)
}

// parseFlags parses args with fs; a bad flag is a usage error of name.
func parseFlags(name string, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &failure{name: name, code: exitConfig} // the flag package printed why
	}
	return nil
}
