package torture_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/store"
	"guichet/workflows"
)

// report is what one fault test found, and (summed) what the suite found.
type report struct {
	test         string
	driven       int
	spooled      int // of driven: submissions kept in the spool, stored after the outage
	faults       []string
	refusals     int64
	lost         int
	wrongState   int
	dupEvents    int
	mails        int
	dupMails     int
	missingMails int
	// resent counts mails the relay got twice because the sender was
	// killed, or the database stopped, after the relay accepted the mail
	// and before the sender recorded it sent: delivery is at least once
	// (the same Message-ID both times, so receivers may drop the copy).
	resent int
}

func (r report) String() string {
	spooled := ""
	if r.spooled > 0 {
		spooled = fmt.Sprintf(" (%d of them spooled while the database was down)", r.spooled)
	}
	return fmt.Sprintf("tickets driven %d%s; faults injected %d (%s); relay refusals %d; "+
		"tickets lost %d; in a wrong state %d; duplicate events %d; mails %d, duplicated %d, missing %d, "+
		"sent again after an outage cut the sender between relay and database %d",
		r.driven, spooled, len(r.faults), strings.Join(r.faults, "; "), r.refusals,
		r.lost, r.wrongState, r.dupEvents, r.mails, r.dupMails, r.missingMails, r.resent)
}

// suite gathers the reports of the fault tests for the summary TestMain
// prints at the end.
var suite struct {
	mu      sync.Mutex
	reports []report
}

// record logs a test's report and keeps it for the suite's summary.
func record(t *testing.T, r report) {
	t.Helper()
	r.test = t.Name()
	t.Logf("torture report: %s", r)
	suite.mu.Lock()
	suite.reports = append(suite.reports, r)
	suite.mu.Unlock()
}

// summary is the suite's report: every fault test's figures summed.
func summary() string {
	suite.mu.Lock()
	defer suite.mu.Unlock()
	if len(suite.reports) == 0 {
		return ""
	}
	var sum report
	var lines []string
	for _, r := range suite.reports {
		sum.driven += r.driven
		sum.spooled += r.spooled
		sum.faults = append(sum.faults, r.faults...)
		sum.refusals += r.refusals
		sum.lost += r.lost
		sum.wrongState += r.wrongState
		sum.dupEvents += r.dupEvents
		sum.mails += r.mails
		sum.dupMails += r.dupMails
		sum.missingMails += r.missingMails
		sum.resent += r.resent
		lines = append(lines, "  "+r.test+": "+r.String())
	}
	return "torture suite report: " + sum.String() + "\n" + strings.Join(lines, "\n")
}

// verify waits for recovery and checks every ticket whose number a client
// received: the ticket exists, its workflow exists and is in the state it
// was driven to (never-picked-up tickets flagged late: their pick-up timer
// fired), its timeline has no duplicate event, and every mail of the
// outbox about these tickets reached the relay exactly once (counted by
// Message-ID) — or twice, the first time before the start of one of the
// stack's outages and the second after it: the at-least-once window of the
// sender (report.resent), reported, not failed.
func verify(ctx context.Context, t *testing.T, s *stack, r *relay, tickets []driven) report {
	t.Helper()
	rep := report{driven: len(tickets), refusals: r.refusd.Load()}
	for _, d := range tickets {
		deadline := time.Now().Add(wait)
		for {
			tk, err := s.db.GetTicket(ctx, d.number)
			ok := err == nil && tk.Status == d.want && (d.want != workflows.StatusNew || tk.Late)
			if ok || time.Now().After(deadline) {
				if err != nil {
					rep.lost++
					t.Errorf("ticket %s: %v", d.number, err)
				} else if !ok {
					rep.wrongState++
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
			rep.lost++
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
			rep.wrongState++
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
				rep.dupEvents++
				t.Errorf("ticket %s: event seq %d twice", d.number, e.Seq)
			}
			seqs[e.Seq] = true
			kinds[e.Kind]++
		}
		for _, k := range []string{workflows.EventCreated, workflows.EventPickedUp, workflows.EventReply,
			workflows.EventResolved, workflows.EventAccepted, workflows.EventLate} {
			if kinds[k] > 1 {
				rep.dupEvents++
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
		rep.mails++
		switch n := counts[strings.Trim(m.MessageID, "<>")]; {
		case n == 0:
			rep.missingMails++
			t.Errorf("mail %s (%s to %s) never reached the relay (sent_at %v, last error %q)", m.MessageID, m.DedupeKey, m.ToAddr, m.SentAt, m.LastError)
		case n == 2 && straddles(r.acceptedAt(strings.Trim(m.MessageID, "<>")), s.outages):
			rep.resent++
			t.Logf("mail %s (%s) reached the relay twice, before and after an outage (sent, not yet recorded sent)", m.MessageID, m.DedupeKey)
		case n > 1:
			rep.dupMails++
			t.Errorf("mail %s (%s) reached the relay %d times", m.MessageID, m.DedupeKey, n)
		}
	}
	if rep.mails < len(tickets) {
		t.Errorf("only %d mails for %d tickets: notifications missing", rep.mails, len(tickets))
	}
	var ids []string
	for id, n := range counts {
		if n > 2 || n == 2 && !straddles(r.acceptedAt(id), s.outages) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Errorf("relay got Message-ID %s %d times", id, counts[id])
	}
	return rep
}

// straddles reports whether two deliveries of a mail fall on each side of
// the start of an outage.
func straddles(at []time.Time, outages []outage) bool {
	if len(at) != 2 {
		return false
	}
	for _, o := range outages {
		if !at[0].After(o.from) && !at[1].Before(o.from) {
			return true
		}
	}
	return false
}
