package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestAPITokens(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		claire := sessionPerson(t, db, "claire.martin")
		admin := sessionPerson(t, db, "admin.creteil")

		t.Run("a new token is shown once, stored hashed, and authenticates its person", func(t *testing.T) {
			tok, rec, err := db.CreateToken(ctx, store.NewToken{PersonID: claire.ID, Name: "script", Scope: store.ScopeWrite, TTL: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok, store.TokenPrefix) || len(tok) != len(store.TokenPrefix)+43 {
				t.Fatalf("token %q: want gch_ and 43 base64url characters", tok)
			}
			if rec.Hash == tok || strings.Contains(rec.Hash, tok[len(store.TokenPrefix):]) || rec.Hash != store.TokenHash(tok) {
				t.Fatalf("stored hash %q is not the SHA-256 of the token", rec.Hash)
			}
			got, p, err := db.AuthenticateToken(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != claire.ID || got.ID != rec.ID || !got.AllowsWrite() || got.LastUsedAt == nil {
				t.Fatalf("authenticated %+v as %d", got, p.ID)
			}
		})

		t.Run("unknown, malformed and revoked tokens are not found", func(t *testing.T) {
			tok, rec, err := db.CreateToken(ctx, store.NewToken{PersonID: claire.ID, Name: "old"})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.RevokeToken(ctx, rec.ID); err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{tok, "gch_nope", "Bearer x", ""} {
				if _, _, err := db.AuthenticateToken(ctx, bad); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("token %q: got %v, want ErrNotFound", bad, err)
				}
			}
			if err := db.RevokeToken(ctx, rec.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("revoking twice: got %v, want ErrNotFound", err)
			}
		})

		t.Run("an expired token says so", func(t *testing.T) {
			tok, rec, err := db.CreateToken(ctx, store.NewToken{PersonID: claire.ID, Name: "short", TTL: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.NewUpdate().Model((*store.APIToken)(nil)).Set("expires_at = ?", time.Now().UTC().Add(-time.Second)).
				Where("id = ?", rec.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.AuthenticateToken(ctx, tok); !errors.Is(err, store.ErrTokenExpired) {
				t.Fatalf("got %v, want ErrTokenExpired", err)
			}
		})

		t.Run("lists separate personal and application tokens", func(t *testing.T) {
			if _, _, err := db.CreateToken(ctx, store.NewToken{PersonID: admin.ID, Kind: store.TokenApplication, Name: "GLPI", CreatedByID: claire.ID}); err != nil {
				t.Fatal(err)
			}
			mine, err := db.TokensOf(ctx, claire.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(mine) != 2 { // "script" and "short"; "old" is revoked
				t.Fatalf("claire has %d live personal tokens, want 2", len(mine))
			}
			apps, err := db.ApplicationTokens(ctx, "creteil")
			if err != nil {
				t.Fatal(err)
			}
			if len(apps) != 1 || apps[0].Name != "GLPI" || apps[0].PersonLogin != "admin.creteil" {
				t.Fatalf("application tokens: %+v", apps)
			}
			if other, _ := db.ApplicationTokens(ctx, "rouen"); len(other) != 0 {
				t.Fatalf("rouen sees Créteil's application tokens: %+v", other)
			}
		})

		t.Run("a bad scope or kind is refused", func(t *testing.T) {
			if _, _, err := db.CreateToken(ctx, store.NewToken{PersonID: claire.ID, Scope: "admin"}); err == nil {
				t.Error("scope admin accepted")
			}
			if _, _, err := db.CreateToken(ctx, store.NewToken{PersonID: claire.ID, Kind: "robot"}); err == nil {
				t.Error("kind robot accepted")
			}
		})
	})
}

func TestWebhookDeliveries(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		all := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://a.example/hook", CreatedByID: 1}
		resolvedOnly := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://b.example/hook", Events: "resolved", CreatedByID: 1}
		rouen := &store.WebhookSubscription{AcademyCode: "rouen", URL: "https://c.example/hook", CreatedByID: 1}
		for _, w := range []*store.WebhookSubscription{all, resolvedOnly, rouen} {
			secret, err := db.CreateWebhook(ctx, w, store.WebhookKey{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, "whsec_") || secret != w.Secret {
				t.Fatalf("secret %q, stored %q", secret, w.Secret)
			}
		}
		events := []store.WebhookEvent{{Seq: 2, Kind: "picked_up", Payload: `{"a":1}`}, {Seq: 3, Kind: "resolved", Payload: `{"a":2}`}}

		t.Run("each event goes once to each subscription of the académie that wants it", func(t *testing.T) {
			for range 2 { // a retried projection enqueues nothing twice
				ds, err := db.EnqueueWebhookDeliveries(ctx, "creteil", "2611280001", events)
				if err != nil {
					t.Fatal(err)
				}
				if len(ds) != 3 {
					t.Fatalf("%d pending deliveries, want 3 (two for the catch-all, one resolved)", len(ds))
				}
				for _, d := range ds {
					if d.SubscriptionID == rouen.ID {
						t.Fatal("a Rouen subscription got a Créteil event")
					}
				}
			}
		})

		t.Run("attempts are logged and a delivered one leaves the pending list", func(t *testing.T) {
			log, err := db.WebhookDeliveries(ctx, "creteil", 0)
			if err != nil {
				t.Fatal(err)
			}
			d := log[0]
			if err := db.RecordWebhookAttempt(ctx, d.ID, store.WebhookAttempt{Attempt: 1, HTTPStatus: 500, Error: "HTTP 500"}); err != nil {
				t.Fatal(err)
			}
			if err := db.RecordWebhookAttempt(ctx, d.ID, store.WebhookAttempt{Attempt: 2, HTTPStatus: 200, Delivered: true}); err != nil {
				t.Fatal(err)
			}
			if err := db.FailWebhookDelivery(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetWebhookDelivery(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.DeliveryDelivered || got.Attempts != 2 || got.LastStatus != 200 || got.DeliveredAt == nil {
				t.Fatalf("delivery after success: %+v", got)
			}
			ds, err := db.EnqueueWebhookDeliveries(ctx, "creteil", "2611280001", events)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 2 {
				t.Fatalf("%d pending after one delivered, want 2", len(ds))
			}
			if log[0].URL == "" {
				t.Error("the log does not name the URL")
			}
		})

		t.Run("a subscription is deleted only from its académie", func(t *testing.T) {
			if err := db.DeleteWebhook(ctx, "rouen", all.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Rouen deleted Créteil's webhook: %v", err)
			}
			if err := db.DeleteWebhook(ctx, "creteil", all.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
}
