package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"guichet/store"
	"guichet/workflows"
)

// BareTaskQueue is the task queue of the bare workflow
// (workflows.BenchEmptyWorkflow), apart from Guichet's.
const BareTaskQueue = workflows.BenchTaskQueue

// BareWorkflowName is the registered name of workflows.BenchEmptyWorkflow.
const BareWorkflowName = workflows.BenchWorkflowName

// scratchTable receives the bare inserts: a table of the tickets' shape.
const scratchTable = "bench_tickets"

// startBareWorker starts the worker of the bare workflow once.
func (b *runner) startBareWorker() error {
	if b.bareWorker != nil {
		return nil
	}
	w := sdkworker.New(b.env.Temporal, BareTaskQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(workflows.BenchEmptyWorkflow, workflow.RegisterOptions{Name: BareWorkflowName})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start bare worker: %w", err)
	}
	b.bareWorker = w
	b.runID = time.Now().UTC().Format("150405")
	return nil
}

func (b *runner) stopBareWorker() {
	if b.bareWorker != nil {
		b.bareWorker.Stop()
		b.bareWorker = nil
	}
}

// bareStart starts the bare workflow; with wait it also waits for its
// completion.
func (b *runner) bareStart(wait bool) Op {
	return func(ctx context.Context, i int, _ func(string, time.Duration)) error {
		kind := "s"
		if wait {
			kind = "c"
		}
		run, err := b.env.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:        fmt.Sprintf("bench-%s-%s-%d-%d", b.runID, kind, b.level, i),
			TaskQueue: BareTaskQueue,
		}, BareWorkflowName)
		if err != nil {
			return err
		}
		if wait {
			return run.Get(ctx, nil)
		}
		return nil
	}
}

// createScratch creates the scratch table of bare inserts (emptied if it
// exists).
func (b *runner) createScratch(ctx context.Context) error {
	if err := b.dropScratch(ctx); err != nil {
		return err
	}
	_, err := b.env.DB.NewCreateTable().Model((*store.Ticket)(nil)).ModelTableExpr(scratchTable).Exec(ctx)
	if err != nil {
		return fmt.Errorf("create scratch table: %w", err)
	}
	return nil
}

func (b *runner) dropScratch(ctx context.Context) error {
	_, err := b.env.DB.NewDropTable().Model((*store.Ticket)(nil)).ModelTableExpr(scratchTable).IfExists().Exec(ctx)
	if err != nil {
		return fmt.Errorf("drop scratch table: %w", err)
	}
	return nil
}

// bareInsert inserts, with bun, the row the API would store for the same
// ticket, into the scratch table.
func (b *runner) bareInsert() Op {
	return func(ctx context.Context, i int, _ func(string, time.Duration)) error {
		now := time.Now().UTC()
		req := b.p.requester
		t := &store.Ticket{
			Number:      fmt.Sprintf("B%d_%06d", b.level, i),
			AcademyCode: b.env.Academy, RequesterID: req.ID, BeneficiaryID: req.ID,
			Location: req.Location, Entity: req.Entity, CategoryID: b.p.categoryID, CategoryPath: b.p.category,
			Urgency: 2, Impact: 3, Priority: 3, Status: store.StatusNew,
			Description: fmt.Sprintf("Banc d'essai n° %d : l'imprimante du CDI affiche un bourrage papier.", i),
			CreatedAt:   now, UpdatedAt: now, ProjectedSeq: 1,
		}
		_, err := b.env.DB.NewInsert().Model(t).ModelTableExpr(scratchTable).Exec(ctx)
		return err
	}
}
