package torture_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guichet/config"
)

// processTests are the tests needing the guichet binary.
var processTests = []string{"TestKilledWorkerAndWebProcessesLoseNothing", "TestStoppedPostgreSQLLosesNothing"}

// TestMain starts building the guichet binary when a process test is to
// run, so the build overlaps the in-process tests; then it removes the
// binary and prints the suite's report.
func TestMain(m *testing.M) {
	flag.Parse()
	run := ""
	if f := flag.Lookup("test.run"); f != nil {
		run = f.Value.String()
	}
	for _, name := range processTests {
		if ok, err := regexp.MatchString(run, name); run == "" || err == nil && ok {
			go binOnce.Do(buildGuichet)
			break
		}
	}
	code := m.Run()
	binOnce.Do(func() {}) // waits for a build still running
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	if s := summary(); s != "" {
		fmt.Println(s)
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// guichetBinary returns the guichet command, built once per test run (the
// build cache makes it a link) into a directory TestMain removes.
func guichetBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(buildGuichet)
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func buildGuichet() {
	// go test puts its own go command first on PATH.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		binErr = fmt.Errorf("no go command to build guichet with: %w", err)
		return
	}
	binDir, binErr = os.MkdirTemp("", "guichet-torture-bin-")
	if binErr != nil {
		return
	}
	binPath = filepath.Join(binDir, "guichet")
	// No symbol table nor DWARF: the link is much shorter.
	cmd := exec.Command(goCmd, "build", "-ldflags=-s -w", "-o", binPath, ".")
	cmd.Dir = ".." // the repository root: package main
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		binErr = fmt.Errorf("go build: %v\n%s", err, out.String())
	}
}

// child is a guichet process (worker or web) the test starts, kills with
// SIGKILL and starts again; its output goes to a log file shown when the
// test fails.
type child struct {
	t       *testing.T
	bin     string
	args    []string
	log     string
	readyz  string // URL answering 200 once the process is ready
	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	starts  int
	killed  int
	logFile *os.File
}

func newChild(t *testing.T, bin, logPath, readyz string, args ...string) *child {
	c := &child{t: t, bin: bin, args: args, log: logPath, readyz: readyz}
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			if data, err := os.ReadFile(logPath); err == nil {
				const max = 6000
				if len(data) > max {
					data = data[len(data)-max:]
				}
				t.Logf("last output of guichet %s:\n%s", strings.Join(args, " "), data)
			}
		}
	})
	return c
}

// start runs the process and waits until its /readyz answers 200.
func (c *child) start() {
	c.t.Helper()
	c.mu.Lock()
	f, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.mu.Unlock()
		c.t.Fatal(err)
	}
	fmt.Fprintf(f, "---- start %d at %s\n", c.starts+1, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(c.bin, c.args...)
	cmd.Stdout, cmd.Stderr = f, f
	// The child dies with the test process, whatever happens to it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		c.mu.Unlock()
		f.Close()
		c.t.Fatalf("start guichet %s: %v", strings.Join(c.args, " "), err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	c.cmd, c.done, c.logFile = cmd, done, f
	c.starts++
	c.mu.Unlock()

	deadline := time.Now().Add(wait)
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-done:
			c.t.Fatalf("guichet %s exited at start (see %s): %v", strings.Join(c.args, " "), c.log, cmd.ProcessState)
		default:
		}
		resp, err := hc.Get(c.readyz)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("guichet %s not ready at %s: %v", strings.Join(c.args, " "), c.readyz, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill sends SIGKILL (nothing is flushed, nothing shuts down) and waits
// for the process to be gone.
func (c *child) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	c.cmd = nil
	c.killed++
	if c.logFile != nil {
		fmt.Fprintf(c.logFile, "---- SIGKILL at %s\n", time.Now().Format(time.RFC3339Nano))
		c.logFile.Close()
		c.logFile = nil
	}
}

// writeProcessConfig writes the YAML configuration of the guichet
// processes of stack s: the same database, Temporal and relay as the
// test's stack, the web app on webAddr and the worker's /readyz on
// workerAddr.
func writeProcessConfig(t *testing.T, s *stack, dir, webAddr, workerAddr string) string {
	t.Helper()
	c := s.cfg
	level := "warn"
	if os.Getenv("GUICHET_TORTURE_VERBOSE") == "1" {
		level = "info"
	}
	days := make([]string, len(c.Tickets.OpeningHours.Days))
	for i, d := range c.Tickets.OpeningHours.Days {
		days[i] = fmt.Sprint(d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir: %q\n", c.DataDir)
	fmt.Fprintf(&b, "log: {level: %s, format: text}\n", level)
	fmt.Fprintf(&b, "database: {driver: %q, dsn: %q}\n", c.Database.Driver, c.DatabaseDSN())
	fmt.Fprintf(&b, "temporal: {host_port: %q, namespace: %q, task_queue: %q}\n", c.Temporal.HostPort, c.Temporal.Namespace, c.Temporal.TaskQueue)
	fmt.Fprintf(&b, "web: {addr: %q, base_url: %q}\n", webAddr, c.Web.BaseURL)
	fmt.Fprintf(&b, "worker: {addr: %q}\n", workerAddr)
	fmt.Fprintf(&b, "mail: {from: %q, smtp_host: %q, smtp_port: %d, smtp_tls: %q, reply_domain: %q}\n",
		c.Mail.From, c.Mail.SMTPHost, c.Mail.SMTPPort, c.Mail.SMTPTLS, c.Mail.ReplyDomain)
	h := c.Tickets.OpeningHours
	fmt.Fprintf(&b, "tickets:\n  pickup_deadline: %s\n  validation_deadline: %s\n  validation_reminder: %s\n  waiting_reminder: %s\n",
		c.Tickets.PickupDeadline, c.Tickets.ValidationDeadline, c.Tickets.ValidationReminder, c.Tickets.WaitingReminder)
	fmt.Fprintf(&b, "  opening_hours: {time_zone: %q, open: %q, close: %q, days: [%s], holidays: %q}\n",
		h.TimeZone, h.Open, h.Close, strings.Join(days, ", "), h.Holidays)
	b.WriteString("academies:\n")
	for _, a := range c.Academies {
		fmt.Fprintf(&b, "  - {code: %q, name: %q}\n", a.Code, a.Name)
	}
	path := filepath.Join(dir, "guichet.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// The same file must load as the processes will load it.
	if _, err := config.Load(path, nil); err != nil {
		t.Fatalf("process configuration %s: %v", path, err)
	}
	return path
}

// waitCtx sleeps d or until ctx ends.
func waitCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
