package upgrade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// addrs are the listening addresses of one stack; the new build reuses the
// old build's, as a deployment does.
type addrs struct {
	web, temporal, ui, mail string
}

func newAddrs(t *testing.T) addrs {
	return addrs{web: freeAddr(t), temporal: freeAddr(t), ui: freeAddr(t), mail: freeAddr(t)}
}

// drillEnv is the environment of the processes: the caller's without any
// GUICHET_ setting (a developer's database DSN must not leak in), plus short
// timers so that the pick-up deadline and the waiting reminder fall due
// while the drill runs, some on the old build and some on the new one.
func drillEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GUICHET_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"GUICHET_LOG_LEVEL=warn",
		// The drill's three tokens send more than a person does.
		"GUICHET_API_RATE_LIMIT=0",
		"GUICHET_TICKETS_PICKUP_DEADLINE=1m",
		"GUICHET_TICKETS_WAITING_REMINDER=1m",
		"GUICHET_TICKETS_OPENING_HOURS_OPEN=00:00",
		"GUICHET_TICKETS_OPENING_HOURS_CLOSE=23:59",
		"GUICHET_TICKETS_OPENING_HOURS_DAYS=1,2,3,4,5,6,7",
		"GUICHET_TICKETS_OPENING_HOURS_HOLIDAYS=none",
	)
}

// process is one `guichet dev` run by a build.
type process struct {
	rel  release
	cmd  *exec.Cmd
	log  *os.File
	done chan error
	once sync.Once
	err  error
}

// startDev runs `guichet dev` of rel on dataDir and waits until /readyz
// answers 200.
func startDev(t *testing.T, rel release, dataDir, logName string, a addrs) *process {
	t.Helper()
	logFile, err := os.Create(filepath.Join(dataDir, logName))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rel.binary, "dev", "--data-dir", dataDir,
		"--web-addr", a.web, "--temporal-addr", a.temporal, "--ui-addr", a.ui, "--mail-addr", a.mail)
	// Not the repository: a ./guichet.yaml there must not be read.
	cmd.Dir = dataDir
	cmd.Env = drillEnv()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{rel: rel, cmd: cmd, log: logFile, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Logf("%s: %v", rel.name, err)
		}
	})
	deadline := time.Now().Add(4 * time.Minute)
	for {
		resp, err := http.Get("http://" + a.web + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("guichet dev (%s) stopped during start-up: %v\n%s", rel.name, err, p.tail())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("guichet dev (%s) not ready after 4 minutes\n%s", rel.name, p.tail())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// stop sends SIGTERM, as a deployment does, and waits for the exit; after a
// minute it kills the process. It returns an error unless the exit was
// clean.
func (p *process) stop() error {
	p.once.Do(func() {
		defer p.log.Close()
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			p.err = err
			return
		}
		select {
		case err := <-p.done:
			if err != nil {
				p.err = fmt.Errorf("guichet dev (%s) exited with %v after SIGTERM", p.rel.name, err)
			}
		case <-time.After(time.Minute):
			_ = p.cmd.Process.Kill()
			<-p.done
			p.err = fmt.Errorf("guichet dev (%s) still running a minute after SIGTERM: killed", p.rel.name)
		}
	})
	return p.err
}

// tail returns the end of the process log.
func (p *process) tail() string {
	b, err := os.ReadFile(p.log.Name())
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// createToken runs `guichet token create` of rel for login.
func createToken(t *testing.T, rel release, dataDir, login string) string {
	t.Helper()
	cmd := exec.Command(rel.binary, "token", "create", "--user", login, "--scope", "write",
		"--expires", "1d", "--name", "exercice de mise à jour", "--data-dir", dataDir)
	cmd.Dir = dataDir
	cmd.Env = drillEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("guichet token create --user %s: %v\n%s", login, err, stderr.String())
	}
	tok := strings.TrimSpace(stdout.String())
	if tok == "" || strings.ContainsAny(tok, " \n") {
		t.Fatalf("guichet token create --user %s printed %q, not one token", login, stdout.String())
	}
	return tok
}

// api calls the REST API of the stack with a person's token.
type api struct {
	base  string
	token string
}

var httpClient = &http.Client{Timeout: 2 * time.Minute}

// apiError is a non-2xx answer.
type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %.300s", e.status, e.body) }

// do sends a request and decodes a 2xx JSON answer into out (if not nil).
func (c api) do(ctx context.Context, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, &apiError{status: resp.StatusCode, body: string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w in %.300s", method, path, err, b)
		}
	}
	return resp.StatusCode, nil
}

// ticket is the part of the API's Ticket the drill reads.
type ticket struct {
	Number       string `json:"number"`
	Status       string `json:"status"`
	TechnicianID *int64 `json:"technician_id"`
	Validation   string `json:"validation"`
	DuplicateOf  string `json:"duplicate_of"`
}

func (c api) ticket(ctx context.Context, number string) (ticket, error) {
	var tk ticket
	_, err := c.do(ctx, http.MethodGet, "/api/v1/tickets/"+number, nil, &tk)
	return tk, err
}
