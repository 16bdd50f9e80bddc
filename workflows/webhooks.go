package workflows

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Webhooks: every ticket event an académie's administrators subscribed to
// is recorded as a delivery (the Project activity does it, idempotently,
// and returns the pending deliveries' IDs), and each delivery runs its own
// small workflow that POSTs it, signed, retrying with backoff until the
// receiver accepts it or the retries are spent. The ticket workflow starts
// them as child workflows it abandons (startWebhooks); tickets recorded
// before versionWebhookChildren had the Project activity start them.

// WebhookWorkflowName is the registered type name of the delivery workflow.
const WebhookWorkflowName = "WebhookDeliveryWorkflow"

// Activity names of the webhook deliveries (methods of activities.Activities).
const (
	// ActivityDeliverWebhook POSTs a delivery once; an error is retried.
	ActivityDeliverWebhook = "DeliverWebhook"
	// ActivityFailWebhook marks a delivery failed once retries are spent.
	ActivityFailWebhook = "FailWebhook"
)

// WebhookWorkflowID returns the workflow ID of a delivery: one workflow per
// delivery, ever.
func WebhookWorkflowID(deliveryID int64) string {
	return fmt.Sprintf("webhook-delivery-%d", deliveryID)
}

// webhookChildOptions are the options of the delivery workflow of
// deliveryID started by a ticket: its one workflow ID (WebhookWorkflowID,
// the same as the deliveries the Project activity started, so a delivery
// is never started twice whichever path came first; a delivery is one per
// subscription, ticket and event sequence), never reused, on the ticket's
// task queue, abandoned when the ticket closes or continues-as-new so that
// neither ends a delivery.
func webhookChildOptions(deliveryID int64) workflow.ChildWorkflowOptions {
	return workflow.ChildWorkflowOptions{
		WorkflowID:            WebhookWorkflowID(deliveryID),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
	}
}

// startWebhooks starts the delivery workflow of each delivery a projection
// returned, as an abandoned child workflow, and waits in the background
// for Temporal to have started them: run awaits it (t.pending) before the
// ticket completes or continues-as-new, since an abandoned child whose
// start is still pending would be lost with its parent. A delivery already
// started (by an earlier attempt, or by the Project activity of an earlier
// release) is left alone.
//
// Histories recorded before versionWebhookChildren have no deliveries in
// their Project results, so they reach neither GetVersion nor a child:
// they replay with the same commands as before. GetVersion marks the
// histories that start deliveries this way.
func (t *ticket) startWebhooks(ctx workflow.Context, deliveries []int64) {
	if len(deliveries) == 0 {
		return
	}
	if workflow.GetVersion(ctx, versionWebhookChildren, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		// Unreachable: only the Project activity of this version returns
		// deliveries, and then the marker is recorded with them.
		return
	}
	// Disconnected: cancelling the ticket (from the Temporal UI) must
	// cancel neither the starts nor the deliveries.
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	starts := make([]workflow.ChildWorkflowFuture, 0, len(deliveries))
	for _, d := range deliveries {
		cctx := workflow.WithChildOptions(ctx, webhookChildOptions(d))
		starts = append(starts, workflow.ExecuteChildWorkflow(cctx, WebhookWorkflowName, WebhookInput{DeliveryID: d}))
	}
	t.pending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { t.pending-- }()
		for i, f := range starts {
			err := f.GetChildWorkflowExecution().Get(ctx, nil)
			if err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
				workflow.GetLogger(ctx).Error("webhook delivery not started", "delivery", deliveries[i], "error", err)
			}
		}
	})
}

// WebhookInput is the input of WebhookDeliveryWorkflow and of its
// activities: the delivery's ID (its body is in the database).
type WebhookInput struct {
	DeliveryID int64
}

// WebhookRetryPolicy is the backoff of deliveries: 1 s, 2 s, 4 s… up to an
// hour between attempts, 15 attempts in all (about seven hours).
func WebhookRetryPolicy() *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Hour,
		MaximumAttempts:    15,
	}
}

// WebhookHeartbeatTimeout is how long a delivery attempt may go without a
// heartbeat (DeliverWebhook sends one every second) before Temporal counts
// it lost, its worker presumably killed, and retries it on another.
const WebhookHeartbeatTimeout = 5 * time.Second

// WebhookDeliveryWorkflow delivers one webhook: the DeliverWebhook activity
// with WebhookRetryPolicy, then, if it never succeeded, FailWebhook.
//
// The heartbeat timeout changes only the attributes of the
// ScheduleActivityTask command, which replay does not compare: histories
// recorded without it replay unchanged, no GetVersion needed.
func WebhookDeliveryWorkflow(ctx workflow.Context, in WebhookInput) error {
	deliver := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		HeartbeatTimeout:    WebhookHeartbeatTimeout,
		RetryPolicy:         WebhookRetryPolicy(),
	})
	err := workflow.ExecuteActivity(deliver, ActivityDeliverWebhook, in).Get(ctx, nil)
	if err == nil {
		return nil
	}
	workflow.GetLogger(ctx).Warn("webhook delivery failed for good", "delivery", in.DeliveryID, "error", err)
	record := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	return workflow.ExecuteActivity(record, ActivityFailWebhook, in).Get(ctx, nil)
}
