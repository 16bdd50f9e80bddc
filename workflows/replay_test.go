package workflows

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// registerForReplay registers every workflow of the package under its
// registered name, as the worker does (worker.Register, RegisterDirectory
// and the benchmark's worker).
func registerForReplay(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(TicketWorkflow, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterWorkflowWithOptions(WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: WebhookWorkflowName})
	r.RegisterWorkflowWithOptions(DirectorySyncWorkflow, workflow.RegisterOptions{Name: DirectorySyncWorkflowName})
	r.RegisterWorkflowWithOptions(BenchEmptyWorkflow, workflow.RegisterOptions{Name: BenchWorkflowName})
}

// TestRecordedHistoriesReplayOnTheCurrentCode replays every history kept in
// testdata/ (recorded from real runs by the end-to-end tests in intake/ and
// worker/) so that a change of workflow logic that would break an open
// ticket, delivery or synchronisation fails here, before deploy.
// testdata/*.json are the ticket histories of the first release (regular
// activities); testdata/<set>/*.json those of each later workflow version
// (see recordSet in intake/e2e_test.go) and of the other workflows (see
// worker/record_test.go). The workflow type of each history picks the code
// it replays on.
func TestRecordedHistoriesReplayOnTheCurrentCode(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.json", filepath.Join("*", "*.json")} {
		found, err := filepath.Glob(filepath.Join("testdata", pattern))
		if err != nil {
			t.Fatalf("list histories: %v", err)
		}
		files = append(files, found...)
	}
	if len(files) == 0 {
		t.Fatal("no history in workflows/testdata: record them with GUICHET_RECORD_HISTORIES=1 go test ./intake/ -run TestTicketLifecycleEndToEnd")
	}
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, file := range files {
		name, _ := filepath.Rel("testdata", file)
		t.Run(name+" replays", func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			registerForReplay(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}
