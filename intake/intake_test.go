package intake_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
)

// refusingStarter is a Temporal that cannot be reached.
type refusingStarter struct{ calls int }

func (r *refusingStarter) ExecuteWorkflow(context.Context, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	r.calls++
	return nil, errors.New("connection refused")
}

var _ intake.Starter = (*refusingStarter)(nil)

func TestInput(t *testing.T) {
	paris := config.OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00", Days: []int{1, 2, 3, 4, 5}, Holidays: "fr"}
	late := config.OpeningHours{TimeZone: "Europe/Paris", Open: "07:30", Close: "19:00", Days: []int{1, 2, 3, 4, 5, 6}, Holidays: "fr"}
	cfg := config.Config{
		Tickets: config.Tickets{PickupDeadline: 10 * time.Minute, ValidationDeadline: 7 * 24 * time.Hour,
			ValidationReminder: 5 * 24 * time.Hour, WaitingReminder: 3 * 24 * time.Hour, OpeningHours: paris},
		Academies: []config.Academy{{Code: "creteil"}, {Code: "rouen", OpeningHours: &late}, {Code: "versailles"}},
	}
	db := storetest.SQLite(t)
	ctx := context.Background()
	for _, code := range []string{"creteil", "rouen", "versailles"} {
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: code}); err != nil {
			t.Fatal(err)
		}
	}
	// Versailles' supervisors set their own hours and a closed day.
	by := store.Editor{PersonID: 1, Academy: "versailles"}
	if err := db.SaveHours(ctx, by, &store.AcademyHours{TimeZone: "Europe/Paris", Open: "09:00", Close: "17:00", Days: "1,2,3,4", Holidays: "fr"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddHoliday(ctx, by, store.Holiday{Day: "2026-12-24", Label: "Veille de Noël"}); err != nil {
		t.Fatal(err)
	}
	svc := intake.New(db, &refusingStarter{}, cfg, nil)
	for _, tc := range []struct {
		name, academy, open string
		days                []int
		closed              []string
	}{
		{"an académie without its own hours takes the default ones", "creteil", "08:00", paris.Days, nil},
		{"an académie with its own hours in the configuration takes them", "rouen", "07:30", late.Days, nil},
		{"hours and closed days set by supervisors win over the configuration", "versailles", "09:00", []int{1, 2, 3, 4}, []string{"2026-12-24"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := svc.Input(ctx, &store.Ticket{Number: "I261128_0001", AcademyCode: tc.academy, RequesterID: 1,
				BeneficiaryID: 2, CategoryID: 3, CategoryPath: "Matériel › Écran", Urgency: 2, Impact: 1})
			if err != nil {
				t.Fatal(err)
			}
			if in.Timers.Hours.Open != tc.open || !slices.Equal(in.Timers.Hours.Days, tc.days) ||
				in.Timers.PickupDeadline != 10*time.Minute || in.Timers.WaitingReminder != 3*24*time.Hour ||
				in.Subject != "Matériel › Écran" || in.BeneficiaryID != 2 || in.Urgency != 2 || in.Impact != 1 ||
				!slices.Equal(in.Timers.Hours.ClosedDays, tc.closed) {
				t.Fatalf("input = %+v", in)
			}
		})
	}
	t.Run("a ticket without a number is refused", func(t *testing.T) {
		if _, err := svc.Input(ctx, &store.Ticket{}); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestSubmitKeepsTheTicketWhenTemporalFails(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		starter := &refusingStarter{}
		svc := intake.New(db, starter, config.Config{}, nil)
		svc.ResumeAfter = 0
		n, err := svc.Submit(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: 1, CategoryID: 1,
			CategoryPath: "Réseau", Urgency: 3, Impact: 3, Priority: 5, Description: "Pas de réseau."}, nil)
		if err != nil || n == "" {
			t.Fatalf("submit = %q, %v", n, err)
		}
		pending, err := db.PendingTickets(ctx, 0, 10)
		if err != nil || len(pending) != 1 || pending[0].Number != n {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		t.Run("the resumer stops at the first failure and leaves it pending", func(t *testing.T) {
			started, err := svc.ResumePending(ctx)
			if err == nil || started != 0 || starter.calls != 2 {
				t.Fatalf("resume = %d, %v after %d starts", started, err, starter.calls)
			}
		})
		t.Run("the resumer returns when its context ends", func(t *testing.T) {
			rctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := svc.RunResumer(rctx); err != nil {
				t.Fatal(err)
			}
		})
	})
}
