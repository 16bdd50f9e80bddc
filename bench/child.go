package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"guichet/config"
)

// workerProcess is the `guichet worker` child that serves the tickets of
// the bench's open-tickets section.
type workerProcess struct {
	cmd    *exec.Cmd
	done   chan struct{}
	ops    string // http://<worker.addr>
	log    string
	logOut *os.File
}

// startWorkerProcess starts this executable as `guichet worker` on the
// bench's Temporal server, namespace, task queue and application database
// (the bench's configuration file, if any, with GUICHET_* variables for
// what the bench chose), and waits until its /readyz answers.
func startWorkerProcess(ctx context.Context, configPath string, cfg config.Config, logf func(string, ...any)) (*workerProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("worker process: %w", err)
	}
	opsAddr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	set := map[string]string{
		"data_dir": cfg.DataDir, "database.driver": cfg.Database.Driver, "database.dsn": cfg.DatabaseDSN(),
		"temporal.host_port": cfg.Temporal.HostPort, "temporal.namespace": cfg.Temporal.Namespace,
		"temporal.task_queue": cfg.Temporal.TaskQueue, "web.base_url": cfg.Web.BaseURL, "log.level": cfg.Log.Level,
		"worker.addr": opsAddr, "worker.workflow_cache_size": strconv.Itoa(cfg.Worker.WorkflowCacheSize),
	}
	// The bench's replies listener is off (mail.listen_addr empty): so is
	// the child's.
	drop := map[string]bool{config.EnvVar("mail.listen_addr"): true}
	for k := range set {
		drop[config.EnvVar(k)] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, config.EnvVar(k)+"="+v)
	}
	args := []string{"worker"}
	if configPath != "" {
		args = append(args, "--config", configPath)
	}
	logPath := filepath.Join(cfg.DataDir, "bench-worker.log")
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) // #nosec G304 -- in the bench's data directory
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "---- start at %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(exe, args...) // #nosec G204 -- this very executable, fixed subcommand
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	setChildDiesWithParent(cmd)
	if err := cmd.Start(); err != nil {
		_ = out.Close() // the start error is the one to report
		return nil, fmt.Errorf("worker process: %w", err)
	}
	p := &workerProcess{cmd: cmd, done: make(chan struct{}), ops: "http://" + opsAddr, log: logPath, logOut: out}
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(2 * time.Minute)
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-p.done:
			_ = out.Close() // the exit is the error to report
			return nil, fmt.Errorf("worker process exited at start (%v); its output is in %s", cmd.ProcessState, logPath)
		case <-ctx.Done():
			_ = p.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := hc.Get(p.ops + "/readyz"); err == nil {
			_ = resp.Body.Close() // a readiness probe: only the status matters
			if resp.StatusCode == http.StatusOK {
				logf("worker process %d ready (output in %s)", p.PID(), logPath)
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			_ = p.Stop()
			return nil, fmt.Errorf("worker process not ready at %s/readyz; its output is in %s", p.ops, logPath)
		}
	}
}

// PID is the worker process' ID.
func (p *workerProcess) PID() int { return p.cmd.Process.Pid }

// GoHeapBytes reads go_memstats_heap_alloc_bytes from the worker's
// /metrics, 0 when unavailable.
func (p *workerProcess) GoHeapBytes(ctx context.Context) int64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.ops+"/metrics", nil)
	if err != nil {
		return 0
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, "go_memstats_heap_alloc_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return int64(f)
		}
	}
	return 0
}

// Stop sends SIGTERM and waits for the process to end (SIGKILL after a
// minute).
func (p *workerProcess) Stop() error {
	defer p.logOut.Close()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill() // the timeout is the error to report
		<-p.done
		return fmt.Errorf("worker process %d did not stop within a minute of SIGTERM (killed); see %s", p.PID(), p.log)
	}
	if !p.cmd.ProcessState.Success() {
		return fmt.Errorf("worker process %d ended with %v; see %s", p.PID(), p.cmd.ProcessState, p.log)
	}
	return nil
}
