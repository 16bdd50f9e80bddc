package torture_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/store"
	"guichet/workflows"
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

	// Recovery: wait for every ticket to reach its state, and the outbox
	// to drain.
	report := struct{ driven, lost, wrongState, dupEvents, mails, dupMails, missingMails int }{}
	report.driven = len(tickets)
	for _, d := range tickets {
		deadline := time.Now().Add(wait)
		for {
			tk, err := s.db.GetTicket(ctx, d.number)
			ok := err == nil && tk.Status == d.want && (d.want != workflows.StatusNew || tk.Late)
			if ok || time.Now().After(deadline) {
				if err != nil {
					report.lost++
					t.Errorf("ticket %s: %v", d.number, err)
				} else if !ok {
					report.wrongState++
					t.Errorf("ticket %s: status %s late %v, want %s (late for new)", d.number, tk.Status, tk.Late, d.want)
				}
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, d := range tickets {
		id := workflows.TicketWorkflowID(d.number)
		if _, err := s.c.DescribeWorkflowExecution(ctx, id, ""); err != nil {
			report.lost++
			t.Errorf("workflow of %s: %v", d.number, err)
			continue
		}
		v, err := s.c.QueryWorkflow(ctx, id, "", workflows.QueryState)
		var st workflows.TicketState
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil {
			t.Errorf("state of %s: %v", d.number, err)
		} else if st.Status != d.want {
			report.wrongState++
			t.Errorf("workflow %s: status %s, want %s", d.number, st.Status, d.want)
		}
		ev, err := s.db.Timeline(ctx, d.number, true)
		if err != nil {
			t.Fatal(err)
		}
		seqs := map[int64]bool{}
		kinds := map[string]int{}
		for _, e := range ev {
			if seqs[e.Seq] {
				report.dupEvents++
				t.Errorf("ticket %s: event seq %d twice", d.number, e.Seq)
			}
			seqs[e.Seq] = true
			kinds[e.Kind]++
		}
		for _, k := range []string{workflows.EventCreated, workflows.EventPickedUp, workflows.EventReply,
			workflows.EventResolved, workflows.EventAccepted, workflows.EventLate} {
			if kinds[k] > 1 {
				report.dupEvents++
				t.Errorf("ticket %s: %d %q events", d.number, kinds[k], k)
			}
		}
	}

	// Every mail of the outbox about these tickets went out exactly once.
	deadline := time.Now().Add(wait)
	var expected []store.Mail
	for {
		expected = expected[:0]
		unsent := 0
		for _, d := range tickets {
			ms, err := s.db.ListMailsForTicket(ctx, d.number)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				expected = append(expected, m)
				if m.SentAt == nil {
					unsent++
				}
			}
		}
		if unsent == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	counts := r.counts()
	for _, m := range expected {
		report.mails++
		switch n := counts[strings.Trim(m.MessageID, "<>")]; {
		case n == 0:
			report.missingMails++
			t.Errorf("mail %s (%s to %s) never reached the relay (sent_at %v, last error %q)", m.MessageID, m.DedupeKey, m.ToAddr, m.SentAt, m.LastError)
		case n > 1:
			report.dupMails++
			t.Errorf("mail %s (%s) reached the relay %d times", m.MessageID, m.DedupeKey, n)
		}
	}
	if report.mails < len(tickets) {
		t.Errorf("only %d mails for %d tickets: notifications missing", report.mails, len(tickets))
	}
	var ids []string
	for id, n := range counts {
		if n > 1 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Errorf("relay got Message-ID %s %d times", id, counts[id])
	}
	t.Logf("torture report: tickets driven %d; faults injected %d (%v); relay refusals %d; "+
		"tickets lost %d; in a wrong state %d; duplicate events %d; mails %d, duplicated %d, missing %d",
		report.driven, len(s.faults), s.faults, r.refusd.Load(), report.lost, report.wrongState, report.dupEvents,
		report.mails, report.dupMails, report.missingMails)
}
