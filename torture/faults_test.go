package torture_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// driven is one ticket whose number a client received, and the state it
// was driven to.
type driven struct {
	number string
	want   string
	steps  int
}

// TestFaultsLoseNothing files tickets and drives their lifecycles through
// Temporal Updates while, in turn, the worker stops and restarts, the
// Temporal server stops and restarts on the same data directory (intake
// keeps the submissions of the outage and the resumer starts them), and
// the SMTP relay refuses mail (451) then accepts it again. After recovery,
// for every ticket number handed out: the ticket exists, its workflow
// exists and is in the state it was driven to (never-picked-up tickets
// flagged late: their pick-up timer fired, some of them during the
// outage), its timeline has no duplicate event, and every mail of the
// outbox reached the relay exactly once (counted by Message-ID).
//
// Reduced: 20 tickets. GUICHET_TORTURE=1 (make torture): 400.
func TestFaultsLoseNothing(t *testing.T) {
	perRound := 5
	if os.Getenv("GUICHET_TORTURE") == "1" {
		perRound = 100
	}
	r := startRelay(t)
	s := newStack(t, t.TempDir(), freePort(t), r.port, true)
	t.Cleanup(s.close)
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	defer cancel()

	var (
		mu      sync.Mutex
		tickets []driven
		errs    []error
		wg      sync.WaitGroup
		seq     int
	)
	// round files perRound tickets and drives each in its own goroutine;
	// the drivers retry through whatever fault is on.
	round := func() {
		for range perRound {
			mu.Lock()
			seq++
			i := seq
			mu.Unlock()
			number, err := s.submit(ctx, i)
			if err != nil {
				t.Fatalf("submission %d refused: %v", i, err)
			}
			steps, want := s.plan(i % 4)
			mu.Lock()
			tickets = append(tickets, driven{number: number, want: want, steps: len(steps)})
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.drive(ctx, number, steps); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("drive %s: %w", number, err))
					mu.Unlock()
				}
			}()
		}
	}

	// Baseline.
	round()
	wg.Wait()

	// 1. The worker stops while tickets are filed and driven, then comes back.
	s.stopWorker()
	s.faults = append(s.faults, "worker stopped and restarted")
	round()
	time.Sleep(2 * time.Second)
	s.startWorker()
	wg.Wait()

	// 2. The Temporal server stops: submissions are kept pending, pick-up
	// timers of the new tickets fall due meanwhile; then it restarts on
	// the same data directory and the resumer starts the kept ones.
	s.stopWorker()
	s.stopTemporal()
	s.faults = append(s.faults, "Temporal server stopped and restarted on its data directory")
	round()
	time.Sleep(s.cfg.Tickets.PickupDeadline + time.Second)
	s.startTemporal()
	s.startWorker()
	wg.Wait()

	// 3. The relay refuses every mail, then accepts again.
	r.refuse.Store(true)
	s.faults = append(s.faults, "SMTP relay refused mail (451) then accepted")
	round()
	wg.Wait()
	for deadline := time.Now().Add(wait); r.refusd.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	r.refuse.Store(false)

	for _, err := range errs {
		t.Error(err)
	}

	rep := verify(ctx, t, s, r, tickets)
	rep.faults = s.faults
	record(t, rep)
}
