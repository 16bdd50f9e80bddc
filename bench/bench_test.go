package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileUsesTheNearestRank(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"no values give zero", nil, 50, 0},
		{"one value is every percentile", ms(7), 99, 7 * time.Millisecond},
		{"the median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 1…100 is 99", ms(hundred...), 99, 99 * time.Millisecond},
		{"p95 of 1…100 is 95", ms(hundred...), 95, 95 * time.Millisecond},
		{"p100 is the maximum", ms(1, 5, 9), 100, 9 * time.Millisecond},
		{"p99 of ten values is the maximum", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.sorted, tc.p); got != tc.want {
				t.Fatalf("Percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarizeSortsAndRoundsToMilliseconds(t *testing.T) {
	s := Summarize([]time.Duration{3 * time.Millisecond, 1500 * time.Microsecond, 2 * time.Millisecond, 10 * time.Millisecond})
	want := Stats{Count: 4, Mean: 4.125, P50: 2, P95: 10, P99: 10, Max: 10}
	if s != want {
		t.Fatalf("Summarize = %+v, want %+v", s, want)
	}
	if (Summarize(nil) != Stats{}) {
		t.Fatal("Summarize(nil) is not zero")
	}
}

func TestRunLoadStopsAtNAndCountsErrors(t *testing.T) {
	var calls atomic.Int64
	l := RunLoad(context.Background(), 4, Limits{N: 10, Max: time.Hour}, func(_ context.Context, i int, phase func(string, time.Duration)) error {
		calls.Add(1)
		phase("step", time.Millisecond)
		if i%5 == 0 {
			return errors.New("boom")
		}
		return nil
	})
	if calls.Load() != 10 {
		t.Fatalf("op ran %d times, want 10", calls.Load())
	}
	if l.Count != 8 || l.Errors != 2 || l.FirstError != "boom" || l.Concurrency != 4 {
		t.Fatalf("level = %+v, want 8 done, 2 errors", l)
	}
	if l.Phases["step"].Count != 8 {
		t.Fatalf("phase step counted %d, want 8 (failed operations are left out)", l.Phases["step"].Count)
	}
}

func TestRunLoadStartsNothingOnceTheTimeIsUp(t *testing.T) {
	var calls atomic.Int64
	l := RunLoad(context.Background(), 2, Limits{N: 1000000, Max: time.Nanosecond}, func(context.Context, int, func(string, time.Duration)) error {
		calls.Add(1)
		time.Sleep(time.Millisecond)
		return nil
	})
	// Each worker may start one operation before it sees the deadline.
	if calls.Load() > 2 || l.Count != int(calls.Load()) {
		t.Fatalf("op ran %d times after the deadline, level %+v", calls.Load(), l)
	}
}

func sampleReport() *Report {
	lvl := func(c int, rate, p99 float64) Level {
		return Level{Concurrency: c, Count: 200, PerSecond: rate, Latency: Stats{Count: 200, P50: 10, P95: 20, P99: p99}}
	}
	life := lvl(32, 3, 900)
	life.Phases = map[string]Stats{"accept": {P99: 150}, "pickup": {P99: 80}, "create": {P99: 500}, "resolve": {P99: 120}}
	return &Report{
		Machine: Machine{CPU: "Test CPU", Cores: 2, MemoryBytes: 4 << 30, Go: "go1.26.8",
			Modules: map[string]string{"go.temporal.io/server": "v1.32.1"}, LoadBefore: "1.00 1.00 1.00"},
		Shape:  Shape{Name: "embedded", AppDB: "sqlite", Temporal: "embedded"},
		Limits: ReportLimits{N: 200, MaxSeconds: 20},
		Creation: []CreationLevel{{Concurrency: 32, Guichet: lvl(32, 12, 300), BareStart: lvl(32, 40, 50),
			BareStartComplete: lvl(32, 20, 90), BareInsert: lvl(32, 3000, 2), ThroughputVsTemporal: 0.3, ThroughputVsInsert: 0.004}},
		Lifecycle: []Level{life},
		Open:      &OpenResult{Wanted: 2000, Filed: 2000, OpenInDB: 2100, RSSBytes: 300 << 20, TemporalDBBytes: 50 << 20},
		Reads:     &ReadsResult{Tickets: 20000, Ops: []ReadOp{{Name: "search", Levels: []Level{lvl(1, 400, 3)}}}},
	}
}

func TestTargetsSayWhichAreMissed(t *testing.T) {
	got := strings.Join(sampleReport().Targets(), "\n")
	for _, want := range []string{
		"Creation at concurrency 32 ≥ 50 % of the bare Temporal start rate of the same run: MISSED (30 %",
		"Action pickup p99 < 100 ms at concurrency 32: met (p99 80 ms)",
		"Action accept p99 < 100 ms at concurrency 32: MISSED (p99 150 ms)",
		"Open tickets under 1 GiB RSS: met (300 MiB at 2,100 open tickets, 0 running workflows — fewer than the issue's 100,000; RSS of the whole process: Temporal server + web + worker)",
		"these figures are the embedded default's",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("targets do not say %q:\n%s", want, got)
		}
	}
}

