package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// embeddedRun is an embedded-default run with creation and lifecycle.
func embeddedRun(started time.Time) *Report {
	r := sampleReport()
	r.Open, r.Reads = nil, nil
	r.Started, r.Finished = started, started.Add(7*time.Minute)
	r.Machine.LoadAfter = "2.00 1.50 1.00"
	r.Profiles = []ProfileTop{{Kind: "cpu, flat", File: "/tmp/prof/creation-cpu.pprof", Top: []string{"database/sql.withLock"}}}
	return r
}

// productionRun is a production-shape run with the open-tickets section.
func productionRun(started time.Time, rss int64) *Report {
	return &Report{
		Machine: Machine{CPU: "Prod CPU", Cores: 2, MemoryBytes: 8 << 30, Go: "go1.26.8", LoadBefore: "4.00 4.00 4.00", LoadAfter: "5.00 5.00 5.00"},
		Shape:   Shape{Name: "production", AppDB: "postgres", Temporal: "embedded in-process server persisted in PostgreSQL"},
		Started: started, Finished: started.Add(40 * time.Minute),
		Limits: ReportLimits{N: 200, MaxSeconds: 20},
		Open:   &OpenResult{Wanted: 100000, Filed: 100000, OpenInDB: 100678, RunningWorkflows: 100477, RSSBytes: rss},
		Notes:  []string{"note of the production run"},
	}
}

