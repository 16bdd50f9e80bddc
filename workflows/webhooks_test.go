package workflows

import (
	"slices"
	"sync"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"
)

// deliveryLog records the delivery workflows a ticket started.
type deliveryLog struct {
	mu      sync.Mutex
	ids     []string
	parents []string
}

// fakeDeliveries registers, in place of WebhookDeliveryWorkflow, a
// delivery that records its start and then takes a day (so the ticket
// closes long before it ends).
func (h *harness) fakeDeliveries() *deliveryLog {
	l := &deliveryLog{}
	h.env.RegisterWorkflowWithOptions(func(ctx workflow.Context, in WebhookInput) error {
		info := workflow.GetInfo(ctx)
		l.mu.Lock()
		l.ids = append(l.ids, info.WorkflowExecution.ID)
		if p := info.ParentWorkflowExecution; p != nil {
			l.parents = append(l.parents, p.ID)
		}
		l.mu.Unlock()
		return workflow.Sleep(ctx, day)
	}, workflow.RegisterOptions{Name: WebhookWorkflowName})
	return l
}

func (l *deliveryLog) started() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids)
}

func TestATicketStartsADeliveryWorkflowPerPendingWebhookDelivery(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.fake.webhooks = map[string][]int64{EventCreated: {11, 12}, EventPickedUp: {13}, EventAccepted: {14}}
	log := h.fakeDeliveries()
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Câble remplacé."})
	h.update(3*minute, UpdateAccept, AcceptInput{Actor: requester, RatingDelay: 5, RatingQuality: 5})
	h.run()

	t.Run("the ticket closes without waiting for its deliveries", func(t *testing.T) {
		if st := h.final(); st.Status != StatusClosed {
			t.Fatalf("status %s, want closed", st.Status)
		}
	})
	t.Run("each delivery runs once under its own workflow ID, child of the ticket", func(t *testing.T) {
		equalStrings(t, "delivery workflows", sorted(log.started()), []string{
			WebhookWorkflowID(11), WebhookWorkflowID(12), WebhookWorkflowID(13), WebhookWorkflowID(14),
		})
		log.mu.Lock()
		defer log.mu.Unlock()
		if len(log.parents) != len(log.ids) {
			t.Errorf("%d deliveries, %d with a parent: want each a child of the ticket", len(log.ids), len(log.parents))
		}
	})
	t.Run("every projection asks for the deliveries instead of starting them", func(t *testing.T) {
		for _, p := range h.fake.projects {
			if !p.ReturnWebhooks {
				t.Errorf("projection of %v does not ask for its deliveries", p.Events)
			}
		}
	})
}

func TestADeliveryAlreadyStartedIsNotStartedAgain(t *testing.T) {
	h := newHarness(t, monday10(t))
	// A delivery still pending is returned again by a later projection
	// (as after a retried one): its workflow exists already.
	h.fake.webhooks = map[string][]int64{EventCreated: {21}, EventPickedUp: {21, 22}}
	log := h.fakeDeliveries()
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateCancel, CancelInput{Actor: requester, Reason: "Réglé tout seul."})
	h.run()
	if st := h.final(); st.Status != StatusCancelled {
		t.Fatalf("status %s, want cancelled", st.Status)
	}
	equalStrings(t, "delivery workflows", sorted(log.started()), []string{WebhookWorkflowID(21), WebhookWorkflowID(22)})
}

func TestATicketWithoutSubscriptionsStartsNoDelivery(t *testing.T) {
	h := newHarness(t, monday10(t))
	log := h.fakeDeliveries()
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateCancel, CancelInput{Actor: requester, Reason: "Réglé tout seul."})
	h.run()
	h.final()
	if got := log.started(); len(got) != 0 {
		t.Fatalf("deliveries started: %v", got)
	}
}

func TestDeliveriesOutliveTheirTicketAndAreNeverStartedTwice(t *testing.T) {
	o := webhookChildOptions(7)
	if o.WorkflowID != "webhook-delivery-7" {
		t.Errorf("workflow ID %q: want the one the Project activity of earlier releases gave it", o.WorkflowID)
	}
	if o.ParentClosePolicy != enumspb.PARENT_CLOSE_POLICY_ABANDON {
		t.Errorf("parent close policy %v, want ABANDON", o.ParentClosePolicy)
	}
	if o.WorkflowIDReusePolicy != enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE {
		t.Errorf("reuse policy %v, want REJECT_DUPLICATE", o.WorkflowIDReusePolicy)
	}
	if o.TaskQueue != "" {
		t.Errorf("task queue %q, want the ticket's (empty)", o.TaskQueue)
	}
}