func TestTheOpenTicketsTargetIsCheckedOnTheWorkerProcessWhenItRanApart(t *testing.T) {
	r := sampleReport()
	r.Open.RSSBytes = 3 << 30 // Temporal server + web app: not the worker's
	r.Open.WorkerRSSBytes, r.Open.WorkerGoHeapBytes, r.Open.WorkflowCacheSize = 400<<20, 150<<20, 3000
	got := strings.Join(r.Targets(), "\n")
	want := "Open tickets under 1 GiB worker RSS: met (400 MiB at 2,100 open tickets, 0 running workflows — fewer than the issue's 100,000; RSS of the separate worker process, workflow cache 3,000)"
	if !strings.Contains(got, want) {
		t.Errorf("targets do not say %q:\n%s", want, got)
	}
	var b bytes.Buffer
	if err := WriteDocument(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{
		"| Worker process RSS (a separate `guichet worker` that served every ticket; no forced GC), workflow cache 3,000 | 400 MiB |",
		"| Worker process Go heap in use | 150 MiB |",
		"| Bench process RSS after GC (Temporal server + web app + load generator, no ticket worker) | 3072 MiB |",
	} {
		if !strings.Contains(b.String(), row) {
			t.Errorf("the document lacks the row %s", row)
		}
	}
	r.Open.WorkerRSSBytes = 1 << 30
	if got := strings.Join(r.Targets(), "\n"); !strings.Contains(got, "Open tickets under 1 GiB worker RSS: MISSED (1024 MiB") {
		t.Errorf("a 1 GiB worker is not a miss:\n%s", got)
	}
}

func TestTheDocumentHasTheMachineTablesAndMethod(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDocument(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	for _, want := range []string{
		"# Benchmarks", "persisted in PostgreSQL (plugin `postgres12`", "`pg_database_size` of both",
		"Machine: Test CPU, 2 cores, 4096 MiB RAM", "## What was changed because of these figures",
		"accepted lifecycle fell from 98 to 46 events",
		"go.temporal.io/server v1.32.1",
		"| **Guichet: create until projected** | 32 | 200 | 12.0 | 10.0 | 20.0 | 300.0 |",
		"| 32 | 0.30 | 0.004 |",
		"|  |  |  | pickup |",
		"| Process RSS after GC (Temporal server + web + worker in one process) | 300 MiB |",
		"### 4. Reads at volume (20000 tickets",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	// Lifecycle steps come in their order.
	if strings.Index(doc, "| create |") > strings.Index(doc, "| pickup |") || strings.Index(doc, "| resolve |") > strings.Index(doc, "| accept |") {
		t.Error("lifecycle steps are not in create, pickup, resolve, accept order")
	}
}

func TestTheJSONReportReadsBack(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Creation[0].Guichet.PerSecond != 12 || back.Open.RSSBytes != 300<<20 || back.Lifecycle[0].Phases["accept"].P99 != 150 {
		t.Fatalf("report read back differs: %+v", back)
	}
}
