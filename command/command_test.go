package command

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/store"
	"guichet/workflows"
)

func TestCommandLine(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		contains string
	}{
		{"an unknown command is refused with the usage", []string{"fly"}, nil, exitConfig, `unknown command "fly"`},
		{"version prints the version", []string{"version"}, nil, 0, "guichet dev"},
		{"a bad duration in the environment stops with the key named", []string{"migrate"},
			map[string]string{"GUICHET_TICKETS_PICKUP_DEADLINE": "dix minutes"}, exitConfig, "tickets.pickup_deadline"},
		{"a missing config file stops start-up", []string{"migrate", "--config", "/nonexistent/guichet.yaml"}, nil, exitConfig, "/nonexistent/guichet.yaml"},
		{"a worker listening for replies without a secret to sign them refuses to start", []string{"worker"},
			map[string]string{"GUICHET_MAIL_LISTEN_ADDR": "127.0.0.1:0"}, exitConfig, "mail.reply_secret"},
		{"a stray argument is refused", []string{"migrate", "extra"}, nil, exitConfig, `unexpected argument "extra"`},
		{"an unknown section is named", []string{"bench", "--sections", "creation,speed"}, nil, exitConfig, `unknown section "speed"`},
		{"the production shape needs a PostgreSQL DSN", []string{"bench", "--shape", "production"}, nil, exitConfig, "--postgres"},
		{"a zero concurrency is refused", []string{"bench", "--concurrency", "0"}, nil, exitConfig, "--concurrency"},
		{"PostgreSQL without the production shape is refused", []string{"bench", "--postgres", "postgres://x/y"}, nil, exitConfig, "--shape production"},
		{"a negative count is refused", []string{"generate", "--tickets", "-5"}, nil, exitConfig, "--tickets"},
		{"nothing to generate is refused", []string{"generate", "--tickets", "0", "--articles", "0"}, nil, exitConfig, "nothing to generate"},
		{"more tickets than a generated number can index are refused", []string{"generate", "--tickets", "10000000"}, nil, exitConfig, "at most 9999999"},
		{"an empty académie code is refused", []string{"generate", "--academies", "creteil,,rouen"}, nil, exitConfig, "--academies"},
		{"no requester per académie is refused", []string{"generate", "--people", "0"}, nil, exitConfig, "--people"},
		{"a stray argument to generate is refused", []string{"generate", "beaucoup"}, nil, exitConfig, `unexpected argument "beaucoup"`},
		{"a number that is not one is refused", []string{"generate", "--tickets", "mille"}, nil, exitConfig, "invalid value"},
		{"a command's help is no error", []string{"migrate", "-h"}, nil, 0, "-data-dir"},
		{"token without create prints its usage", []string{"token"}, nil, exitConfig, "usage: guichet token create"},
		{"a token's lifetime must be one", []string{"token", "create", "--user", "agent", "--expires", "bientôt"}, nil, exitConfig,
			"guichet token create: --expires"},
		{"directory import wants one file", []string{"directory", "import"}, nil, exitConfig, "guichet directory import: give one CSV file"},
		{"directory without import prints its usage", []string{"directory"}, nil, exitConfig, "usage: guichet directory import"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			t.Setenv("GUICHET_DATA_DIR", t.TempDir())
			var out, errOut bytes.Buffer
			code := Run("dev", tc.args, &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, tc.code, errOut.String())
			}
			if got := out.String() + errOut.String(); !strings.Contains(got, tc.contains) {
				t.Fatalf("output does not mention %q:\n%s", tc.contains, got)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of runDev.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// devStack is one run of `guichet dev` inside the test process.
type devStack struct {
	cfg    config.Config
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func startDev(t *testing.T, dataDir string) *devStack {
	t.Helper()
	web, grpc, ui := stacktest.FreeAddr(t), stacktest.FreeAddr(t), stacktest.FreeAddr(t)
	cfg, err := config.Load("", map[string]any{
		"data_dir": dataDir, "web.addr": web, "web.base_url": "http://" + web,
		"temporal.host_port": grpc, "temporal.ui_addr": ui, "temporal.ui_url": "http://" + ui,
		"log.level": "warn",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &devStack{cfg: cfg, out: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { d.done <- runDev(ctx, cfg, d.out) }()
	t.Cleanup(func() { d.stop(t) })
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(cfg.Web.BaseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return d
			}
		}
		select {
		case err := <-d.done:
			t.Fatalf("guichet dev stopped during start-up: %v\n%s", err, d.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("guichet dev not ready after 3 minutes\n%s", d.out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop cancels the stack (as SIGINT does) and checks it stops cleanly.
func (d *devStack) stop(t *testing.T) {
	t.Helper()
	if d.cancel == nil {
		return
	}
	d.cancel()
	d.cancel = nil
	select {
	case err := <-d.done:
		if err != nil {
			t.Errorf("guichet dev stopped with an error: %v", err)
		}
	case <-time.After(time.Minute):
		t.Error("guichet dev did not stop within a minute")
	}
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in through the real sign-in form and returns the client.
func signIn(t *testing.T, baseURL, login, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(baseURL + "/connexion")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfInput.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page:\n%s", body)
	}
	resp, err = c.PostForm(baseURL+"/connexion", url.Values{"_csrf": {string(m[1])}, "login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	return c, string(body)
}

func ticketStatuses(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	var rows []store.Ticket
	if err := db.NewSelect().Model(&rows).Column("number", "status").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		m[r.Number] = r.Status
	}
	return m
}

func TestDevStackEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole embedded stack")
	}
	dataDir := t.TempDir()
	d := startDev(t, dataDir)

	t.Run("the banner gives the addresses and the demo sign-ins", func(t *testing.T) {
		out := d.out.String()
		for _, want := range []string{d.cfg.Web.BaseURL, d.cfg.Temporal.UIURL, "agent.creteil", "superviseur.versailles", "guichet"} {
			if !strings.Contains(out, want) {
				t.Errorf("banner lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("the Temporal Web UI answers", func(t *testing.T) {
		resp, err := http.Get(d.cfg.Temporal.UIURL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("Temporal UI: %s", resp.Status)
		}
	})

	t.Run("a demo user signs in and sees the news of the académie", func(t *testing.T) {
		_, body := signIn(t, d.cfg.Web.BaseURL, "agent.creteil", "guichet")
		if !strings.Contains(body, "Créteil") || !strings.Contains(body, "Déconnexion") {
			t.Fatalf("home page after sign-in does not show the académie and the sign-out:\n%.2000s", body)
		}
	})

	t.Run("a wrong password is refused in French", func(t *testing.T) {
		_, body := signIn(t, d.cfg.Web.BaseURL, "agent.creteil", "mauvais")
		if !strings.Contains(body, "incorrect") {
			t.Fatalf("no French refusal:\n%.2000s", body)
		}
	})

	db, err := store.Open(store.DriverSQLite, filepath.Join(dataDir, "guichet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var statuses map[string]string
	t.Run("demo tickets reach their states through the workflow", func(t *testing.T) {
		want := map[string]int{store.StatusNew: 3, store.StatusInProgress: 3, store.StatusWaiting: 3, store.StatusResolved: 3, store.StatusClosed: 3}
		deadline := time.Now().Add(time.Minute)
		for {
			statuses = ticketStatuses(t, db)
			got := map[string]int{}
			for _, s := range statuses {
				got[s]++
			}
			if fmt.Sprint(got) == fmt.Sprint(want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("ticket states = %v, want %v", got, want)
			}
			time.Sleep(300 * time.Millisecond)
		}
	})

	d.stop(t)

	t.Run("after a restart the data is still there and workflows go on", func(t *testing.T) {
		d2 := startDev(t, dataDir)
		after := ticketStatuses(t, db)
		if fmt.Sprint(after) != fmt.Sprint(statuses) {
			t.Fatalf("tickets changed across the restart:\nbefore %v\nafter  %v", statuses, after)
		}
		// Pick up one of the new tickets through its workflow, now served by
		// the restarted server.
		var number string
		for n, s := range after {
			if s == store.StatusNew {
				number = n
				break
			}
		}
		tk, err := db.GetTicket(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		var techLogin = "tech." + tk.AcademyCode
		tech, err := db.GetPersonByLogin(context.Background(), techLogin)
		if err != nil {
			t.Fatal(err)
		}
		c, err := client.Dial(client.Options{HostPort: d2.cfg.Temporal.HostPort, Namespace: d2.cfg.Temporal.Namespace})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: workflows.TicketWorkflowID(number), UpdateName: workflows.UpdatePickUp,
			Args:         []any{workflows.PickUpInput{Actor: workflows.Actor{PersonID: tech.ID, Roles: []string{workflows.RoleTechnician}}}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			t.Fatal(err)
		}
		var res workflows.UpdateResult
		if err := h.Get(ctx, &res); err != nil {
			t.Fatal(err)
		}
		tk, err = db.GetTicket(context.Background(), number)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != store.StatusInProgress || tk.TechnicianID == nil || *tk.TechnicianID != tech.ID {
			t.Fatalf("after pick-up the projection is %s, technician %v", tk.Status, tk.TechnicianID)
		}
	})

	t.Run("a second dev on the same web address is refused clearly", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		cfg := d.cfg
		cfg.Web.Addr = l.Addr().String()
		err = runDev(context.Background(), cfg, io.Discard)
		if err == nil || !strings.Contains(err.Error(), l.Addr().String()) {
			t.Fatalf("err = %v, want one naming %s", err, l.Addr())
		}
	})
}
