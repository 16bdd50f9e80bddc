package torture_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the pure-Go "sqlite" driver, already used by the store and Temporal

	"guichet/config"
	"guichet/embedded"
	"guichet/workflows"
)

// vacuumInto copies the SQLite database src into the new file dst with
// VACUUM INTO: a consistent copy, WAL included, as the README's backup
// section does it.
func vacuumInto(t *testing.T, src, dst string) {
	t.Helper()
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("VACUUM INTO ?", dst); err != nil {
		t.Fatalf("VACUUM INTO %s: %v", dst, err)
	}
}

// TestBackupRestoresEveryTicketAndRunningTimers files tickets on a stack,
// drives some, stops the stack, backs up both SQLite databases (the
// application's guichet.db and Temporal's temporal.db) with VACUUM INTO,
// restores them into a fresh data directory, starts a fresh stack there and
// finds every ticket and its workflow; the pick-up timers that were
// running at backup time fire after the restore, and the restored
// workflows still take Updates.
func TestBackupRestoresEveryTicketAndRunningTimers(t *testing.T) {
	r := startRelay(t)
	longTimer := func(c *config.Config) { c.Tickets.PickupDeadline = 15 * time.Second }
	src := t.TempDir()
	hostPort := freePort(t)
	s := newStack(t, src, hostPort, r.port, true, longTimer)
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	defer cancel()

	type ticket struct{ number, want string }
	var tickets []ticket
	for i := range 6 {
		number, err := s.submit(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		want := workflows.StatusNew
		if i%2 == 1 {
			if err := s.drive(ctx, number, []step{{workflows.UpdatePickUp, workflows.PickUpInput{Actor: s.actor("tech")}}}); err != nil {
				t.Fatal(err)
			}
			want = workflows.StatusInProgress
		}
		tickets = append(tickets, ticket{number, want})
	}
	for _, tk := range tickets {
		for deadline := time.Now().Add(wait); ; {
			got, err := s.db.GetTicket(ctx, tk.number)
			if err == nil && got.Status == tk.want && got.WorkflowStartedAt != nil {
				if got.Late {
					t.Fatalf("ticket %s is already late before the backup: the timer must still be running", tk.number)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("ticket %s never reached %s before the backup", tk.number, tk.want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	backedUp := time.Now()
	s.close()

	backup := t.TempDir()
	for _, f := range []string{"guichet.db", embedded.DatabaseFile} {
		vacuumInto(t, filepath.Join(src, f), filepath.Join(backup, f))
	}
	// The source is gone (the machine lost): restore into a fresh directory.
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	for _, f := range []string{"guichet.db", embedded.DatabaseFile} {
		data, err := os.ReadFile(filepath.Join(backup, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	restored := newStack(t, dst, freePort(t), r.port, false, longTimer)
	t.Cleanup(restored.close)

	for _, tk := range tickets {
		got, err := restored.db.GetTicket(ctx, tk.number)
		if err != nil {
			t.Fatalf("ticket %s lost by the restore: %v", tk.number, err)
		}
		if got.Status != tk.want {
			t.Errorf("ticket %s: status %s after restore, want %s", tk.number, got.Status, tk.want)
		}
		if _, err := restored.c.DescribeWorkflowExecution(ctx, workflows.TicketWorkflowID(tk.number), ""); err != nil {
			t.Errorf("workflow of %s lost by the restore: %v", tk.number, err)
		}
	}
	// The pick-up timers running at backup time fire in the restored stack.
	for _, tk := range tickets {
		if tk.want != workflows.StatusNew {
			continue
		}
		for deadline := time.Now().Add(wait); ; {
			got, err := restored.db.GetTicket(ctx, tk.number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Late {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("ticket %s: the pick-up timer never fired after the restore", tk.number)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// And the restored workflows still take Updates.
	for _, tk := range tickets {
		if tk.want == workflows.StatusNew {
			if err := restored.drive(ctx, tk.number, []step{{workflows.UpdatePickUp, workflows.PickUpInput{Actor: restored.actor("tech")}}}); err != nil {
				t.Errorf("pick up %s after the restore: %v", tk.number, err)
			}
		}
	}
	t.Logf("backup and restore: %d tickets found, %d pick-up timers fired after the restore (backup %s old)",
		len(tickets), len(tickets)/2, time.Since(backedUp).Round(time.Second))
}
