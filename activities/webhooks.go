package activities

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"guichet/netguard"
	"guichet/store"
	"guichet/workflows"
)

// Webhook delivery headers.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
	// keyed with the subscription's secret.
	SignatureHeader = "X-Guichet-Signature"
	// EventHeader names the ticket event kind.
	EventHeader = "X-Guichet-Event"
	// DeliveryHeader carries the delivery ID (the same on every retry, so a
	// receiver can drop duplicates).
	DeliveryHeader = "X-Guichet-Delivery"
)

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 20 * time.Second

// WebhookPayload is the JSON body of a delivery: which event happened to
// which ticket. It carries no text of the ticket: receivers read the
// ticket through the API, with a token, under the usual rules.
type WebhookPayload struct {
	Event      string        `json:"event"`
	Seq        int64         `json:"seq"`
	OccurredAt time.Time     `json:"occurred_at"`
	Public     bool          `json:"public"`
	Ticket     WebhookTicket `json:"ticket"`
}

// WebhookTicket is the ticket part of a WebhookPayload.
type WebhookTicket struct {
	Number   string `json:"number"`
	Academy  string `json:"academy"`
	Status   string `json:"status"`
	Urgency  int    `json:"urgency"`
	Priority int    `json:"priority"`
	Private  bool   `json:"private"`
	URL      string `json:"url,omitempty"`
}

// Sign returns the X-Guichet-Signature value of body for secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// enqueueWebhooks records the deliveries of a projection's events to the
// académie's subscriptions and returns the IDs of those still pending (new
// or recorded by an earlier try), oldest first. Project calls it after
// writing; it is idempotent (a retried projection records nothing twice).
func (a *Activities) enqueueWebhooks(ctx context.Context, s workflows.TicketState, events []workflows.Event) ([]int64, error) {
	var evs []store.WebhookEvent
	for _, ev := range events {
		if ev.Kind == workflows.EventMailSent {
			continue
		}
		p := WebhookPayload{
			Event: ev.Kind, Seq: ev.Seq, OccurredAt: ev.At.UTC(), Public: ev.Public,
			Ticket: WebhookTicket{Number: s.Number, Academy: s.Academy, Status: s.Status,
				Urgency: s.Urgency, Priority: s.Priority, Private: s.Private},
		}
		if a.BaseURL != "" {
			p.Ticket.URL = a.BaseURL + "/incidents/" + s.Number
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("activities: webhook payload of %s: %w", s.Number, err)
		}
		evs = append(evs, store.WebhookEvent{Seq: ev.Seq, Kind: ev.Kind, Payload: string(b)})
	}
	pending, err := a.DB.EnqueueWebhookDeliveries(ctx, s.Academy, s.Number, evs)
	if err != nil {
		return nil, fmt.Errorf("activities: enqueue webhooks: %w", err)
	}
	ids := make([]int64, 0, len(pending))
	for _, d := range pending {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

// startWebhooks starts the delivery workflow of each delivery, through the
// activity's Temporal client, on the workflow's task queue; one already
// started is left alone. It serves the ticket workflows of earlier
// releases (before versionWebhookChildren), which expect Project to start
// them; the current one starts them as child workflows, with the same
// workflow IDs.
func (a *Activities) startWebhooks(ctx context.Context, deliveries []int64) error {
	if len(deliveries) == 0 {
		return nil
	}
	c := activity.GetClient(ctx)
	queue := activity.GetInfo(ctx).TaskQueue
	for _, id := range deliveries {
		_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       workflows.WebhookWorkflowID(id),
			TaskQueue:                queue,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		}, workflows.WebhookWorkflowName, workflows.WebhookInput{DeliveryID: id})
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if err != nil && !errors.As(err, &started) {
			return fmt.Errorf("activities: start webhook delivery %d: %w", id, err)
		}
	}
	return nil
}

// DeliverWebhook POSTs a delivery to its subscription's URL, signed, and
// logs the attempt, heartbeating meanwhile. A receiver answering anything but 2xx (or not
// answering) makes it fail, and Temporal retries it with backoff.
func (a *Activities) DeliverWebhook(ctx context.Context, in workflows.WebhookInput) error {
	d, err := a.DB.GetWebhookDelivery(ctx, in.DeliveryID)
	if err != nil {
		return storeError(fmt.Sprintf("webhook delivery %d", in.DeliveryID), err)
	}
	if d.Status == store.DeliveryDelivered {
		return nil
	}
	sub, err := a.DB.GetWebhook(ctx, d.SubscriptionID)
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("activities: webhook delivery %d: subscription %d deleted", d.ID, d.SubscriptionID), ErrBadInput, err)
	}
	if err != nil {
		return fmt.Errorf("activities: webhook delivery %d: %w", d.ID, err)
	}
	attempt := int(activity.GetInfo(ctx).Attempt)
	// Heartbeats while the receiver answers: a worker killed mid-POST is
	// noticed on the workflow's HeartbeatTimeout, not its start-to-close.
	hb := startHeartbeats(ctx)
	status, sendErr := a.postWebhook(ctx, sub, d)
	hb.stop()
	rec := store.WebhookAttempt{Attempt: attempt, HTTPStatus: status, Delivered: sendErr == nil}
	if sendErr != nil {
		rec.Error = sendErr.Error()
	}
	if err := a.DB.RecordWebhookAttempt(ctx, d.ID, rec); err != nil {
		return fmt.Errorf("activities: webhook delivery %d: %w", d.ID, err)
	}
	if sendErr != nil {
		return fmt.Errorf("activities: webhook delivery %d attempt %d: %w", d.ID, attempt, sendErr)
	}
	return nil
}

// postWebhook sends one attempt and returns the receiver's HTTP status
// (0 when none came). The connection is refused, whatever the URL's host
// resolves to now, to an internal address unless WebhookAllowPrivate
// (netguard).
func (a *Activities) postWebhook(ctx context.Context, sub *store.WebhookSubscription, d *store.WebhookDelivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	secret, err := a.WebhookKey.SigningSecret(sub)
	if err != nil {
		return 0, err
	}
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Guichet-Webhooks/1")
	req.Header.Set(EventHeader, d.Event)
	req.Header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	req.Header.Set(SignatureHeader, Sign(secret, body))
	resp, err := netguard.Client(webhookTimeout, a.WebhookAllowPrivate).Do(req)
	if err != nil {
		return 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// FailWebhook marks a delivery failed for good (its retries are spent).
func (a *Activities) FailWebhook(ctx context.Context, in workflows.WebhookInput) error {
	if err := a.DB.FailWebhookDelivery(ctx, in.DeliveryID); err != nil {
		return fmt.Errorf("activities: %w", err)
	}
	return nil
}
