// Package worker runs Guichet's Temporal worker: the ticket, webhook
// delivery and directory synchronisation workflows and their activities on
// the tickets task queue, and the namespace set-up they need (custom search
// attributes).
package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"guichet/activities"
	"guichet/config"
	"guichet/identity"
	"guichet/workflows"
)

// New returns a worker (not started) polling cfg.Temporal.TaskQueue (the
// contract's workflows.TaskQueue when empty; intake starts workflows on the
// same queue) with every workflow of Guichet and their activities
// registered: those of the tickets and webhooks (acts) and those of the
// directory synchronisation (built on acts.DB and cfg). Start it with Start
// or Run, stop it with Stop.
func New(c client.Client, cfg config.Config, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, TaskQueue(cfg), sdkworker.Options{})
	Register(w, acts)
	RegisterDirectory(w, &activities.Directory{Identity: identity.New(cfg, acts.DB, acts.Logger)})
	return w
}

// TaskQueue returns the task queue of Guichet's workflows: the configured
// one, else workflows.TaskQueue.
func TaskQueue(cfg config.Config) string {
	return workflows.TaskQueueOf(cfg.Temporal.TaskQueue)
}

// Register registers the ticket workflow (under workflows.WorkflowName),
// the webhook delivery workflow (workflows.WebhookWorkflowName) and the
// activities (each method under its own name, the workflows.Activity…
// constants) on r. The ticket workflow runs its activities as local
// activities, by these names: the SDK finds them in this same registry, so
// they must be registered on every worker that runs the workflow.
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.TicketWorkflow, workflow.RegisterOptions{Name: workflows.WorkflowName})
	r.RegisterWorkflowWithOptions(workflows.WebhookDeliveryWorkflow, workflow.RegisterOptions{Name: workflows.WebhookWorkflowName})
	r.RegisterActivity(acts)
}

// RegisterDirectory registers the directory synchronisation workflow
// (under workflows.DirectorySyncWorkflowName, the name its Temporal
// schedule starts) and its activities (each method of acts under its own
// name, workflows.ActivityListSyncAcademies and ActivitySyncAcademy) on r.
func RegisterDirectory(r sdkworker.Registry, acts *activities.Directory) {
	r.RegisterWorkflowWithOptions(workflows.DirectorySyncWorkflow, workflow.RegisterOptions{Name: workflows.DirectorySyncWorkflowName})
	r.RegisterActivity(acts)
}

// EnsureSearchAttributes adds to the namespace the custom search attributes
// the ticket workflow keeps current that are not registered yet. It is
// idempotent: run it at every start of `guichet dev` and from the
// production set-up command.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ops := c.OperatorService()
	have, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("worker: list search attributes of %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for name, typ := range workflows.SearchAttributeTypes() {
		got, ok := have.GetCustomAttributes()[name]
		if !ok {
			missing[name] = typ
			continue
		}
		if got != typ {
			return fmt.Errorf("worker: search attribute %s of %s has type %s, want %s", name, namespace, got, typ)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	req := &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing}
	if _, err := ops.AddSearchAttributes(ctx, req); err != nil {
		var exists *serviceerror.AlreadyExists
		if errors.As(err, &exists) {
			return nil // added meanwhile by another process
		}
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("worker: add search attributes %v to %s: %w", names, namespace, err)
	}
	return nil
}
