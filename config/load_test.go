package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"guichet/config"
)

// isolate clears every GUICHET_ variable Load reads (empty values are
// ignored) and moves into an empty working directory.
func isolate(t *testing.T) string {
	t.Helper()
	for _, k := range config.Keys() {
		t.Setenv(config.EnvVar(k), "")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

// writeFile writes a YAML file in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name      string
		file      string // YAML content of guichet-test.yaml; "" means no file
		env       map[string]string
		overrides map[string]any
		want      func(c *config.Config) // changes from Defaults()
		wantErrs  []string               // exact error lines; {file} is the file path
	}{
		{
			name: "defaults apply when nothing is configured",
			want: func(c *config.Config) {},
		},
		{
			name: "the file overrides the defaults",
			file: `
data_dir: /srv/guichet
log:
  level: DEBUG
web:
  addr: 0.0.0.0:80
  base_url: https://guichet.ac-creteil.fr/
  secure_cookies: true
database:
  driver: postgres
  dsn: postgres://guichet:secret@db:5432/guichet?sslmode=disable
tickets:
  pickup_deadline: 1h30m
  max_file_bytes: 5MiB
  opening_hours:
    days: [1, 2, 3]
    holidays: none
`,
			want: func(c *config.Config) {
				c.DataDir = "/srv/guichet"
				c.Log.Level = "debug"
				c.Web.Addr = "0.0.0.0:80"
				c.Web.BaseURL = "https://guichet.ac-creteil.fr"
				c.Web.SecureCookies = true
				c.Database = config.Database{Driver: "postgres", DSN: "postgres://guichet:secret@db:5432/guichet?sslmode=disable"}
				c.Tickets.PickupDeadline = 90 * time.Minute
				c.Tickets.MaxFileBytes = 5 << 20
				c.Tickets.OpeningHours.Days = []int{1, 2, 3}
				c.Tickets.OpeningHours.Holidays = "none"
			},
		},
		{
			name: "the environment overrides the file",
			file: "web:\n  addr: 0.0.0.0:80\ntickets:\n  pickup_deadline: 1h\n",
			env: map[string]string{
				"GUICHET_WEB_ADDR":                    ":9000",
				"GUICHET_TICKETS_PICKUP_DEADLINE":     "20m",
				"GUICHET_TICKETS_OPENING_HOURS_DAYS":  "1, 2,3,4,5,6",
				"GUICHET_MAIL_SMTP_PORT":              "587",
				"GUICHET_WEB_SECURE_COOKIES":          "true",
				"GUICHET_TICKETS_MAX_TICKET_BYTES":    "30000000",
				"GUICHET_TEMPORAL_NAMESPACE":          "guichet",
				"GUICHET_TICKETS_VALIDATION_REMINDER": "100h",
			},
			want: func(c *config.Config) {
				c.Web.Addr = ":9000"
				c.Tickets.PickupDeadline = 20 * time.Minute
				c.Tickets.OpeningHours.Days = []int{1, 2, 3, 4, 5, 6}
				c.Mail.SMTPPort = 587
				c.Web.SecureCookies = true
				c.Tickets.MaxTicketBytes = 30000000
				c.Temporal.Namespace = "guichet"
				c.Tickets.ValidationReminder = 100 * time.Hour
			},
		},
		{
			name:      "flags override the environment",
			file:      "data_dir: /from/file\n",
			env:       map[string]string{"GUICHET_DATA_DIR": "/from/env", "GUICHET_WEB_ADDR": ":9000"},
			overrides: map[string]any{"data_dir": "/from/flag", "web.addr": ":9100", "temporal.ui_addr": ":9233"},
			want: func(c *config.Config) {
				c.DataDir = "/from/flag"
				c.Web.Addr = ":9100"
				c.Temporal.UIAddr = ":9233"
			},
		},
		{
			name: "the Temporal Web UI reads only unless GUICHET_TEMPORAL_UI_WRITE_ACTIONS allows writes",
			env:  map[string]string{"GUICHET_TEMPORAL_UI_WRITE_ACTIONS": "true"},
			want: func(c *config.Config) { c.Temporal.UIWriteActions = true },
		},
		{
			name: "académies come from a list in the file",
			file: `
academies:
  - code: creteil
    name: Créteil
  - code: aix-marseille
    name: Aix-Marseille
    logo: /static/aix.svg
    opening_hours:
      time_zone: Europe/Paris
      open: "07:30"
      close: "17:00"
      days: [1, 2, 3, 4, 5, 6]
      holidays: fr
`,
			want: func(c *config.Config) {
				c.Academies = []config.Academy{
					{Code: "creteil", Name: "Créteil"},
					{Code: "aix-marseille", Name: "Aix-Marseille", Logo: "/static/aix.svg", OpeningHours: &config.OpeningHours{
						TimeZone: "Europe/Paris", Open: "07:30", Close: "17:00", Days: []int{1, 2, 3, 4, 5, 6}, Holidays: "fr",
					}},
				}
			},
		},
		{
			name: "académies come from GUICHET_ACADEMIES as code=Name pairs",
			env:  map[string]string{"GUICHET_ACADEMIES": "creteil=Créteil, la-reunion=La Réunion"},
			want: func(c *config.Config) {
				c.Academies = []config.Academy{{Code: "creteil", Name: "Créteil"}, {Code: "la-reunion", Name: "La Réunion"}}
			},
		},
		{
			name:     "an unknown key in the file is an error naming it",
			file:     "web:\n  adress: :8080\nticket:\n  x: 1\n",
			wantErrs: []string{"config: web.adress (from {file}): unknown key", "config: ticket (from {file}): unknown key"},
		},
		{
			name:     "an unknown key inside an académie is an error naming it",
			file:     "academies:\n  - code: creteil\n    nom: Créteil\n",
			wantErrs: []string{"config: academies[0].nom (from {file}): unknown key"},
		},
		{
			name:     "a malformed duration in the environment names the key, the value and the variable",
			env:      map[string]string{"GUICHET_TICKETS_PICKUP_DEADLINE": "10 minutes"},
			wantErrs: []string{`config: tickets.pickup_deadline = "10 minutes" (from GUICHET_TICKETS_PICKUP_DEADLINE): expected a duration like 10m or 1h30m (units: s, m, h)`},
		},
		{
			name:     "a bare number is not taken as a duration",
			file:     "tickets:\n  validation_deadline: 600\n",
			wantErrs: []string{`config: tickets.validation_deadline = "600" (from {file}): expected a duration like 10m or 1h30m (units: s, m, h)`},
		},
		{
			name:     "a malformed boolean names the key and the expected values",
			env:      map[string]string{"GUICHET_WEB_SECURE_COOKIES": "maybe"},
			wantErrs: []string{`config: web.secure_cookies = "maybe" (from GUICHET_WEB_SECURE_COOKIES): expected true or false`},
		},
		{
			name:     "broken YAML is reported with the file and the line",
			file:     "web:\n  addr: :8080\n  base_url: http://x: y\ntickets: {}\n",
			wantErrs: []string{`config: {file}: invalid YAML: line 3: mapping values are not allowed in this context`},
		},
		{
			name:     "a key written twice in the file is reported with both lines",
			file:     "web:\n  addr: :8080\n  addr: :8081\n",
			wantErrs: []string{`config: {file}: invalid YAML: unmarshal errors: line 3: mapping key "addr" already defined at line 2`},
		},
		{
			name:     "an unknown time zone is rejected",
			file:     "tickets:\n  opening_hours:\n    time_zone: Europe/Lutece\n",
			wantErrs: []string{`config: tickets.opening_hours.time_zone = "Europe/Lutece" (from {file}): expected an IANA time zone like Europe/Paris`},
		},
		{
			name: "opening hours must be HH:MM, open before close, on days 1 to 7, with known holidays",
			file: "tickets:\n  opening_hours:\n    open: '18:00'\n    close: '08:00'\n    days: [0, 1]\n    holidays: be\n",
			wantErrs: []string{
				`config: tickets.opening_hours.close = "08:00" (from {file}): expected a time after tickets.opening_hours.open (18:00)`,
				`config: tickets.opening_hours.days = "[0 1]" (from {file}): expected distinct day numbers from 1 (Monday) to 7 (Sunday)`,
				`config: tickets.opening_hours.holidays = "be" (from {file}): expected one of fr, none`,
			},
		},
		{
			name:     "a validation reminder not before the deadline is rejected",
			env:      map[string]string{"GUICHET_TICKETS_VALIDATION_REMINDER": "168h"},
			wantErrs: []string{`config: tickets.validation_reminder = "168h0m0s" (from GUICHET_TICKETS_VALIDATION_REMINDER): expected less than tickets.validation_deadline (168h0m0s)`},
		},
		{
			name:     "postgres requires a DSN",
			env:      map[string]string{"GUICHET_DATABASE_DRIVER": "postgres"},
			wantErrs: []string{`config: database.dsn = "": expected a PostgreSQL URL like postgres://guichet:secret@db:5432/guichet?sslmode=disable when database.driver is postgres`},
		},
		{
			name:     "a bad DSN is reported without echoing its secret",
			env:      map[string]string{"GUICHET_DATABASE_DRIVER": "postgres", "GUICHET_DATABASE_DSN": "mysql://root:hunter2@db/guichet"},
			wantErrs: []string{`config: database.dsn = "(hidden)" (from GUICHET_DATABASE_DSN): expected a PostgreSQL URL starting with postgres:// or postgresql://`},
		},
		{
			name: "enumerations, addresses and URLs are checked",
			file: "database:\n  driver: mysql\nmail:\n  smtp_tls: ssl\nweb:\n  addr: localhost\n  base_url: guichet.local\n",
			wantErrs: []string{
				`config: web.addr = "localhost" (from {file}): expected an address host:port like 127.0.0.1:8080 or :8080`,
				`config: web.base_url = "guichet.local" (from {file}): expected an absolute http:// or https:// URL like https://guichet.ac-creteil.fr`,
				`config: database.driver = "mysql" (from {file}): expected one of sqlite, postgres`,
				`config: mail.smtp_tls = "ssl" (from {file}): expected one of none, starttls, tls`,
			},
		},
		{
			name: "académie codes must be well formed and unique",
			file: "academies:\n  - {code: creteil, name: Créteil}\n  - {code: Rouen, name: Rouen}\n  - {code: creteil, name: Autre}\n",
			wantErrs: []string{
				`config: academies[1].code = "Rouen" (from {file}): expected a code of lower-case letters, digits and dashes, like creteil`,
				`config: academies[2].code = "creteil" (from {file}): expected a code not already used (academies[0] has it)`,
			},
		},
		{
			name: "the worker's workflow cache size comes from GUICHET_WORKER_WORKFLOW_CACHE_SIZE",
			env:  map[string]string{"GUICHET_WORKER_WORKFLOW_CACHE_SIZE": "500"},
			want: func(c *config.Config) { c.Worker.WorkflowCacheSize = 500 },
		},
		{
			name:     "a workflow cache of no workflow is refused",
			file:     "worker:\n  workflow_cache_size: 0\n",
			wantErrs: []string{`config: worker.workflow_cache_size = "0" (from {file}): expected a number of workflows of at least 1, like 3000`},
		},
		{
			name:      "an unknown override is an error",
			overrides: map[string]any{"web.port": 8080},
			wantErrs:  []string{`config: web.port = "8080": expected a known configuration key`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			path := ""
			if tt.file != "" {
				path = writeFile(t, dir, "guichet-test.yaml", tt.file)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			got, err := config.Load(path, tt.overrides)
			if tt.wantErrs != nil {
				if err == nil {
					t.Fatalf("Load succeeded, want errors:\n%s", strings.Join(tt.wantErrs, "\n"))
				}
				want := strings.ReplaceAll(strings.Join(tt.wantErrs, "\n"), "{file}", path)
				if err.Error() != want {
					t.Errorf("Load error:\n%s\nwant:\n%s", err, want)
				}
				if code := config.ExitCode(err); code != 2 {
					t.Errorf("ExitCode = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := config.Defaults()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Load =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestLoadFiles(t *testing.T) {
	t.Run("guichet.yaml in the working directory is read when no path is given", func(t *testing.T) {
		dir := isolate(t)
		writeFile(t, dir, config.DefaultFile, "web:\n  addr: :8888\n")
		c, err := config.Load("", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Web.Addr != ":8888" {
			t.Errorf("web.addr = %q, want :8888", c.Web.Addr)
		}
	})
	t.Run("an explicit file that does not exist is an error naming it", func(t *testing.T) {
		dir := isolate(t)
		missing := filepath.Join(dir, "absent.yaml")
		_, err := config.Load(missing, nil)
		want := "config: " + missing + ": file not found"
		if err == nil || err.Error() != want {
			t.Errorf("Load error = %v, want %s", err, want)
		}
		if config.ExitCode(err) != 2 {
			t.Errorf("ExitCode = %d, want 2", config.ExitCode(err))
		}
	})
	t.Run("a file whose top level is not a mapping is rejected with its line", func(t *testing.T) {
		dir := isolate(t)
		p := writeFile(t, dir, "list.yaml", "- a\n- b\n")
		_, err := config.Load(p, nil)
		if err == nil || !regexp.MustCompile(`^config: .*list\.yaml: invalid YAML: .*line 1: `).MatchString(err.Error()) {
			t.Errorf("Load error = %v, want the file and line 1", err)
		}
	})
}

func TestDatabaseDSN(t *testing.T) {
	tests := []struct {
		name string
		db   config.Database
		want string
	}{
		{"an empty SQLite DSN is guichet.db in the data directory", config.Database{Driver: "sqlite"}, filepath.Join("/srv/data", "guichet.db")},
		{"an explicit SQLite DSN is kept", config.Database{Driver: "sqlite", DSN: "/tmp/x.db"}, "/tmp/x.db"},
		{"a PostgreSQL DSN is kept", config.Database{Driver: "postgres", DSN: "postgres://db/guichet"}, "postgres://db/guichet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config.Defaults()
			c.DataDir = "/srv/data"
			c.Database = tt.db
			if got := c.DatabaseDSN(); got != tt.want {
				t.Errorf("DatabaseDSN() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOpeningHoursFor(t *testing.T) {
	c := config.Defaults()
	own := config.OpeningHours{TimeZone: "Indian/Reunion", Open: "07:00", Close: "16:00", Days: []int{1, 2, 3, 4, 5}, Holidays: "none"}
	c.Academies = append(c.Academies, config.Academy{Code: "la-reunion", Name: "La Réunion", OpeningHours: &own})
	t.Run("an académie without its own hours uses the tickets' hours", func(t *testing.T) {
		if got := c.OpeningHoursFor("creteil"); !reflect.DeepEqual(got, c.Tickets.OpeningHours) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("an académie with its own hours uses them", func(t *testing.T) {
		if got := c.OpeningHoursFor("la-reunion"); !reflect.DeepEqual(got, own) {
			t.Errorf("got %+v", got)
		}
	})
}

func TestWarnings(t *testing.T) {
	t.Run("the embedded default has no warnings", func(t *testing.T) {
		if w := config.Defaults().Warnings(); len(w) != 0 {
			t.Errorf("Warnings() = %q", w)
		}
	})
	t.Run("production without reply secret, SMTP host or public URL is warned about", func(t *testing.T) {
		c := config.Defaults()
		c.Database = config.Database{Driver: "postgres", DSN: "postgres://db/guichet"}
		c.Web.BaseURL = "https://127.0.0.1"
		c.Mail.ListenAddr = "0.0.0.0:2525"
		w := strings.Join(c.Warnings(), "\n")
		for _, key := range []string{"mail.reply_secret", "web.secure_cookies", "mail.smtp_host", "web.base_url"} {
			if !strings.Contains(w, key) {
				t.Errorf("Warnings() does not mention %s:\n%s", key, w)
			}
		}
	})
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"no error exits 0", nil, 0},
		{"a configuration error exits 2", errors.Join(&config.Error{Key: "web.addr"}), 2},
		{"any other error exits 1", errors.New("boom"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDefaultsAreValid(t *testing.T) {
	if err := config.Defaults().Validate(); err != nil {
		t.Fatalf("Defaults().Validate(): %v", err)
	}
}

// TestEveryKeyIsDocumented keeps the README's configuration table complete.
func TestEveryKeyIsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	for _, k := range config.Keys() {
		row := "| `" + k + "` | `" + config.EnvVar(k) + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no configuration row starting %s", row)
		}
	}
}
