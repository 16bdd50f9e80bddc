package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Report is the result of a run.
type Report struct {
	Machine  Machine      `json:"machine"`
	Shape    Shape        `json:"shape"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
	Limits   ReportLimits `json:"limits"`
	// Creation compares ticket creation with its bare parts, by
	// concurrency.
	Creation []CreationLevel `json:"creation,omitempty"`
	// Lifecycle holds create → pickup → resolve → accept, by concurrency;
	// phases are the actions.
	Lifecycle []Level      `json:"lifecycle,omitempty"`
	Open      *OpenResult  `json:"open_tickets,omitempty"`
	Reads     *ReadsResult `json:"reads,omitempty"`
	Profiles  []ProfileTop `json:"profiles,omitempty"`
	Notes     []string     `json:"notes,omitempty"`
}

// ReportLimits are the bounds of each measured operation.
type ReportLimits struct {
	N          int     `json:"n"`
	MaxSeconds float64 `json:"max_seconds"`
}

// Shape says what the stack ran on.
type Shape struct {
	Name     string `json:"name"`     // embedded or production
	AppDB    string `json:"app_db"`   // sqlite or postgres
	Temporal string `json:"temporal"` // e.g. "embedded, SQLite file"
}

// CreationLevel is ticket creation and its bare parts at one concurrency.
type CreationLevel struct {
	Concurrency int `json:"concurrency"`
	// Guichet: POST /api/v1/tickets until the first projection is visible
	// (phases: number = the POST answered, projection = the whole).
	Guichet Level `json:"guichet"`
	// BareStart: ExecuteWorkflow of an empty workflow on the same server.
	BareStart Level `json:"bare_temporal_start"`
	// BareStartComplete: the same, waiting for its completion.
	BareStartComplete Level `json:"bare_temporal_start_and_completion"`
	// BareInsert: a bun insert of the same ticket row on the same database.
	BareInsert Level `json:"bare_insert"`
	// Throughput ratios Guichet / bare, and p50 latency ratios.
	ThroughputVsTemporal float64 `json:"throughput_ratio_vs_bare_temporal"`
	ThroughputVsInsert   float64 `json:"throughput_ratio_vs_bare_insert"`
	LatencyVsTemporal    float64 `json:"p50_ratio_vs_bare_temporal"`
	LatencyVsInsert      float64 `json:"p50_ratio_vs_bare_insert"`
}

// OpenResult is the open-tickets-at-rest figure.
type OpenResult struct {
	Wanted           int     `json:"wanted"`
	Filed            int     `json:"filed"`
	FileErrors       int     `json:"file_errors"`
	FileSeconds      float64 `json:"file_seconds"`
	FilePerSecond    float64 `json:"file_per_second"`
	SettleSeconds    float64 `json:"settle_seconds"`
	OpenInDB         int     `json:"open_tickets_in_app_db"`
	RunningWorkflows int64   `json:"running_workflows"`
	// RSSBytes is the bench process' resident memory after a GC. With
	// WorkerRSSBytes set it holds the Temporal server and the web app (the
	// worker ran apart); in older runs (no WorkerRSSBytes) it also holds
	// the worker.
	RSSBytes    int64 `json:"rss_bytes"`
	GoHeapBytes int64 `json:"go_heap_bytes"`
	// WorkerRSSBytes is the resident memory of the separate `guichet
	// worker` process that served every ticket of this section (VmRSS,
	// no forced GC), and WorkerGoHeapBytes its Go heap in use; both 0 in
	// runs whose worker ran inside the bench process.
	WorkerRSSBytes    int64 `json:"worker_rss_bytes,omitempty"`
	WorkerGoHeapBytes int64 `json:"worker_go_heap_bytes,omitempty"`
	// WorkflowCacheSize is the worker's worker.workflow_cache_size (0:
	// not recorded).
	WorkflowCacheSize int     `json:"workflow_cache_size,omitempty"`
	TemporalDBBytes   int64   `json:"temporal_db_bytes"`
	RestartSeconds    float64 `json:"worker_restart_seconds"`
	// FirstActionMS is the pickup of the oldest ticket right after the
	// restart (history replayed); NextActions the 20 next old tickets.
	FirstActionMS float64 `json:"first_action_after_restart_ms"`
	NextActions   Stats   `json:"next_actions_after_restart"`
}

// ReadsResult is the reads-at-volume figure.
type ReadsResult struct {
	Tickets     int      `json:"tickets"`
	Articles    int      `json:"articles"`
	SeedSeconds float64  `json:"seed_seconds"`
	Ops         []ReadOp `json:"operations"`
}

// ReadOp is one read measured at each concurrency.
type ReadOp struct {
	Name   string  `json:"name"`
	Levels []Level `json:"levels"`
}

// ProfileTop is the head of a pprof profile taken during the creation
// load.
type ProfileTop struct {
	Kind string   `json:"kind"` // cpu or allocs
	File string   `json:"file"`
	Top  []string `json:"top"`
}

// Machine describes where the run happened.
type Machine struct {
	CPU          string            `json:"cpu"`
	Cores        int               `json:"cores"`
	MemoryBytes  int64             `json:"memory_bytes"`
	Kernel       string            `json:"kernel"`
	Go           string            `json:"go"`
	Modules      map[string]string `json:"modules"`
	LoadBefore   string            `json:"load_average_before"`
	LoadAfter    string            `json:"load_average_after"`
	SharedNotice string            `json:"notice,omitempty"`
}

// Describe reads the machine's description (Linux /proc) and the versions
// of the modules built in.
func Describe() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), Modules: map[string]string{},
		LoadBefore: LoadAverage(), Kernel: strings.TrimSpace(readFile("/proc/sys/kernel/osrelease"))}
	for _, line := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			m.CPU = strings.TrimSpace(v)
			break
		}
	}
	for _, line := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			m.MemoryBytes = kb << 10
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		want := map[string]bool{"go.temporal.io/server": true, "go.temporal.io/sdk": true, "go.temporal.io/api": true,
			"github.com/uptrace/bun": true, "github.com/gofiber/fiber/v2": true, "modernc.org/sqlite": true}
		for _, d := range bi.Deps {
			if want[d.Path] {
				m.Modules[d.Path] = d.Version
			}
		}
	}
	return m
}

// LoadAverage returns the 1, 5 and 15 minute load averages ("" off Linux).
func LoadAverage() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func readFile(path string) string {
	b, err := os.ReadFile(path) // #nosec G304 -- callers pass fixed /proc paths only
	if err != nil {
		return ""
	}
	return string(b)
}

// readRSS returns this process' resident set size (VmRSS), 0 off Linux.
func readRSS() int64 { return readRSSOf("self") }

// readRSSOf returns the resident set size (VmRSS) of process pid ("self"
// or a number), 0 off Linux or when the process is gone.
func readRSSOf(pid string) int64 {
	f, err := os.Open(filepath.Join("/proc", pid, "status")) // #nosec G304 -- /proc/<pid>/status of a process this run started
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("bench: write json: %w", err)
	}
	return nil
}
