package upgrade

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// namespace is the embedded stack's Temporal namespace (config default).
const namespace = "default"

func dialTemporal(hostPort string) (client.Client, error) {
	return client.Dial(client.Options{
		HostPort:  hostPort,
		Namespace: namespace,
		Logger:    sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
}

// benignTaskFailures are workflow task failure causes that are ordinary
// Temporal traffic, not a fault of the workflow code: a task whose commands
// raced a new event (an Update arriving meanwhile) is retried at once.
var benignTaskFailures = map[enumspb.WorkflowTaskFailedCause]bool{
	enumspb.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND:       true,
	enumspb.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE: true,
	enumspb.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND:     true,
	enumspb.WORKFLOW_TASK_FAILED_CAUSE_FAILOVER_CLOSE_COMMAND:  true,
}

// taskFailure is one WorkflowTaskFailed event of a ticket's history.
type taskFailure struct {
	eventID int64
	cause   enumspb.WorkflowTaskFailedCause
	message string
	// before is the type of the last events before the failure, to place it.
	before []string
}

func (f taskFailure) String() string {
	return fmt.Sprintf("event %d %s after [%s]: %.400s", f.eventID, f.cause, strings.Join(f.before, ", "), f.message)
}

// audit is what the drill learnt of one workflow from Temporal.
type audit struct {
	status        enumspb.WorkflowExecutionStatus
	pendingTask   int32 // attempt of a pending workflow task (0: none)
	failures      []taskFailure
	timeouts      int      // WorkflowTaskTimedOut (a worker stopped mid-task)
	identities    []string // workers that completed its workflow tasks
	events        int
	lastEventType string
}

// nde reports whether the history holds a non-determinism error.
func (a audit) nde() bool {
	for _, f := range a.failures {
		if f.cause == enumspb.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR {
			return true
		}
	}
	return false
}

// faults returns the failures that are not ordinary traffic.
func (a audit) faults() []taskFailure {
	var out []taskFailure
	for _, f := range a.failures {
		if !benignTaskFailures[f.cause] {
			out = append(out, f)
		}
	}
	return out
}

// auditWorkflow describes the workflow of id (latest run) and reads its
// whole history.
func auditWorkflow(ctx context.Context, c client.Client, id string) (audit, error) {
	var a audit
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return a, fmt.Errorf("describe %s: %w", id, err)
	}
	a.status = desc.GetWorkflowExecutionInfo().GetStatus()
	if pt := desc.GetPendingWorkflowTask(); pt != nil {
		a.pendingTask = pt.GetAttempt()
	}
	seen := map[string]bool{}
	var recent []string
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return a, fmt.Errorf("history of %s: %w", id, err)
		}
		a.events++
		typ := strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_")
		a.lastEventType = typ
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
			attrs := ev.GetWorkflowTaskFailedEventAttributes()
			a.failures = append(a.failures, taskFailure{
				eventID: ev.GetEventId(), cause: attrs.GetCause(),
				message: attrs.GetFailure().GetMessage(), before: append([]string(nil), recent...),
			})
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
			a.timeouts++
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			if id := ev.GetWorkflowTaskCompletedEventAttributes().GetIdentity(); !seen[id] {
				seen[id] = true
				a.identities = append(a.identities, id)
			}
		}
		recent = append(recent, typ)
		if len(recent) > 4 {
			recent = recent[1:]
		}
	}
	return a, nil
}

// waitClosed waits until the workflow of id is no longer running.
func waitClosed(ctx context.Context, c client.Client, id string) (enumspb.WorkflowExecutionStatus, error) {
	for {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return 0, err
		}
		st := desc.GetWorkflowExecutionInfo().GetStatus()
		if st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// namespaceFaults lists every workflow of the namespace (tickets of the
// drill, demo tickets, schedules…) that ended other than completed or
// continued-as-new, or is running with a workflow task retried over and
// over (a workflow stuck on an error, such as non-determinism).
func namespaceFaults(ctx context.Context, c client.Client) (listed int, faults []string, err error) {
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, PageSize: 1000, NextPageToken: token,
		})
		if err != nil {
			return listed, faults, fmt.Errorf("list workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			listed++
			id := e.GetExecution().GetWorkflowId()
			switch e.GetStatus() {
			case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
			case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
				desc, err := c.DescribeWorkflowExecution(ctx, id, e.GetExecution().GetRunId())
				if err != nil {
					return listed, faults, fmt.Errorf("describe %s: %w", id, err)
				}
				if pt := desc.GetPendingWorkflowTask(); pt != nil && pt.GetAttempt() > 1 {
					faults = append(faults, fmt.Sprintf("%s (%s): running, workflow task at attempt %d",
						id, e.GetType().GetName(), pt.GetAttempt()))
				}
			default:
				faults = append(faults, fmt.Sprintf("%s (%s): %s", id, e.GetType().GetName(), e.GetStatus()))
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			sort.Strings(faults)
			return listed, faults, nil
		}
	}
}

// ticketStates returns the GuichetStatus of every ticket workflow the
// visibility store lists, keyed by workflow ID.
func ticketStates(ctx context.Context, c client.Client) (map[string]string, error) {
	out := map[string]string{}
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, PageSize: 1000, NextPageToken: token,
			Query: "WorkflowType = 'TicketWorkflow'",
		})
		if err != nil {
			return nil, fmt.Errorf("list ticket workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			var status string
			if p := e.GetSearchAttributes().GetIndexedFields()["GuichetStatus"]; p != nil {
				status = string(p.GetData())
			}
			out[e.GetExecution().GetWorkflowId()+"/"+e.GetExecution().GetRunId()] = e.GetStatus().String() + " " + status
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// waitQuiet waits until the ticket workflows (the demo tickets `guichet
// dev` files and drives at its first start) stop changing for quiet.
func waitQuiet(ctx context.Context, c client.Client, quiet, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last string
	since := time.Now()
	for {
		states, err := ticketStates(ctx, c)
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(states))
		for k, v := range states {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		if cur := strings.Join(keys, ","); cur != last || len(states) == 0 {
			last, since = cur, time.Now()
		} else if time.Since(since) >= quiet {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ticket workflows still changing after %s", limit)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
