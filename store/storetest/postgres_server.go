package storetest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Environment variables that choose the PostgreSQL server of the tests.
const (
	// EnvPostgresDSN names a running server (the DSN of a database the
	// tests may create databases from), as .ci/with-postgres exports it.
	EnvPostgresDSN = "GUICHET_TEST_POSTGRES_DSN"
	// EnvPostgres set to "off" skips the PostgreSQL half of the tests
	// instead of starting a server.
	EnvPostgres = "GUICHET_TEST_POSTGRES"
	// EnvPGBin is the directory of the server binaries (initdb, pg_ctl);
	// /usr/lib/postgresql/15/bin or initdb on PATH otherwise.
	EnvPGBin = "PGBIN"
)

// server is the throwaway server of this test process, started once.
var server struct {
	once sync.Once
	dsn  string
	err  error

	mu     sync.Mutex
	keeper *exec.Cmd      // the keeper script; nil once stopped
	stdin  io.WriteCloser // its stdin: closing it stops the server
}

// PostgresDSN returns the DSN of the PostgreSQL server the tests of this
// process use: GUICHET_TEST_POSTGRES_DSN when set, otherwise a throwaway
// PostgreSQL 15 started on the first call (once per test binary) and
// stopped when the process ends. It skips t when GUICHET_TEST_POSTGRES=off
// and fails it when no server can be had.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if dsn := os.Getenv(EnvPostgresDSN); dsn != "" {
		return dsn
	}
	if os.Getenv(EnvPostgres) == "off" {
		t.Skip("PostgreSQL tests disabled: " + EnvPostgres + "=off")
	}
	server.once.Do(func() {
		dsn, err := startServer()
		server.mu.Lock()
		server.dsn, server.err = dsn, err
		server.mu.Unlock()
	})
	server.mu.Lock()
	dsn, err := server.dsn, server.err
	server.mu.Unlock()
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return dsn
}

// pgBin finds the server binaries as .ci/with-postgres does.
func pgBin() (string, error) {
	for _, dir := range []string{os.Getenv(EnvPGBin), "/usr/lib/postgresql/15/bin"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil { // #nosec G703 -- PGBIN names the test server's binaries
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL server binaries (initdb, pg_ctl) not found in $%s, /usr/lib/postgresql/15/bin or PATH: "+
		"install postgresql-15, set %s to a running server (as `make test` does), or set %s=off to skip the PostgreSQL tests",
		EnvPGBin, EnvPostgresDSN, EnvPostgres)
}

// keeper is the shell script that owns the throwaway server: it creates
// the cluster, starts it, says "ready", then waits for its stdin to close
// (the test process has ended, whichever way) and stops the server and
// removes its directory. Arguments: bin dir, data dir, port.
const keeper = `set -u
bin=$1 dir=$2 port=$3
as_pg=""
if [ "$(id -u)" = 0 ]; then
	# PostgreSQL refuses to run as root.
	chown postgres "$dir"
	as_pg="runuser -u postgres --"
fi
cleanup() {
	$as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
trap '' INT
if ! $as_pg "$bin/initdb" -D "$dir/data" -U guichet --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
	echo "initdb failed:"; cat "$dir/initdb.log"; exit 1
fi
if ! $as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	-o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
	start >/dev/null 2>&1; then
	echo "PostgreSQL did not start:"; cat "$dir/server.log"; exit 1
fi
echo ready
cat >/dev/null
`

// startServer starts the throwaway server and returns its DSN.
func startServer() (string, error) {
	bin, err := pgBin()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "guichet-storetest-pg-")
	if err != nil {
		return "", fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	// The server runs as postgres: its directory must be reachable.
	if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- a test server's directory
		return "", fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return "", fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	cmd := exec.Command("bash", "-c", keeper, "keeper", bin, dir, fmt.Sprint(port)) // #nosec G204 -- fixed script, our own arguments
	// Its own process group: a Ctrl-C meant for the tests must not stop
	// the keeper before it has cleaned up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	if err := cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("throwaway PostgreSQL: start bash: %w", err)
	}
	sc := bufio.NewScanner(stdout)
	var out []string
	for sc.Scan() {
		if sc.Text() == "ready" {
			// stdin stays open for the life of the process (held here, so
			// never finalised): its end tells the keeper to stop the server.
			server.mu.Lock()
			server.keeper, server.stdin = cmd, stdin
			server.mu.Unlock()
			return fmt.Sprintf("postgres://guichet@127.0.0.1:%d/postgres?sslmode=disable", port), nil
		}
		out = append(out, sc.Text())
	}
	_ = cmd.Wait()
	return "", fmt.Errorf("throwaway PostgreSQL 15 (%s) failed: %s", bin, strings.Join(out, "\n"))
}

// StopPostgres stops the throwaway server now, if this process started
// one, and waits until it is gone. It is optional: the server stops by
// itself when the process ends. For a TestMain:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		storetest.StopPostgres()
//		os.Exit(code)
//	}
func StopPostgres() {
	server.mu.Lock()
	defer server.mu.Unlock()
	if server.keeper == nil {
		return
	}
	_ = server.stdin.Close() // the keeper's signal to stop
	_ = server.keeper.Wait() // stopped and removed, or already dead
	server.keeper = nil
	server.err = errors.New("the throwaway PostgreSQL was stopped (StopPostgres)")
}

// freePort returns a loopback TCP port free at the time of the call.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
