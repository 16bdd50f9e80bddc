package command

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guichet/bench"
	"guichet/config"
)

// runAsGuichet, set in the environment of this test binary, makes the
// `guichet worker` process the bench starts from os.Executable() (this
// binary) run as guichet instead of running the tests.
const runAsGuichet = "BENCH_TEST_RUN_AS_GUICHET"

func TestMain(m *testing.M) {
	if os.Getenv(runAsGuichet) == "1" {
		os.Exit(Run("dev", os.Args[1:], os.Stdout, os.Stderr))
	}
	if err := os.Setenv(runAsGuichet, "1"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// TestBenchCommandSmoke runs every section with three operations at
// concurrency 1 on the embedded stack and checks the report files.
func TestBenchCommandSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded stack")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Run("dev", []string{"bench", "--data-dir", t.TempDir(), "--out", out, "--n", "3", "--concurrency", "1",
		"--max", "30s", "--open-tickets", "3", "--read-tickets", "60", "--read-articles", "30"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	raw, err := os.ReadFile(filepath.Join(out, "benchmarks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r bench.Report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Creation) != 1 || r.Creation[0].Guichet.Count != 3 || r.Creation[0].BareStart.Count != 3 || r.Creation[0].BareInsert.Count != 3 {
		t.Errorf("creation = %+v, want 3 of each", r.Creation)
	}
	if len(r.Lifecycle) != 1 || r.Lifecycle[0].Count != 3 || r.Lifecycle[0].Phases["accept"].Count != 3 {
		t.Errorf("lifecycle = %+v, want 3 whole lifecycles", r.Lifecycle)
	}
	if r.Open == nil || r.Open.Filed != 3 || r.Open.RSSBytes == 0 || r.Open.TemporalDBBytes == 0 ||
		r.Open.WorkerRSSBytes == 0 || r.Open.WorkerGoHeapBytes == 0 || r.Open.WorkflowCacheSize != config.DefaultWorkflowCacheSize {
		t.Errorf("open tickets = %+v", r.Open)
	}
	if r.Reads == nil || len(r.Reads.Ops) != 4 || r.Reads.Ops[3].Levels[0].Count != 3 || r.Reads.Articles != 30 {
		t.Errorf("reads = %+v", r.Reads)
	}
	md, err := os.ReadFile(filepath.Join(out, "BENCHMARKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "### 1. Ticket creation against its bare parts") {
		t.Errorf("BENCHMARKS.md lacks the creation table:\n%s", md)
	}
}
