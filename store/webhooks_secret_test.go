package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestWebhookSecretsAreNotStoredInTheDatabase(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := store.NewWebhookKey("a webhook key of thirty-two chars")
		w := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://a.example/hook", CreatedByID: 1}
		secret, err := db.CreateWebhook(ctx, w, key)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.GetWebhook(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("the secret shown once looks like any secret, and the row holds only a salt", func(t *testing.T) {
			if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
				t.Fatalf("secret %q", secret)
			}
			if strings.Contains(stored.Secret, strings.TrimPrefix(secret, "whsec_")) || !strings.HasPrefix(stored.Secret, "v1:") {
				t.Fatalf("stored %q for secret %q", stored.Secret, secret)
			}
			if stored.StoresSecretInClear() {
				t.Fatal("StoresSecretInClear() = true")
			}
		})
		t.Run("the configured key signs with the secret shown", func(t *testing.T) {
			got, err := key.SigningSecret(stored)
			if err != nil || got != secret {
				t.Fatalf("SigningSecret = %q, %v; want %q", got, err, secret)
			}
		})
		t.Run("two subscriptions get different secrets", func(t *testing.T) {
			other := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://b.example/hook", CreatedByID: 1}
			s2, err := db.CreateWebhook(ctx, other, key)
			if err != nil || s2 == secret {
				t.Fatalf("second secret %q, %v", s2, err)
			}
		})
		t.Run("another key, or none, is told apart instead of signing wrongly", func(t *testing.T) {
			for _, k := range []store.WebhookKey{store.NewWebhookKey("another key of sixteen+ chars"), {}} {
				if _, err := k.SigningSecret(stored); !errors.Is(err, store.ErrWebhookKey) {
					t.Fatalf("err = %v, want ErrWebhookKey", err)
				}
			}
		})
		t.Run("without a key the secret is stored in clear and still signs", func(t *testing.T) {
			plain := &store.WebhookSubscription{AcademyCode: "creteil", URL: "https://c.example/hook", CreatedByID: 1}
			s, err := db.CreateWebhook(ctx, plain, store.WebhookKey{})
			if err != nil {
				t.Fatal(err)
			}
			if !plain.StoresSecretInClear() {
				t.Fatalf("stored %q", plain.Secret)
			}
			if got, err := key.SigningSecret(plain); err != nil || got != s {
				t.Fatalf("SigningSecret of a clear secret = %q, %v", got, err)
			}
		})
	})
}
