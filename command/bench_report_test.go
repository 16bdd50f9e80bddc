package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/bench"
)

// writeRun writes a run's benchmarks.json as `guichet bench --out` does.
func writeRun(t *testing.T, r *bench.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "benchmarks.json")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBenchReportAssemblesRunsAndKeepsTheHandWrittenEnd(t *testing.T) {
	started := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	emb := writeRun(t, &bench.Report{Shape: bench.Shape{Name: "embedded", AppDB: "sqlite"}, Started: started,
		Lifecycle: []bench.Level{{Concurrency: 1, Count: 10, PerSecond: 13.2}}})
	prod := writeRun(t, &bench.Report{Shape: bench.Shape{Name: "production", AppDB: "postgres"}, Started: started.Add(time.Hour),
		Open: &bench.OpenResult{OpenInDB: 100000, RSSBytes: 512 << 20}})
	out := t.TempDir()
	hand := bench.HandWrittenMarker + "\n\n## Reads at 1,000,000 tickets (written by hand)\n"
	if err := os.WriteFile(filepath.Join(out, "BENCHMARKS.md"), []byte("# old\n\n"+hand), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run("dev", []string{"bench", "report", "--from", emb + "," + prod, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	md, err := os.ReadFile(filepath.Join(out, "BENCHMARKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(md)
	for _, want := range []string{"## Results — embedded default", "*Run of 2026-11-28 10:00 UTC", "## Results — production shape",
		"*Run of 2026-11-28 11:00 UTC", "Open tickets under 1 GiB RSS: met (512 MiB at 100,000 open tickets"} {
		if !strings.Contains(doc, want) {
			t.Errorf("BENCHMARKS.md lacks %q", want)
		}
	}
	if !strings.HasSuffix(doc, "\n"+hand) || strings.Contains(doc, "# old") {
		t.Errorf("BENCHMARKS.md does not keep the hand-written end alone:\n%s", doc)
	}
	runs, err := bench.ReadRuns([]string{filepath.Join(out, "benchmarks.json")})
	if err != nil || len(runs) != 2 {
		t.Fatalf("benchmarks.json reads back as %d runs, %v", len(runs), err)
	}
}

func TestBenchReportRefusesBadInputWithoutTouchingTheOutput(t *testing.T) {
	good := writeRun(t, &bench.Report{Shape: bench.Shape{Name: "embedded"}, Started: time.Now(),
		Lifecycle: []bench.Level{{Concurrency: 1, Count: 1}}})
	bad := filepath.Join(t.TempDir(), "benchmarks.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		says string
	}{
		{"a missing file", []string{"--from", good + "," + filepath.Join(t.TempDir(), "missing.json")}, "missing.json"},
		{"bad JSON", []string{"--from", good + "," + bad}, bad + ": bad JSON"},
		{"no --from", nil, "--from FILE"},
		{"a file given without --from", []string{good}, "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			before := []byte("# Benchmarks\n\nuntouched\n")
			if err := os.WriteFile(filepath.Join(out, "BENCHMARKS.md"), before, 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"bench", "report", "--out", out}, tc.args...)
			if code := Run("dev", args, &stdout, &stderr); code != exitConfig {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitConfig, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.says) {
				t.Errorf("stderr does not say %q:\n%s", tc.says, stderr.String())
			}
			after, err := os.ReadFile(filepath.Join(out, "BENCHMARKS.md"))
			if err != nil || !bytes.Equal(after, before) {
				t.Errorf("BENCHMARKS.md changed: %q, %v", after, err)
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Errorf("the output directory holds %d files, want BENCHMARKS.md alone", len(entries))
			}
		})
	}
}
