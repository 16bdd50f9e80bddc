package activities_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

func TestProjectReturnsThePendingWebhookDeliveries(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		all := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://hooks.example/all", CreatedByID: f.people["superviseur"]}
		notes := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://hooks.example/notes", Events: workflows.EventNote,
			CreatedByID: f.people["superviseur"]}
		for _, w := range []*store.WebhookSubscription{all, notes} {
			if _, err := db.CreateWebhook(ctx, w, store.WebhookKey{}); err != nil {
				t.Fatal(err)
			}
		}
		in := workflows.ProjectInput{
			Ticket: f.state(2, workflows.StatusNew),
			Events: []workflows.Event{
				{Seq: 1, Kind: workflows.EventCreated, Public: true, At: time.Now()},
				{Seq: 2, Kind: workflows.EventMailSent, At: time.Now()},
			},
			ReturnWebhooks: true,
		}
		var first []int64
		t.Run("each event is recorded for the subscriptions that want it, and returned", func(t *testing.T) {
			res, err := f.acts.Project(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			log, err := db.WebhookDeliveries(ctx, "creteil", 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.WebhookDeliveries) != 1 || len(log) != 1 || log[0].ID != res.WebhookDeliveries[0] ||
				log[0].SubscriptionID != all.ID || log[0].Event != workflows.EventCreated || log[0].Status != store.DeliveryPending {
				t.Fatalf("returned %v, recorded %+v: want the one delivery of the created event to the catch-all subscription", res.WebhookDeliveries, log)
			}
			first = res.WebhookDeliveries
		})
		t.Run("a retried projection returns the same pending delivery, recorded once", func(t *testing.T) {
			res, err := f.acts.Project(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.WebhookDeliveries, first) {
				t.Fatalf("retry returned %v, want %v", res.WebhookDeliveries, first)
			}
		})
		t.Run("a delivered event is not returned again", func(t *testing.T) {
			if err := db.RecordWebhookAttempt(ctx, first[0], store.WebhookAttempt{Attempt: 1, HTTPStatus: 204, Delivered: true}); err != nil {
				t.Fatal(err)
			}
			res, err := f.acts.Project(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.WebhookDeliveries) != 0 {
				t.Fatalf("returned %v after delivery", res.WebhookDeliveries)
			}
		})
	})
}
