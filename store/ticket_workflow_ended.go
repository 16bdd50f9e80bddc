package store

import (
	"context"
	"fmt"
	"time"
)

// Tickets whose workflow ended outside Guichet. The ticket workflow is the
// only writer of a ticket's projection: when it is terminated or cancelled
// from the Temporal UI or CLI (or times out, or fails), the projection
// stays open for ever. The reconciliation finds such tickets and flags
// them here (workflow_ended_status, workflow_ended_at); the ticket keeps
// its status.

// MarkWorkflowEnded records that the workflow of ticket number was found
// ended with Temporal status status at time at. It flags only an open
// ticket not flagged yet, and reports whether it did: false for a ticket
// already flagged, closed or cancelled (the reconciliation may see the
// same workflow again; it tells the supervisors once). An unknown number
// is ErrNotFound.
func (db *DB) MarkWorkflowEnded(ctx context.Context, number, status string, at time.Time) (bool, error) {
	if status == "" {
		return false, fmt.Errorf("store: mark workflow of %s ended: empty status: %w", number, ErrInvalid)
	}
	res, err := db.NewUpdate().Model((*Ticket)(nil)).
		Set("workflow_ended_status = ?", status).Set("workflow_ended_at = ?", at.UTC()).
		Where("number = ?", number).Where("workflow_ended_status = ''").
		Where("status NOT IN (?, ?)", StatusClosed, StatusCancelled).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: mark workflow of %s ended: %w", number, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	if _, err := db.GetTicket(ctx, number); err != nil {
		return false, fmt.Errorf("store: mark workflow of %s ended: %w", number, err)
	}
	return false, nil
}

// TicketsWithEndedWorkflow returns the open tickets of académie academy
// (every académie when empty) flagged by MarkWorkflowEnded, most recently
// found first, at most limit (50 when limit ≤ 0).
func (db *DB) TicketsWithEndedWorkflow(ctx context.Context, academy string, limit int) ([]Ticket, error) {
	if limit <= 0 {
		limit = 50
	}
	var ts []Ticket
	q := db.NewSelect().Model(&ts).Where("workflow_ended_status <> ''").
		Where("status NOT IN (?, ?)", StatusClosed, StatusCancelled).
		Order("workflow_ended_at DESC", "number").Limit(limit)
	if academy != "" {
		q = q.Where("academy_code = ?", academy)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: tickets with an ended workflow: %w", err)
	}
	return ts, nil
}
