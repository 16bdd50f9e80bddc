package workflows

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"
)

func TestAMissedPickupFlagsTheTicketLateAndOffersItAtTheRightTime(t *testing.T) {
	tests := []struct {
		name  string
		filed func(*time.Location) time.Time
		late  func(*time.Location) time.Time
	}{
		{"on a working morning, ten minutes later",
			func(l *time.Location) time.Time { return time.Date(2024, 3, 4, 10, 0, 0, 0, l) },
			func(l *time.Location) time.Time { return time.Date(2024, 3, 4, 10, 10, 0, 0, l) }},
		{"at night, at 08:10 the next morning",
			func(l *time.Location) time.Time { return time.Date(2024, 3, 5, 22, 0, 0, 0, l) },
			func(l *time.Location) time.Time { return time.Date(2024, 3, 6, 8, 10, 0, 0, l) }},
		{"on Friday at 17:55, on Monday at 08:05",
			func(l *time.Location) time.Time { return time.Date(2024, 3, 8, 17, 55, 0, 0, l) },
			func(l *time.Location) time.Time { return time.Date(2024, 3, 11, 8, 5, 0, 0, l) }},
		{"on 14 July, the next working day at 08:10",
			func(l *time.Location) time.Time { return time.Date(2025, 7, 14, 11, 0, 0, 0, l) },
			func(l *time.Location) time.Time { return time.Date(2025, 7, 15, 8, 10, 0, 0, l) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := paris(t)
			filed, late := tt.filed(loc), tt.late(loc)
			h := newHarness(t, filed)
			lateBy := late.Sub(filed)
			before := h.query(lateBy - time.Second)
			after := h.query(lateBy + time.Second)
			pick := h.update(lateBy+time.Minute, UpdatePickUp, PickUpInput{Actor: technician})
			h.stopAt(lateBy + 2*time.Minute)
			h.run()

			if before.Late || !before.PickupDueAt.Equal(late) {
				t.Errorf("just before the deadline: late=%v due=%v, want not late, due %v", before.Late, before.PickupDueAt, late)
			}
			if !after.Late || after.Status != StatusNew || after.TechnicianID != offeredTechID {
				t.Errorf("just after the deadline: late=%v status=%s technician=%d, want late, new, offered to %d",
					after.Late, after.Status, after.TechnicianID, offeredTechID)
			}
			ev := h.fake.event(t, EventLate)
			if !ev.At.Equal(late) || ev.Public {
				t.Errorf("late event at %v (public=%v), want %v, internal", ev.At, ev.Public, late)
			}
			if offer := h.fake.event(t, EventAssigned); offer.Data["offered"] != "true" || offer.Data["technician"] != "150" {
				t.Errorf("offer event %+v", offer)
			}
			if m := h.fake.mail(t, MailLate); m.Recipients[0] != RecipientSupervisors || m.AboutSeq != ev.Seq {
				t.Errorf("late mail %+v", m)
			}
			if m := h.fake.mail(t, MailOffered); m.TechnicianID != offeredTechID {
				t.Errorf("offer mail %+v", m)
			}
			// Still in the queue: another technician may pick it up.
			accepted(t, pick)
			if pick.result.Status != StatusInProgress {
				t.Errorf("pick-up of a late ticket: %s", pick.result.Status)
			}
		})
	}
}

func TestAPickupInTimeCancelsTheDeadline(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(5*minute, UpdatePickUp, PickUpInput{Actor: technician})
	st := h.query(2 * hour)
	h.stopAt(3 * hour)
	h.run()
	if st.Late {
		t.Error("a ticket picked up in time was flagged late")
	}
	for _, k := range h.fake.kinds() {
		if k == EventLate {
			t.Error("late event recorded for a ticket picked up in time")
		}
	}
}

func TestALateTicketStaysInTheQueueWhenNoTechnicianIsAvailable(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.env.OnActivity(ActivityPickTechnician, mockAny, mockAny).Return(PickTechnicianResult{}, nil)
	st := h.query(11 * minute)
	h.stopAt(12 * minute)
	h.run()
	if !st.Late || st.TechnicianID != 0 || st.Status != StatusNew {
		t.Errorf("late=%v technician=%d status=%s, want late, nobody, new", st.Late, st.TechnicianID, st.Status)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventLate})
	equalStrings(t, "mails", h.fake.mails(), []string{MailCreated, MailLate})
}

