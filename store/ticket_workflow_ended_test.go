package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestMarkWorkflowEnded(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		open := newTicket(t, db, req)
		closed := newTicket(t, db, req)
		if _, err := db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", store.StatusClosed).
			Where("number = ?", closed).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)

		t.Run("flags an open ticket once and keeps its status", func(t *testing.T) {
			first, err := db.MarkWorkflowEnded(ctx, open, "Terminated", at)
			if err != nil || !first {
				t.Fatalf("first mark = %v, %v; want true", first, err)
			}
			again, err := db.MarkWorkflowEnded(ctx, open, "Canceled", at.Add(time.Hour))
			if err != nil || again {
				t.Fatalf("second mark = %v, %v; want false", again, err)
			}
			tk, err := db.GetTicket(ctx, open)
			if err != nil {
				t.Fatal(err)
			}
			if tk.WorkflowEndedStatus != "Terminated" || tk.WorkflowEndedAt == nil || !tk.WorkflowEndedAt.Equal(at) {
				t.Errorf("flag = %q at %v, want Terminated at %v", tk.WorkflowEndedStatus, tk.WorkflowEndedAt, at)
			}
			if tk.Status == "" || tk.Status == store.StatusClosed {
				t.Errorf("status = %q, want unchanged", tk.Status)
			}
		})
		t.Run("leaves a closed ticket alone", func(t *testing.T) {
			if ok, err := db.MarkWorkflowEnded(ctx, closed, "Terminated", at); err != nil || ok {
				t.Fatalf("mark closed = %v, %v; want false", ok, err)
			}
		})
		t.Run("reports an unknown ticket as not found", func(t *testing.T) {
			if _, err := db.MarkWorkflowEnded(ctx, "I999999_9999", "Terminated", at); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
		})
		t.Run("lists the flagged open tickets of an académie", func(t *testing.T) {
			ts, err := db.TicketsWithEndedWorkflow(ctx, "creteil", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 1 || ts[0].Number != open {
				t.Fatalf("flagged = %v, want only %s", ts, open)
			}
			if ts, err := db.TicketsWithEndedWorkflow(ctx, "rouen", 0); err != nil || len(ts) != 0 {
				t.Fatalf("rouen flagged = %v, %v; want none", ts, err)
			}
		})
	})
}
