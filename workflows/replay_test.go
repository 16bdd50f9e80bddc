package workflows

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// TestRecordedHistoriesReplayOnTheCurrentCode replays every history kept in
// testdata/ (recorded from real runs by the end-to-end test in intake/) so that a change of
// workflow logic that would break an open ticket fails here, before deploy.
// testdata/*.json are the histories of the first release (regular
// activities); testdata/<set>/*.json those of each later workflow version
// (see recordSet in intake/e2e_test.go).
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
			replayer.RegisterWorkflow(TicketWorkflow)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}