func TestAnUnvalidatedResolutionIsRemindedAtDayFiveAndClosedAtDaySeven(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Fait."})
	h.run()

	resolvedAt := monday10(t).Add(2 * minute)
	st := h.final()
	if st.Status != StatusClosed || st.Validation != ValidationAuto || !st.ClosedAt.Equal(resolvedAt.Add(7*day)) {
		t.Errorf("final: status %s validation %s closed %v, want auto-closed at %v", st.Status, st.Validation, st.ClosedAt, resolvedAt.Add(7*day))
	}
	if !st.ValidationDueAt.Equal(resolvedAt.Add(7 * day)) {
		t.Errorf("validation due %v", st.ValidationDueAt)
	}
	reminder := h.fake.event(t, EventReminderSent)
	if !reminder.At.Equal(resolvedAt.Add(5*day)) || reminder.Data["reminder"] != "validation" {
		t.Errorf("reminder %+v, want at %v", reminder, resolvedAt.Add(5*day))
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventPickedUp, EventResolved, EventReminderSent, EventClosed})
	equalStrings(t, "mails", h.fake.mails(), []string{MailCreated, MailPickedUp, MailResolved, MailValidationReminder, MailClosed})
	if closed := h.fake.event(t, EventClosed); closed.Data["auto"] != "true" || closed.ActorID != 0 {
		t.Errorf("closing event %+v", closed)
	}
}

func TestARefusalCancelsTheValidationDeadlineAndANewResolutionStartsAFreshOne(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Fait."})
	h.update(2*day, UpdateRefuse, RefuseInput{Actor: requester, RatingDelay: 1, RatingQuality: 1, Comment: "Non."})
	stillOpen := h.query(10 * day)
	h.update(10*day, UpdateResolve, ResolveInput{Actor: technician, Solution: "Cette fois."})
	h.run()

	if stillOpen.Status != StatusInProgress || stillOpen.TechnicianID != technicianID {
		t.Errorf("eight days after the refusal: %s with %d, want in progress with the same technician", stillOpen.Status, stillOpen.TechnicianID)
	}
	st := h.final()
	if want := monday10(t).Add(17 * day); !st.ClosedAt.Equal(want) || st.Validation != ValidationAuto || st.Refusals != 1 {
		t.Errorf("closed %v validation %s refusals %d, want auto at %v after one refusal", st.ClosedAt, st.Validation, st.Refusals, want)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{
		EventCreated, EventPickedUp, EventResolved, EventRefused, EventResolved, EventReminderSent, EventClosed,
	})
}

func TestAnUnansweredQuestionIsRemindedOnceAfterThreeDays(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateRequestInfo, RequestInfoInput{Actor: technician, Question: "Lequel ?"})
	st := h.query(10 * day)
	answer := h.update(10*day+minute, UpdateAddInfo, AddInfoInput{Actor: requester, Body: "Celui-ci."})
	h.stopAt(20 * day)
	h.run()

	accepted(t, answer)
	if st.Status != StatusWaiting || !st.WaitingReminded {
		t.Errorf("after ten days: %s reminded=%v", st.Status, st.WaitingReminded)
	}
	reminder := h.fake.event(t, EventReminderSent)
	if want := monday10(t).Add(2*minute + 3*day); !reminder.At.Equal(want) || reminder.Data["reminder"] != "waiting" {
		t.Errorf("reminder %+v, want at %v", reminder, want)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventPickedUp, EventInfoRequested, EventReminderSent, EventInfoAdded})
	equalStrings(t, "mails", h.fake.mails(), []string{MailCreated, MailPickedUp, MailInfoRequested, MailWaitingReminder, MailInfoAdded})
}

func TestTheWorkflowContinuesAsNewCarryingItsStateAndDeadlines(t *testing.T) {
	// First run: filed at 22:00, picked-up deadline next morning; the
	// creation plus one note reach the threshold of two state changes.
	loc := paris(t)
	filed := time.Date(2024, 3, 5, 22, 0, 0, 0, loc)
	h := newHarness(t, filed)
	h.in.MaxUpdatesPerRun = 2
	h.update(minute, UpdateNote, NoteInput{Actor: technician, Body: "À voir demain."})
	h.run()

	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	var next TicketInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatalf("decode continue-as-new input: %v", err)
	}
	if next.Resume == nil || next.Resume.Seq < 2 || next.Resume.GroupID != intakeGroup ||
		!next.Resume.PickupDueAt.Equal(time.Date(2024, 3, 6, 8, 10, 0, 0, loc)) {
		t.Fatalf("carried state %+v", next.Resume)
	}
	if next.Timers.PickupDeadline != h.in.Timers.PickupDeadline || next.MaxUpdatesPerRun != 2 {
		t.Errorf("carried settings %+v", next.Timers)
	}

	// Second run from the carried input: no new creation, sequences go on,
	// the pick-up deadline still fires at 08:10.
	h2 := newHarness(t, filed.Add(2*minute))
	h2.in = next
	h2.in.MaxUpdatesPerRun = 0
	after := h2.query(10*hour + 10*minute)
	h2.stopAt(11 * hour)
	h2.run()
	if h2.fake.routes != 0 {
		t.Error("the continued run routed the ticket again")
	}
	if !after.Late {
		t.Error("the continued run lost the pick-up deadline")
	}
	late := h2.fake.event(t, EventLate)
	if late.Seq <= next.Resume.Seq {
		t.Errorf("late event seq %d does not follow carried seq %d", late.Seq, next.Resume.Seq)
	}
}