func document(t *testing.T, a *Assembly, tail string) string {
	t.Helper()
	var b bytes.Buffer
	if err := a.WriteDocument(&b, tail); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTheReportShowsTwoRunsOfDifferentShapesEachSectionWithItsRun(t *testing.T) {
	day := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	doc := document(t, Assemble([]*Report{productionRun(day.Add(time.Hour), 600<<20), embeddedRun(day)}), "")

	embedded := strings.Index(doc, "## Results — embedded default")
	production := strings.Index(doc, "## Results — production shape")
	changes := strings.Index(doc, "## What was changed because of these figures")
	if embedded < 0 || production < embedded || changes < production {
		t.Fatalf("shapes not in order embedded, production, then the changes (%d, %d, %d):\n%s", embedded, production, changes, doc)
	}
	emb, prod := doc[embedded:production], doc[production:changes]
	for _, want := range []string{
		"### 1. Ticket creation against its bare parts\n\n*Run of 2026-11-28 10:00 UTC (finished 2026-11-28 10:07 UTC). Machine: Test CPU, 2 cores",
		"### 2. Whole lifecycle through the API\n\n*Run of 2026-11-28 10:00 UTC: the same run as section 1 above",
		"go.temporal.io/server v1.32.1",
		"Load average (1, 5, 15 min) before the run: 1.00 1.00 1.00; after: 2.00 1.50 1.00.",
		"Stack: application database sqlite; Temporal embedded. Each operation runs until 200 are done or 20 s have passed.",
		"#### Where the time goes (profiles of this creation load)", "database/sql.withLock",
		"Not measured on this shape in this document: open, reads.",
	} {
		if !strings.Contains(emb, want) {
			t.Errorf("embedded results lack %q:\n%s", want, emb)
		}
	}
	for _, want := range []string{
		"### 3. Open tickets at rest\n\n*Run of 2026-11-28 11:00 UTC (finished 2026-11-28 11:40 UTC). Machine: Prod CPU",
		"before the run: 4.00 4.00 4.00; after: 5.00 5.00 5.00.",
		"Stack: application database postgres; Temporal embedded in-process server persisted in PostgreSQL.",
		"| Process RSS after GC (Temporal server + web + worker in one process) | 600 MiB |",
		"Notes of the run of 2026-11-28 11:00 UTC:\n\n- note of the production run",
		"Not measured on this shape in this document: creation, lifecycle, reads.",
	} {
		if !strings.Contains(prod, want) {
			t.Errorf("production results lack %q:\n%s", want, prod)
		}
	}
	if strings.Contains(prod, "### 1. Ticket creation") || strings.Contains(emb, "### 3. Open tickets") {
		t.Error("a section shows under the other shape")
	}

	// The targets: production first, on its own figures; the embedded
	// default's for information.
	targets := doc[strings.Index(doc, "## Targets of the issue"):embedded]
	onProd, onEmb := strings.Index(targets, "On the production shape:"), strings.Index(targets, "On the embedded default, for information:")
	if onProd < 0 || onEmb < onProd {
		t.Fatalf("targets not given for production then embedded:\n%s", targets)
	}
	for _, want := range []string{
		"- Open tickets under 1 GiB RSS: met (600 MiB at 100,678 open tickets, 100,477 running workflows; RSS of the whole process: Temporal server + web + worker — run of 2026-11-28 11:00 UTC).",
		"- Creation at concurrency 32 ≥ 50 % of the bare Temporal start rate: not measured (no creation section for this shape).",
	} {
		if !strings.Contains(targets[onProd:onEmb], want) {
			t.Errorf("production targets lack %q:\n%s", want, targets[onProd:onEmb])
		}
	}
	for _, want := range []string{
		"- Creation at concurrency 32 ≥ 50 % of the bare Temporal start rate of the same run: MISSED (30 %: 12.0/s against 40.0/s — run of 2026-11-28 10:00 UTC).",
		"- Action accept p99 < 100 ms at concurrency 32: MISSED (p99 150 ms — run of 2026-11-28 10:00 UTC).",
		"- Open tickets under 1 GiB RSS: not measured (no open-tickets section for this shape).",
	} {
		if !strings.Contains(targets[onEmb:], want) {
			t.Errorf("embedded targets lack %q:\n%s", want, targets[onEmb:])
		}
	}
	if !strings.HasSuffix(doc, "\n"+HandWrittenMarker+"\n") {
		t.Error("the document does not end with the hand-written marker")
	}
}

func TestTheReportTakesTheLaterRunOnTheSameSectionAndShape(t *testing.T) {
	day := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	older, newer := productionRun(day, 900<<20), productionRun(day.Add(2*time.Hour), 700<<20)
	// A later run of another section only: the older open-tickets figure stays.
	lifecycleOnly := embeddedRun(day.Add(3 * time.Hour))
	lifecycleOnly.Shape = older.Shape
	lifecycleOnly.Creation, lifecycleOnly.Profiles = nil, nil

	// Given in any order, the start time decides.
	a := Assemble([]*Report{newer, lifecycleOnly, older})
	doc := document(t, a, "")
	if !strings.Contains(doc, "| 700 MiB |") || strings.Contains(doc, "| 900 MiB |") {
		t.Errorf("the open-tickets figure is not the later run's (700 MiB):\n%s", doc)
	}
	if !strings.Contains(doc, "### 2. Whole lifecycle through the API\n\n*Run of 2026-11-28 13:00 UTC") {
		t.Error("the lifecycle section of the later run is missing")
	}
	// The JSON holds the runs shown, each with the sections shown from it.
	var b bytes.Buffer
	if err := a.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var set RunSet
	if err := json.Unmarshal(b.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	if set.Format != RunsFormat || len(set.Runs) != 2 {
		t.Fatalf("JSON holds %d runs (format %q), want the 2 shown", len(set.Runs), set.Format)
	}
	if set.Runs[0].Open == nil || set.Runs[0].Open.RSSBytes != 700<<20 || set.Runs[0].Lifecycle != nil {
		t.Errorf("first run in the JSON = %+v, want the later open-tickets run alone", set.Runs[0])
	}
	if set.Runs[1].Lifecycle == nil || set.Runs[1].Creation != nil || set.Runs[1].Open != nil {
		t.Errorf("second run in the JSON = %+v, want the lifecycle run", set.Runs[1])
	}

	// Runs started at the same time: the last given wins.
	twin := productionRun(day, 800<<20)
	if doc := document(t, Assemble([]*Report{older, twin}), ""); !strings.Contains(doc, "| 800 MiB |") {
		t.Errorf("among runs started together the last given does not win:\n%s", doc)
	}
}

func TestTheReportKeepsTheHandWrittenEnd(t *testing.T) {
	existing := "# Benchmarks\n\nold generated results, quoting " + HandWrittenMarker + " in a line\n\n" +
		HandWrittenMarker + "\n\n## Reads at 1,000,000 tickets (written by hand)\n\nkept text\n"
	tail := HandWritten([]byte(existing))
	if tail != HandWrittenMarker+"\n\n## Reads at 1,000,000 tickets (written by hand)\n\nkept text\n" {
		t.Fatalf("HandWritten = %q", tail)
	}
	doc := document(t, Assemble([]*Report{embeddedRun(time.Now())}), tail)
	if !strings.HasSuffix(doc, "\n"+tail) || strings.Contains(doc, "old generated results") {
		t.Fatalf("the document does not end with the hand-written part alone:\n%s", doc)
	}
	// Rewriting the rewritten document keeps the same end.
	if HandWritten([]byte(doc)) != tail {
		t.Error("the hand-written end changes when the document is rewritten")
	}
	if HandWritten([]byte("# Benchmarks\n\nno marker\n")) != "" {
		t.Error("a document without the marker has a hand-written end")
	}
}

func TestTheReportReadsRunsOfEveryFormat(t *testing.T) {
	dir := t.TempDir()
	// A run as the current `guichet bench` writes it (bench.Report).
	var current bytes.Buffer
	if err := embeddedRun(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)).WriteJSON(&current); err != nil {
		t.Fatal(err)
	}
	currentPath := filepath.Join(dir, "current.json")
	if err := os.WriteFile(currentPath, current.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// An assembled report.
	var set bytes.Buffer
	if err := Assemble([]*Report{productionRun(time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC), 1<<30)}).WriteJSON(&set); err != nil {
		t.Fatal(err)
	}
	setPath := filepath.Join(dir, "set.json")
	if err := os.WriteFile(setPath, set.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A run written by an earlier binary (reads at 1,000,000 on PostgreSQL).
	earlier := filepath.Join("testdata", "reads-run-of-an-earlier-binary.json")

	runs, err := ReadRuns([]string{currentPath, setPath, earlier})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].Shape.Name != "embedded" || runs[1].Open == nil || runs[2].Reads == nil || runs[2].Reads.Tickets != 1000000 {
		t.Fatalf("runs read = %+v", runs)
	}
	doc := document(t, Assemble(runs), "")
	for _, want := range []string{
		"### 4. Reads at volume (1000000 tickets and 5000 knowledge-base articles",
		"| list: API, technician, open tickets, page 1 | 1 | 200 | 344.8 |",
		"- Open tickets under 1 GiB RSS: MISSED (1024 MiB at 100,678 open tickets",
		// That earlier run predates Temporal on PostgreSQL: the document says so.
		"**In this run the Temporal server was on SQLite: only the application database is the production shape's.**",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	// An assembled JSON reads back to the same document.
	var again bytes.Buffer
	if err := Assemble(runs).WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	back, err := ParseRuns(again.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if document(t, Assemble(back), "") != doc {
		t.Error("the assembled JSON does not give the same document")
	}
}

func TestTheReportRefusesBadInputClearly(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name  string
		paths []string
		says  string
	}{
		{"a missing file is named", []string{filepath.Join(dir, "nowhere.json")}, "nowhere.json: no such file"},
		{"bad JSON is named with its file", []string{write("bad.json", `{"shape": `)}, "bad.json: bad JSON"},
		{"an object that is no run says so", []string{write("other.json", `{"name": "x"}`)}, `neither a run (no "shape")`},
		{"a run without a shape name is refused", []string{write("noshape.json", `{"shape": {}, "started": "2026-11-28T10:00:00Z"}`)}, "run 1 has no shape name"},
		{"an assembled report of another format is refused", []string{write("future.json", `{"format": "guichet-bench-runs/9", "runs": []}`)}, `format "guichet-bench-runs/9"`},
		{"runs without any section are refused", []string{write("empty.json", `{"shape": {"name": "embedded"}, "started": "2026-11-28T10:00:00Z"}`)}, "no section measured"},
		{"no file at all is refused", nil, "no benchmarks.json given"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRuns(tc.paths)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("ReadRuns error = %v, want one saying %q", err, tc.says)
			}
		})
	}
}
