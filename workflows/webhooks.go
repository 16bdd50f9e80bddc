package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Webhooks: every ticket event an académie's administrators subscribed to
// is recorded as a delivery (the Project activity does it, idempotently),
// and each delivery runs its own small workflow that POSTs it, signed,
// retrying with backoff until the receiver accepts it or the retries are
// spent. The ticket workflow itself is unchanged.

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

// WebhookDeliveryWorkflow delivers one webhook: the DeliverWebhook activity
// with WebhookRetryPolicy, then, if it never succeeded, FailWebhook.
func WebhookDeliveryWorkflow(ctx workflow.Context, in WebhookInput) error {
	deliver := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
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
