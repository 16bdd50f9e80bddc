package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestATicketFiledForACallerRecordsTheTechnician(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		caller := newPerson(t, db, "appelant")
		tech := newPerson(t, db, "technicien")
		tk := newSubmission(caller)
		tk.FiledByID = &tech
		number, err := db.CreateTicket(ctx, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		createdData := func(t *testing.T) map[string]string {
			t.Helper()
			evs, err := db.Timeline(ctx, number, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) == 0 || evs[0].Kind != store.EventCreated {
				t.Fatalf("timeline = %+v", evs)
			}
			if evs[0].ActorID == nil || *evs[0].ActorID != caller {
				t.Fatalf("created event's actor = %v, want the caller %d", evs[0].ActorID, caller)
			}
			data := map[string]string{}
			if err := json.Unmarshal([]byte(evs[0].Data), &data); err != nil {
				t.Fatalf("data %q: %v", evs[0].Data, err)
			}
			return data
		}

		t.Run("the created event names the technician beside the requester", func(t *testing.T) {
			if got := createdData(t)["filed_by"]; got != strconv.FormatInt(tech, 10) {
				t.Fatalf("filed_by = %q", got)
			}
		})
		t.Run("the workflow's created event adds its details and keeps the technician", func(t *testing.T) {
			at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			state := store.TicketProjection{Seq: 1, Status: store.StatusNew, Urgency: 3, Impact: 3, Priority: 5, UpdatedAt: at}
			created := []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 1, Kind: store.EventCreated, ActorID: &caller,
				Public: true, Data: `{"group":"7","pickup_due":"2026-11-30T11:00:00Z"}`, CreatedAt: at}}}
			for range 2 { // a retried projection merges the same way
				if _, err := db.ApplyProjection(ctx, number, state, created); err != nil {
					t.Fatal(err)
				}
			}
			data := createdData(t)
			if data["filed_by"] != strconv.FormatInt(tech, 10) || data["group"] != "7" || data["pickup_due"] == "" {
				t.Fatalf("data = %v", data)
			}
		})
		t.Run("a ticket the requester filed has no filing technician", func(t *testing.T) {
			own := newTicket(t, db, caller)
			evs, err := db.Timeline(ctx, own, true)
			if err != nil {
				t.Fatal(err)
			}
			if evs[0].Data != "{}" {
				t.Fatalf("created data = %q", evs[0].Data)
			}
		})
	})
}
