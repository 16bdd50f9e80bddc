package workflows

import (
	"context"
	"slices"
	"sync"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
)

// activityLog records which activities a harness ran, and how.
type activityLog struct {
	mu      sync.Mutex
	local   []string
	regular []string
}

func (l *activityLog) listen(h *harness) {
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.local = append(l.local, info.ActivityType.Name)
	})
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.regular = append(l.regular, info.ActivityType.Name)
	})
}

func TestTheDatabaseStepsOfANewTicketRunAsLocalActivities(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.fake.lookups["I240304_0002"] = LookupTicketResult{Found: true, Academy: "creteil", Status: StatusNew}
	var log activityLog
	log.listen(h)
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: "I240304_0002"})
	h.run()
	if st := h.final(); st.Status != StatusClosed || st.DuplicateOf != "I240304_0002" {
		t.Fatalf("final state: status %s duplicate of %q", st.Status, st.DuplicateOf)
	}

	if len(log.regular) != 0 {
		t.Errorf("regular activities %v ran: every step of the ticket should be a local activity", log.regular)
	}
	for _, name := range []string{ActivityRoute, ActivityProject, ActivityNotify, ActivityLookupTicket} {
		if !slices.Contains(log.local, name) {
			t.Errorf("local activities %v: no %s", log.local, name)
		}
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventPickedUp, EventDuplicate})
}

func TestALateOfferPicksTheTechnicianInALocalActivity(t *testing.T) {
	h := newHarness(t, monday10(t))
	var log activityLog
	log.listen(h)
	st := h.query(11 * minute)
	h.stopAt(12 * minute)
	h.run()
	if !st.Late || st.TechnicianID != offeredTechID {
		t.Fatalf("late=%v technician=%d, want late and offered to %d", st.Late, st.TechnicianID, offeredTechID)
	}
	if len(log.regular) != 0 || !slices.Contains(log.local, ActivityPickTechnician) {
		t.Errorf("local %v, regular %v: want PickTechnician local and nothing regular", log.local, log.regular)
	}
}

func TestAProjectionIsRetriedUntilTheDatabaseAnswers(t *testing.T) {
	h := newHarness(t, monday10(t))
	// Twelve failures outlast both the ten attempts of the bounded class
	// and a 30 s overall limit (the backoff reaches a minute): only the
	// forever class gets through.
	h.fake.failProjects = 12
	h.in.Timers.PickupDeadline = 4 * hour
	pick := h.update(1*hour, UpdatePickUp, PickUpInput{Actor: technician})
	st := h.query(59 * minute)
	h.stopAt(2 * hour)
	h.run()
	accepted(t, pick)
	if st.Status != StatusNew || st.GroupID != intakeGroup || st.Seq == 0 {
		t.Fatalf("state before the pick-up = %+v, want the creation committed", st)
	}
	if h.fake.projectCalls != 12+2 {
		t.Errorf("Project called %d times, want 12 failures then the creation and the pick-up", h.fake.projectCalls)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventPickedUp})
}
