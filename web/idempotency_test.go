package web_test

// Ticket actions are applied once however often they are resent: the web
// forms carry a nonce, the API takes an Idempotency-Key header, and both
// become the Update's ID (real ticket workflows, newTestStack).

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"guichet/store"
)

// countEvents returns how many events of kind ticket number's timeline holds.
func countEvents(t *testing.T, db *store.DB, number, kind string) int {
	t.Helper()
	evs, err := db.Timeline(context.Background(), number, true)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// formNonce returns the _nonce of form id on page target.
func formNonce(t *testing.T, b *browser, target, form string) string {
	t.Helper()
	doc := parse(t, b.get(target))
	v := doc.Find("#"+form+` input[name="_nonce"]`).AttrOr("value", "")
	if v == "" {
		t.Fatalf("%s: form #%s has no _nonce field", target, form)
	}
	return v
}

// apiCall posts a JSON action with an optional Idempotency-Key.
func apiCall(t *testing.T, c apiClient, target, key string, body any) apiReply {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return c.st.apiDo(t, req)
}

func TestActionsApplyOnce(t *testing.T) {
	st := newTestStack(t)
	number := st.submit(t, "agent", ticketOpts{})
	tech := st.signedIn(t, "tech")
	page := "/support/incidents/" + number
	supportDone(t, tech, supportPost(t, tech, number, "prendre", nil), number, "prendre")

	t.Run("every action form of the workspace carries the page's nonce", func(t *testing.T) {
		doc := parse(t, tech.get(page))
		forms := doc.Find(`form[method="post"][action^="/support/incidents/"]`)
		if forms.Length() == 0 {
			t.Fatal("no action form")
		}
		first := ""
		for i := range forms.Length() {
			f := forms.Eq(i)
			v := f.Find(`input[name="_nonce"]`).AttrOr("value", "")
			if len(v) != 22 {
				t.Fatalf("form #%s: nonce %q", f.AttrOr("id", "?"), v)
			}
			if first == "" {
				first = v
			} else if v != first {
				t.Fatalf("form #%s: nonce %q, the page's is %q", f.AttrOr("id", "?"), v, first)
			}
		}
		if again := formNonce(t, tech, page, "form-repondre"); again == first {
			t.Fatal("a new rendering of the page reuses the nonce")
		}
	})

	t.Run("the same reply form posted twice leaves one reply", func(t *testing.T) {
		nonce := formNonce(t, tech, page, "form-repondre")
		form := func() url.Values {
			return url.Values{"texte": {"Pouvez-vous redémarrer le poste ?"}, "_nonce": {nonce}}
		}
		supportDone(t, tech, supportPost(t, tech, number, "repondre", form()), number, "repondre")
		supportDone(t, tech, supportPost(t, tech, number, "repondre", form()), number, "repondre")
		if n := countEvents(t, st.db, number, "reply"); n != 1 {
			t.Fatalf("%d replies, want 1", n)
		}
	})

	t.Run("a form refused and corrected keeps its nonce and applies once", func(t *testing.T) {
		nonce := formNonce(t, tech, page, "form-noter")
		doc := supportRefusal(t, supportPost(t, tech, number, "noter", url.Values{"texte": {" "}, "_nonce": {nonce}}),
			"noter", "La note est vide.")
		if got := doc.Find(`#form-noter input[name="_nonce"]`).AttrOr("value", ""); got != nonce {
			t.Fatalf("nonce after a refusal %q, want the posted %q", got, nonce)
		}
		ok := url.Values{"texte": {"Switch du 2e étage à vérifier."}, "_nonce": {nonce}}
		supportDone(t, tech, supportPost(t, tech, number, "noter", ok), number, "noter")
		supportDone(t, tech, supportPost(t, tech, number, "noter", ok), number, "noter")
		if n := countEvents(t, st.db, number, "note"); n != 1 {
			t.Fatalf("%d notes, want 1", n)
		}
	})

	t.Run("two renderings of the form are two actions", func(t *testing.T) {
		for range 2 {
			nonce := formNonce(t, tech, page, "form-noter")
			supportDone(t, tech, supportPost(t, tech, number, "noter",
				url.Values{"texte": {"Relance du fournisseur."}, "_nonce": {nonce}}), number, "noter")
		}
		if n := countEvents(t, st.db, number, "note"); n != 3 {
			t.Fatalf("%d notes, want 3", n)
		}
	})

	api := st.token(t, "tech", store.ScopeWrite)
	target := "/api/v1/tickets/" + number + "/actions/reply"
	body := map[string]any{"body": "Le technicien passe à 14 h."}

	t.Run("the same API call sent twice with one key leaves one reply and answers the same", func(t *testing.T) {
		first := apiCall(t, api, target, "9b2f4c1e-reprise-1", body)
		want(t, first, http.StatusOK, "")
		second := apiCall(t, api, target, "9b2f4c1e-reprise-1", body)
		want(t, second, http.StatusOK, "")
		if n := countEvents(t, st.db, number, "reply"); n != 2 {
			t.Fatalf("%d replies, want 2 (one from the form, one from the API)", n)
		}
		if first.str("status") != second.str("status") || first.str("number") != second.str("number") {
			t.Fatalf("answers differ:\n%s\n%s", first.Raw, second.Raw)
		}
	})

	t.Run("another key, or none, is another action", func(t *testing.T) {
		want(t, apiCall(t, api, target, "9b2f4c1e-reprise-2", body), http.StatusOK, "")
		want(t, apiCall(t, api, target, "", body), http.StatusOK, "")
		if n := countEvents(t, st.db, number, "reply"); n != 4 {
			t.Fatalf("%d replies, want 4", n)
		}
	})

	t.Run("a malformed key is refused before anything is applied", func(t *testing.T) {
		for _, key := range []string{"avec espace", strings.Repeat("k", 129), "clé"} {
			r := apiCall(t, api, target, key, body)
			want(t, r, http.StatusUnprocessableEntity, "")
			if !strings.Contains(r.errorMessage(), "Idempotency-Key") {
				t.Fatalf("key %q: message %q", key, r.errorMessage())
			}
		}
		if n := countEvents(t, st.db, number, "reply"); n != 4 {
			t.Fatalf("%d replies, want 4", n)
		}
	})
}
