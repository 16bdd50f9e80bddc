package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestWebhookSubscriptionsCannotTargetTheInternalNetwork(t *testing.T) {
	cfg := testConfig()
	cfg.Webhooks.SecretKey = "a webhook key for the guard test"
	e := newEnv(t, storetest.SQLite(t), cfg, nil)
	e.person("admin.hooks", store.RoleAdministrator)
	b := e.signedIn(t, "admin.hooks")
	subscribe := func(t *testing.T, target string) *http.Response {
		t.Helper()
		return b.postForm("/admin/webhooks", "/admin/webhooks", url.Values{"url": {target}})
	}
	const private = "Cette adresse mène au réseau interne (boucle locale, adresse privée, lien local ou multidiffusion) : Guichet n'y envoie pas d'événements."
	for _, tc := range []struct{ name, url, want string }{
		{"a loopback address is refused", "http://127.0.0.1:8080/hook", private},
		{"localhost is refused through what it resolves to", "http://localhost/hook", private},
		{"an IPv6 loopback address is refused", "http://[::1]/hook", private},
		{"a private address is refused", "https://10.20.30.40/hook", private},
		{"the cloud metadata address is refused", "http://169.254.169.254/latest/meta-data/", private},
		{"a multicast address is refused", "http://224.0.0.251/", private},
		{"the unspecified address is refused", "http://0.0.0.0:8080/", private},
		{"another scheme is refused", "file:///etc/passwd", "Indiquez une adresse http(s) valide."},
		{"a name that does not resolve is refused", "https://hooks.invalid/guichet", "Le nom de domaine de cette adresse est introuvable."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := subscribe(t, tc.url)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if got := text(parse(t, resp).Find("#url-error")); got != tc.want {
				t.Fatalf("error %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("nothing refused was subscribed", func(t *testing.T) {
		ws, err := e.db.Webhooks(context.Background(), "creteil")
		if err != nil || len(ws) != 0 {
			t.Fatalf("subscriptions %+v, %v", ws, err)
		}
	})
	t.Run("a public address is subscribed and its secret is not stored", func(t *testing.T) {
		resp := subscribe(t, "https://93.184.215.14/guichet")
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
		}
		secret := text(parse(t, resp).Find("#valeur-creee"))
		ws, err := e.db.Webhooks(context.Background(), "creteil")
		if err != nil || len(ws) != 1 {
			t.Fatalf("subscriptions %+v, %v", ws, err)
		}
		if !strings.HasPrefix(secret, "whsec_") || strings.Contains(ws[0].Secret, strings.TrimPrefix(secret, "whsec_")) || ws[0].StoresSecretInClear() {
			t.Fatalf("secret shown %q, stored %q", secret, ws[0].Secret)
		}
	})
}

func TestWebhookDeliveriesRecheckTheAddressTheyConnectTo(t *testing.T) {
	cfg := stackConfig()
	cfg.Webhooks.AllowPrivateTargets = false
	st := newTestStackOn(t, storetest.SQLite(t), cfg)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	// As if the name had resolved to a public address when subscribing and
	// to the loopback now: the row is written straight to the database.
	hook := &store.WebhookSubscription{AcademyCode: "creteil", URL: srv.URL + "/hook", Events: "created", CreatedByID: st.people["superviseur"].ID}
	if _, err := st.db.CreateWebhook(context.Background(), hook, store.NewWebhookKey(cfg.WebhookSecretKey())); err != nil {
		t.Fatal(err)
	}
	st.submit(t, "agent", ticketOpts{})

	log := st.webhookLog(t, func(log []store.WebhookLogEntry) bool { return len(log) == 1 && log[0].Attempts > 0 })
	if len(log) != 1 || log[0].Attempts == 0 {
		t.Fatalf("no attempt logged: %+v", log)
	}
	if log[0].Status == store.DeliveryDelivered || log[0].LastStatus != 0 || !strings.Contains(log[0].LastError, "internal network") {
		t.Fatalf("delivery %+v, want a refused connection", log[0].WebhookDelivery)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback receiver got %d requests", n)
	}
}
