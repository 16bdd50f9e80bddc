package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestAPIRateLimitIsPerToken(t *testing.T) {
	cfg := testConfig()
	cfg.API.RateLimit = 3
	e := newEnv(t, storetest.SQLite(t), cfg, nil)
	token := func(login string) string {
		p := e.person(login, store.RoleRequester)
		tok, _, err := e.db.CreateToken(context.Background(), store.NewToken{PersonID: p.ID, Name: "test", Scope: store.ScopeRead, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	busy, other := token("rl.busy"), token("rl.other")
	me := func(tok string) *http.Response {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := e.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	t.Run("requests within the limit are served", func(t *testing.T) {
		for i := range 3 {
			if resp := me(busy); resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
			}
		}
	})
	t.Run("the next one gets 429, Retry-After and a French JSON error", func(t *testing.T) {
		resp := me(busy)
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429", resp.StatusCode)
		}
		wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err != nil || wait < 1 || wait > 60 {
			t.Fatalf("Retry-After = %q", resp.Header.Get("Retry-After"))
		}
		raw, _ := io.ReadAll(resp.Body)
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("body %s: %v", raw, err)
		}
		want := "Trop de requêtes avec ce jeton d'API (3 par minute au plus) : réessayez dans " + strconv.Itoa(wait) + " seconde(s)."
		if body.Error.Code != "ETOOMANY" || body.Error.Message != want {
			t.Fatalf("error %+v, want message %q", body.Error, want)
		}
	})
	t.Run("another token is not slowed by the first one's burst", func(t *testing.T) {
		if resp := me(other); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("a request without a valid token is refused before counting", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		resp, err := e.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	})
}
