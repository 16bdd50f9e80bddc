package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Contract of the directory synchronisation: DirectorySyncWorkflow runs on
// the tickets' task queue (the same workers), started every
// directory.sync_interval by the Temporal schedule DirectoryScheduleID and
// on demand by the administrators (DirectorySyncManualID).
const (
	// DirectorySyncWorkflowName is the registered type name of
	// DirectorySyncWorkflow (the schedule's action names it: keep it).
	DirectorySyncWorkflowName = "DirectorySyncWorkflow"
	// DirectoryScheduleID is the Temporal schedule that starts the
	// synchronisation, and the workflow ID prefix of the runs it starts.
	DirectoryScheduleID = "guichet-directory-sync"
	// DirectorySyncManualID is the workflow ID of a synchronisation started
	// from the administrators' page: only one runs at a time.
	DirectorySyncManualID = DirectoryScheduleID + "-manual"
	// DirectorySyncTimeout bounds a whole synchronisation.
	DirectorySyncTimeout = 24 * time.Hour
	// DirectoryHeartbeatTimeout is how long an académie's synchronisation
	// may go without a heartbeat before Temporal retries it elsewhere.
	DirectoryHeartbeatTimeout = 10 * time.Second
)

// Activity names of the directory synchronisation (methods of
// activities.Directory, registered under their method names).
const (
	// ActivityListSyncAcademies lists the académies with an LDAP directory.
	ActivityListSyncAcademies = "ListSyncAcademies"
	// ActivitySyncAcademy synchronises one académie (heartbeating the
	// entries seen); its input is the académie code, its result an
	// AcademySyncResult.
	ActivitySyncAcademy = "SyncAcademy"
)

// DirectorySyncInput says which académies to synchronise: those listed,
// or every académie with an LDAP directory when empty.
type DirectorySyncInput struct {
	Academies []string
}

// AcademySyncResult is one académie's synchronisation, as recorded.
type AcademySyncResult struct {
	Academy  string
	RunID    int64
	Seen     int
	Added    int
	Updated  int
	Disabled int
	Errors   int
	// Failure is the error that stopped it, empty when it completed.
	Failure string
}

// DirectorySyncResult lists each académie's outcome.
type DirectorySyncResult struct {
	Academies []AcademySyncResult
}

// ErrDirectorySyncFailed is the ApplicationError type of a synchronisation
// in which at least one académie failed.
const ErrDirectorySyncFailed = "DirectorySyncFailed"

// DirectorySyncStartOptions returns the options of a synchronisation
// started on demand on taskQueue: workflow ID DirectorySyncManualID, the
// running one reused (one at a time), a finished one not in the way.
func DirectorySyncStartOptions(taskQueue string) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       DirectorySyncManualID,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionTimeout: DirectorySyncTimeout,
	}
}

// DirectorySyncScheduleAction returns the action of the schedule
// DirectoryScheduleID: a synchronisation of every académie with a
// directory, on taskQueue.
func DirectorySyncScheduleAction(taskQueue string) *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{
		ID: DirectoryScheduleID, Workflow: DirectorySyncWorkflowName,
		Args: []any{DirectorySyncInput{}}, TaskQueue: taskQueue,
		WorkflowExecutionTimeout: DirectorySyncTimeout,
	}
}

// DirectorySyncWorkflow synchronises the staff directory from the LDAP
// directories: one activity per académie (heartbeating its progress, which
// is also written to the database for the administrators' page); an
// académie whose directory fails does not stop the others, and the
// workflow fails at the end if one did.
func DirectorySyncWorkflow(ctx workflow.Context, in DirectorySyncInput) (DirectorySyncResult, error) {
	var res DirectorySyncResult
	codes := in.Academies
	if len(codes) == 0 {
		lctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
		if err := workflow.ExecuteActivity(lctx, ActivityListSyncAcademies).Get(ctx, &codes); err != nil {
			return res, err
		}
	}
	// SyncAcademy heartbeats every second, even inside a long directory
	// search: an attempt silent for DirectoryHeartbeatTimeout lost its
	// worker and is retried on another after 5 s (then 30 s). Only the
	// ScheduleActivityTask attributes changed (from a 2 min heartbeat
	// timeout and 30 s, 60 s retries): older histories replay unchanged.
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 4 * time.Hour,
		HeartbeatTimeout:    DirectoryHeartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 5 * time.Second, BackoffCoefficient: 6, MaximumAttempts: 3,
		},
	})
	var failed []string
	for _, code := range codes {
		var r AcademySyncResult
		if err := workflow.ExecuteActivity(actx, ActivitySyncAcademy, code).Get(ctx, &r); err != nil {
			r = AcademySyncResult{Academy: code, Failure: err.Error()}
			failed = append(failed, code)
		}
		res.Academies = append(res.Academies, r)
	}
	if len(failed) > 0 {
		return res, temporal.NewApplicationError(fmt.Sprintf("directory sync failed for %v", failed), ErrDirectorySyncFailed)
	}
	return res, nil
}
