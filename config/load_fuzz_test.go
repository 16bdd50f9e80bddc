package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guichet/config"
)

// FuzzLoad feeds arbitrary YAML files to config.Load: it never panics;
// a file it refuses gives a configuration error (exit status 2) with a
// message, one it accepts gives a configuration that passes validation
// again and that never echoes the SMTP password in an error.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"", "web:\n  addr: 0.0.0.0:8080\n",
		"tickets:\n  pickup_deadline: 10 minutes\n",
		"tickets:\n  max_file_bytes: 10MiB\n  max_ticket_bytes: 1KiB\n",
		"academies:\n  - {code: creteil, name: Créteil}\n  - {code: creteil, name: Doublon}\n",
		"academies: [{code: \"<script>\", name: x}]\n",
		"mail:\n  smtp_password: hunter2-secret\n  smtp_port: -1\n",
		"unknown: 1\nweb: [1, 2]\n", "web: {addr: {nested: true}}\n", "- just\n- a list\n",
		"tickets:\n  opening_hours: {open: \"25:00\", close: \"08:00\", days: [0, 8], time_zone: Mars/Olympus}\n",
		"a: &a [*a, *a]\n", "{{ .Secret }}: x\n", "\x00\xff\xfe", "data_dir: ../../etc\n",
		"auth:\n  totp_required_roles: [root]\n  totp_key: short\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, yaml string) {
		for _, k := range config.Keys() {
			t.Setenv(config.EnvVar(k), "")
		}
		path := filepath.Join(dir, "guichet.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(path, nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Load: empty error message")
			}
			if config.ExitCode(err) != 2 && !strings.Contains(err.Error(), "config:") {
				t.Fatalf("Load: not a configuration error: %v", err)
			}
			if strings.Contains(yaml, "hunter2-secret") && strings.Contains(err.Error(), "hunter2-secret") {
				t.Fatalf("Load: error shows the SMTP password: %v", err)
			}
			return
		}
		if cfg.Tickets.MaxFileBytes > cfg.Tickets.MaxTicketBytes {
			t.Fatalf("Load accepted max_file_bytes %d > max_ticket_bytes %d", cfg.Tickets.MaxFileBytes, cfg.Tickets.MaxTicketBytes)
		}
		if len(cfg.Academies) == 0 {
			t.Fatal("Load accepted a configuration without académies")
		}
	})
}
