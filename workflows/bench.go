package workflows

import "go.temporal.io/sdk/workflow"

// Contract of the benchmark's bare workflow (`guichet bench`): it runs on a
// task queue of its own, apart from Guichet's, on a worker the benchmark
// starts.
const (
	// BenchTaskQueue is the task queue of BenchEmptyWorkflow.
	BenchTaskQueue = "guichet-bench"
	// BenchWorkflowName is the registered type name of BenchEmptyWorkflow.
	BenchWorkflowName = "BenchEmptyWorkflow"
)

// BenchEmptyWorkflow does nothing: its start is the bare cost of a Temporal
// workflow start on the server Guichet uses.
func BenchEmptyWorkflow(workflow.Context) error { return nil }
