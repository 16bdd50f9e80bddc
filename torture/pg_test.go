package torture_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// pgCluster is a PostgreSQL server of the suite's own, in a temporary
// directory, which the suite may stop and start (never the shared one of
// .ci/with-postgres: other packages' tests use it meanwhile). It is set up
// like .ci/with-postgres does: initdb, pg_ctl, fsync off, a free loopback
// port, run as the postgres user when the test runs as root.
type pgCluster struct {
	bin  string
	dir  string
	port int
	asPG []string // runuser -u postgres -- when root
}

// pgRequired: PostgreSQL must be there when the shared test server was
// started (make test, .ci/run: GUICHET_TEST_POSTGRES_DSN is set) or
// GUICHET_TORTURE_POSTGRES_REQUIRED=1; otherwise a missing server skips.
func pgRequired() bool {
	return os.Getenv("GUICHET_TEST_POSTGRES_DSN") != "" || os.Getenv("GUICHET_TORTURE_POSTGRES_REQUIRED") == "1"
}

// pgBin finds the server binaries like .ci/with-postgres: $PGBIN, the
// Debian PostgreSQL 15 directory, or initdb on PATH.
func pgBin() string {
	for _, dir := range []string{os.Getenv("PGBIN"), "/usr/lib/postgresql/15/bin"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// startPGCluster initialises and starts a cluster, stopped and removed at
// the end of the test. Without server binaries it skips the test, or fails
// it when PostgreSQL is required.
func startPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBin()
	if bin == "" {
		msg := "PostgreSQL server binaries (initdb, pg_ctl) not found: set PGBIN or install postgresql-15"
		if pgRequired() {
			t.Fatal(msg + " (required: GUICHET_TEST_POSTGRES_DSN or GUICHET_TORTURE_POSTGRES_REQUIRED=1 is set)")
		}
		t.Skip(msg)
	}
	// Not t.TempDir(): its parents are private to root, and the server
	// runs as postgres.
	dir, err := os.MkdirTemp("", "guichet-torture-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{bin: bin, dir: dir}
	t.Cleanup(func() {
		_ = c.pgCtl("-D", c.data(), "-m", "immediate", "stop")
		_ = os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.asPG = []string{"runuser", "-u", "postgres", "--"}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "guichet", "--auth=trust",
		"-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start(t)
	return c
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// dsn is the URL of the cluster's postgres database.
func (c *pgCluster) dsn() string {
	return fmt.Sprintf("postgres://guichet@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *pgCluster) run(name string, args ...string) ([]byte, error) {
	full := append(append([]string(nil), c.asPG...), name)
	full = append(full, args...)
	cmd := exec.Command(full[0], full[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

func (c *pgCluster) pgCtl(args ...string) error {
	out, err := c.run(filepath.Join(c.bin, "pg_ctl"), args...)
	if err != nil {
		return fmt.Errorf("pg_ctl %v: %w\n%s", args, err, out)
	}
	return nil
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
		c.port, c.dir)
	if err := c.pgCtl("-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		if log, rerr := os.ReadFile(filepath.Join(c.dir, "server.log")); rerr == nil {
			t.Logf("server.log:\n%s", log)
		}
		t.Fatal(err)
	}
}

// stop is a fast shutdown: sessions are ended, the server is gone until
// start.
func (c *pgCluster) stop(t *testing.T) {
	t.Helper()
	if err := c.pgCtl("-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		t.Fatal(err)
	}
}
