package web_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/web"
)

// apiClient calls the API of a stack with one bearer token.
type apiClient struct {
	st    *testStack
	token string
}

// apiReply is an API answer: status, raw body and decoded JSON.
type apiReply struct {
	Status int
	Raw    string
	JSON   map[string]any
}

// errorCode returns error.code of an error answer.
func (r apiReply) errorCode() string {
	e, _ := r.JSON["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// errorMessage returns error.message of an error answer.
func (r apiReply) errorMessage() string {
	e, _ := r.JSON["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

// str returns a top-level string field.
func (r apiReply) str(key string) string {
	s, _ := r.JSON[key].(string)
	return s
}

// send makes a request with an optional body and content type.
func (a apiClient) send(t *testing.T, method, target, contentType string, body io.Reader) apiReply {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	return a.st.apiDo(t, req)
}

// apiDo sends req to the stack's server and reads the answer: status, raw
// body and, when the body is JSON, the decoded object.
func (st *testStack) apiDo(t *testing.T, req *http.Request) apiReply {
	t.Helper()
	resp, err := st.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := apiReply{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &r.JSON)
	return r
}

// get sends a GET.
func (a apiClient) get(t *testing.T, target string) apiReply {
	t.Helper()
	return a.send(t, http.MethodGet, target, "", nil)
}

// post sends a JSON POST (body nil: no body).
func (a apiClient) post(t *testing.T, target string, body any) apiReply {
	t.Helper()
	if body == nil {
		return a.send(t, http.MethodPost, target, "application/json", nil)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return a.send(t, http.MethodPost, target, "application/json", bytes.NewReader(b))
}

// want fails unless r has status (and, for errors, the code).
func want(t *testing.T, r apiReply, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if code != "" && r.errorCode() != code {
		t.Fatalf("error code %q, want %q: %s", r.errorCode(), code, r.Raw)
	}
	if status >= 400 && r.errorMessage() == "" {
		t.Fatalf("error without a message: %s", r.Raw)
	}
}

// apiPerson adds a person with a role (and a local account).
func (st *testStack) apiPerson(t *testing.T, login, academy, role string) *store.Person {
	t.Helper()
	return st.stack.AddPerson(t, &store.Person{AcademyCode: academy, Login: login, LastName: "TESTEUR", FirstName: "Alex",
		Entity: "EN/ACADEMIE DE " + strings.ToUpper(academy) + "/DSI"}, role)
}

// token makes a token for login.
func (st *testStack) token(t *testing.T, login, scope string) apiClient {
	t.Helper()
	tok, _, err := st.db.CreateToken(context.Background(), store.NewToken{PersonID: st.people[login].ID,
		Name: "test " + login, Scope: scope, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return apiClient{st: st, token: tok}
}

func TestAPI(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	st.apiPerson(t, "tech.rouen", "rouen", store.RoleTechnician)
	agent := st.token(t, "agent", store.ScopeWrite)
	agentRO := st.token(t, "agent", store.ScopeRead)
	collegue := st.token(t, "collegue", store.ScopeWrite)
	etranger := st.token(t, "etranger", store.ScopeWrite)
	tech := st.token(t, "tech", store.ScopeWrite)
	rouen := st.token(t, "rouen", store.ScopeWrite)
	techRouen := st.token(t, "tech.rouen", store.ScopeWrite)
	leaf := st.leaves["Écran"]

	t.Run("the OpenAPI document is served to anyone", func(t *testing.T) {
		r := apiClient{st: st}.get(t, "/api/v1/openapi.json")
		want(t, r, http.StatusOK, "")
		if r.str("openapi") != "3.1.0" {
			t.Fatalf("openapi version %q", r.str("openapi"))
		}
	})

	t.Run("a request without a valid token is refused with 401", func(t *testing.T) {
		expired, rec, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people["agent"].ID, Name: "vieux", TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.db.NewUpdate().Model((*store.APIToken)(nil)).Set("expires_at = ?", time.Now().UTC().Add(-time.Minute)).
			Where("id = ?", rec.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		revoked, rec2, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people["agent"].ID, Name: "révoqué"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.db.RevokeToken(ctx, rec2.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, token, message string
		}{
			{"no token", "", "Authentification requise"},
			{"an unknown token", "gch_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "inconnu"},
			{"an expired token", expired, "expiré"},
			{"a revoked token", revoked, "révoqué"},
		} {
			t.Run(c.name, func(t *testing.T) {
				for _, target := range []string{"/api/v1/me", "/api/v1/tickets"} {
					r := apiClient{st: st, token: c.token}.get(t, target)
					want(t, r, http.StatusUnauthorized, "EUNAUTHORIZED")
					if !strings.Contains(r.errorMessage(), c.message) {
						t.Errorf("%s: message %q lacks %q", target, r.errorMessage(), c.message)
					}
				}
			})
		}
	})

	t.Run("a read-only token may read but not write", func(t *testing.T) {
		want(t, agentRO.get(t, "/api/v1/me"), http.StatusOK, "")
		r := agentRO.post(t, "/api/v1/tickets", map[string]any{"category_id": leaf.ID, "description": "x"})
		want(t, r, http.StatusForbidden, "EFORBIDDEN")
	})

	t.Run("a POST with a token needs no CSRF token", func(t *testing.T) {
		// Covered by every POST below; here, a cookie-less POST does not
		// get the web's CSRF 403.
		r := agent.post(t, "/api/v1/tickets", map[string]any{})
		if r.Status == http.StatusForbidden {
			t.Fatalf("API POST refused as a forgery: %s", r.Raw)
		}
	})

	var number, private string
	t.Run("creating a ticket answers 201 with the ticket, number first", func(t *testing.T) {
		r := agent.post(t, "/api/v1/tickets", map[string]any{
			"category_id": leaf.ID, "urgency": 2, "description": "L'écran de la salle 214 clignote.",
			"phone": "01 02 03 04 05",
		})
		want(t, r, http.StatusCreated, "")
		if !strings.HasPrefix(r.Raw, `{"number":"`) {
			t.Fatalf("the body does not start with the number: %.60s", r.Raw)
		}
		number = r.str("number")
		if r.str("status") != store.StatusNew || r.JSON["urgency"].(float64) != 2 || r.str("academy") != "creteil" {
			t.Fatalf("created ticket: %s", r.Raw)
		}
		st.waitTicket(t, number, "routed", func(tk *store.Ticket) bool { return tk.GroupID != nil })
	})

	t.Run("a ticket failing the form's validation answers 422 naming the fields", func(t *testing.T) {
		r := agent.post(t, "/api/v1/tickets", map[string]any{"category_id": 999999, "urgency": 7, "description": "  "})
		want(t, r, http.StatusUnprocessableEntity, "EINVALID")
		fields, _ := r.JSON["error"].(map[string]any)["fields"].(map[string]any)
		for _, f := range []string{"category_id", "urgency", "description"} {
			if fields[f] == nil {
				t.Errorf("no error for %s: %s", f, r.Raw)
			}
		}
		r = agent.send(t, http.MethodPost, "/api/v1/tickets", "application/json", strings.NewReader("{"))
		want(t, r, http.StatusBadRequest, "EINVALID")
		r = agent.send(t, http.MethodPost, "/api/v1/tickets", "text/plain", strings.NewReader("hello"))
		want(t, r, http.StatusUnsupportedMediaType, "EINVALID")
	})

	t.Run("documents go along as multipart files or by reference to an upload", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "capture.txt")
		fmt.Fprint(fw, "journal de l'écran")
		mw.Close()
		up := agent.send(t, http.MethodPost, "/api/v1/files", mw.FormDataContentType(), &body)
		want(t, up, http.StatusCreated, "")
		id := up.JSON["files"].([]any)[0].(map[string]any)["id"].(float64)

		body.Reset()
		mw = multipart.NewWriter(&body)
		for k, v := range map[string]string{"category_id": fmt.Sprint(leaf.ID), "description": "Écran noir, voir pièces jointes.",
			"private": "true", "file_ids": fmt.Sprint(int64(id))} {
			_ = mw.WriteField(k, v)
		}
		fw, _ = mw.CreateFormFile("files", "photo.txt")
		fmt.Fprint(fw, "photo de l'écran")
		mw.Close()
		r := agent.send(t, http.MethodPost, "/api/v1/tickets", mw.FormDataContentType(), &body)
		want(t, r, http.StatusCreated, "")
		private = r.str("number")
		if len(r.JSON["attachments"].([]any)) != 2 || r.JSON["private"] != true {
			t.Fatalf("ticket with documents: %s", r.Raw)
		}
		// A reference is used once, and only by the token that uploaded it.
		r = collegue.post(t, "/api/v1/tickets", map[string]any{"category_id": leaf.ID, "description": "x", "file_ids": []int64{int64(id)}})
		want(t, r, http.StatusUnprocessableEntity, "EINVALID")
		st.waitTicket(t, private, "routed", func(tk *store.Ticket) bool { return tk.GroupID != nil })
	})

	t.Run("who sees which ticket", func(t *testing.T) {
		for _, c := range []struct {
			who    string
			client apiClient
			ticket *string
			status int
		}{
			{"the requester sees their ticket", agent, &number, http.StatusOK},
			{"a colleague of the same entity sees a non-private ticket", collegue, &number, http.StatusOK},
			{"a colleague never sees someone else's private ticket", collegue, &private, http.StatusNotFound},
			{"staff of another entity see nothing", etranger, &number, http.StatusNotFound},
			{"a requester of Rouen sees nothing of Créteil", rouen, &number, http.StatusNotFound},
			{"a technician of Rouen sees nothing of Créteil", techRouen, &private, http.StatusNotFound},
			{"a technician of Créteil sees the private ticket", tech, &private, http.StatusOK},
			{"a ticket that does not exist is not found", agent, ptr("2001010001"), http.StatusNotFound},
		} {
			t.Run(c.who, func(t *testing.T) {
				r := c.client.get(t, "/api/v1/tickets/"+*c.ticket)
				want(t, r, c.status, map[int]string{404: "ENOTFOUND"}[c.status])
				if c.status == http.StatusNotFound && strings.Contains(r.Raw, "écran") {
					t.Fatalf("a hidden ticket leaks: %s", r.Raw)
				}
			})
		}
	})

	t.Run("lists follow the filters, pagination and académie isolation", func(t *testing.T) {
		r := agent.get(t, "/api/v1/tickets?status=open&per_page=10&sort=number&order=asc")
		want(t, r, http.StatusOK, "")
		if r.JSON["total"].(float64) != 2 || r.JSON["per_page"].(float64) != 10 {
			t.Fatalf("agent's open tickets: %s", r.Raw)
		}
		r = collegue.get(t, "/api/v1/tickets?status=all")
		want(t, r, http.StatusOK, "")
		if r.JSON["total"].(float64) != 1 || strings.Contains(r.Raw, private) {
			t.Fatalf("the colleague sees %s", r.Raw)
		}
		r = collegue.get(t, "/api/v1/tickets?scope=mine")
		if r.JSON["total"].(float64) != 0 {
			t.Fatalf("the colleague's own tickets: %s", r.Raw)
		}
		r = tech.get(t, "/api/v1/tickets?status=all")
		if r.JSON["total"].(float64) != 2 {
			t.Fatalf("the technician's list: %s", r.Raw)
		}
		want(t, agent.get(t, "/api/v1/tickets?status=closed"), http.StatusOK, "")
		want(t, rouen.get(t, "/api/v1/tickets?academie=creteil"), http.StatusForbidden, "EFORBIDDEN")
		want(t, techRouen.get(t, "/api/v1/tickets?academie=creteil"), http.StatusForbidden, "EFORBIDDEN")
		want(t, agent.get(t, "/api/v1/tickets?status=bientot"), http.StatusBadRequest, "EINVALID")
		want(t, agent.get(t, "/api/v1/tickets?per_page=7"), http.StatusBadRequest, "EINVALID")
	})

	t.Run("actions go through the workflow with the web's rules", func(t *testing.T) {
		act := func(c apiClient, action string, body any) apiReply {
			t.Helper()
			return c.post(t, "/api/v1/tickets/"+number+"/actions/"+action, body)
		}
		want(t, act(agent, "pickup", nil), http.StatusForbidden, "EFORBIDDEN")
		want(t, act(etranger, "add-info", map[string]any{"body": "x"}), http.StatusNotFound, "ENOTFOUND")
		want(t, act(collegue, "add-info", map[string]any{"body": "x"}), http.StatusForbidden, "EFORBIDDEN")
		want(t, act(techRouen, "pickup", nil), http.StatusNotFound, "ENOTFOUND")
		want(t, act(tech, "teleport", nil), http.StatusNotFound, "ENOTFOUND")
		want(t, act(agentRO, "add-info", map[string]any{"body": "x"}), http.StatusForbidden, "EFORBIDDEN")

		r := act(tech, "pickup", nil)
		want(t, r, http.StatusOK, "")
		if r.str("status") != store.StatusInProgress {
			t.Fatalf("after pickup: %s", r.str("status"))
		}
		want(t, act(tech, "pickup", nil), http.StatusConflict, "ECONFLICT")
		want(t, act(tech, "reply", map[string]any{"body": " "}), http.StatusUnprocessableEntity, "EINVALID")
		want(t, act(tech, "requalify", map[string]any{"urgency": 9, "reason": "x"}), http.StatusUnprocessableEntity, "EINVALID")
		want(t, act(tech, "note", map[string]any{"body": "Câble HDMI à changer (note interne)."}), http.StatusOK, "")
		want(t, act(tech, "request-info", map[string]any{"question": "Quel est le modèle ?"}), http.StatusOK, "")
		want(t, act(agent, "add-info", map[string]any{"body": "Dell P2419H."}), http.StatusOK, "")
		want(t, act(tech, "resolve", map[string]any{"solution": "Câble remplacé."}), http.StatusOK, "")

		// The requester's view has the public timeline only.
		r = agent.get(t, "/api/v1/tickets/"+number)
		if strings.Contains(r.Raw, "note interne") || !strings.Contains(r.Raw, "Câble remplacé.") {
			t.Fatalf("requester's timeline: %s", r.Raw)
		}
		if r = tech.get(t, "/api/v1/tickets/"+number); !strings.Contains(r.Raw, "note interne") {
			t.Fatalf("the technician does not see the note: %s", r.Raw)
		}

		want(t, act(agent, "accept", map[string]any{"rating_delay": 9, "rating_quality": 4}), http.StatusUnprocessableEntity, "EINVALID")
		want(t, act(agent, "refuse", map[string]any{"rating_delay": 2, "rating_quality": 2}), http.StatusUnprocessableEntity, "EINVALID")
		r = act(agent, "cancel", map[string]any{"reason": "plus besoin"})
		want(t, r, http.StatusConflict, "ECONFLICT")
		if !strings.Contains(r.errorMessage(), "résolu") {
			t.Errorf("the workflow's French message is not passed on: %q", r.errorMessage())
		}
		r = act(agent, "accept", map[string]any{"rating_delay": 5, "rating_quality": 4, "comment": "Merci"})
		want(t, r, http.StatusOK, "")
		if r.str("status") != store.StatusClosed {
			t.Fatalf("after accept: %s", r.str("status"))
		}
		want(t, act(agent, "add-info", map[string]any{"body": "encore"}), http.StatusConflict, "ECONFLICT")
	})

	t.Run("search, directory, categories and me answer within the caller's rights", func(t *testing.T) {
		r := agent.get(t, "/api/v1/search?q="+url.QueryEscape("écran clignote"))
		want(t, r, http.StatusOK, "")
		if !strings.Contains(r.Raw, number) {
			t.Fatalf("search misses %s: %s", number, r.Raw)
		}
		if r = etranger.get(t, "/api/v1/search?q="+url.QueryEscape("écran")); strings.Contains(r.Raw, number) || strings.Contains(r.Raw, private) {
			t.Fatalf("search shows another entity's tickets: %s", r.Raw)
		}
		want(t, agent.get(t, "/api/v1/search"), http.StatusBadRequest, "EINVALID")

		r = agent.get(t, "/api/v1/directory?q=bern")
		want(t, r, http.StatusOK, "")
		if !strings.Contains(r.Raw, `"login":"collegue"`) || strings.Contains(r.Raw, "password") {
			t.Fatalf("directory: %s", r.Raw)
		}
		if r = rouen.get(t, "/api/v1/directory?q=bern"); strings.Contains(r.Raw, `"login":"collegue"`) {
			t.Fatalf("Rouen searches Créteil's directory: %s", r.Raw)
		}
		want(t, rouen.get(t, "/api/v1/directory?q=bern&academie=creteil"), http.StatusForbidden, "EFORBIDDEN")

		r = agent.get(t, "/api/v1/categories")
		want(t, r, http.StatusOK, "")
		if !strings.Contains(r.Raw, "Matériel › Écran") {
			t.Fatalf("categories: %s", r.Raw)
		}

		r = agent.get(t, "/api/v1/me")
		want(t, r, http.StatusOK, "")
		counters := r.JSON["counters"].(map[string]any)
		if r.str("login") != "agent" || counters["in_progress"].(float64) != 1 || counters["awaiting_validation"].(float64) != 0 {
			t.Fatalf("me: %s", r.Raw)
		}
	})
}

// ptr returns a pointer to s.
func ptr(s string) *string { return &s }

func TestAPITokenPages(t *testing.T) {
	st := newTestStack(t)
	st.apiPerson(t, "admin.creteil", "creteil", store.RoleAdministrator)

	t.Run("a person makes a personal token, sees it once and uses it", func(t *testing.T) {
		b := st.signedIn(t, "agent")
		resp := b.postForm("/compte/jetons", "/compte/jetons", url.Values{
			"nom": {"script"}, "droits": {"write"}, "validite": {"30"}})
		checkStatus(t, resp, http.StatusCreated)
		tok := text(parse(t, resp).Find("#jeton"))
		if !strings.HasPrefix(tok, store.TokenPrefix) {
			t.Fatalf("token shown: %q", tok)
		}
		r := apiClient{st: st, token: tok}.get(t, "/api/v1/me")
		want(t, r, http.StatusOK, "")
		if !strings.Contains(readBody(t, b.get("/compte/jetons")), "script") {
			t.Fatal("the token is not listed")
		}
		if doc := parse(t, b.get("/compte/jetons")); strings.Contains(doc.Text(), tok) {
			t.Fatal("the token is shown again")
		}
	})

	t.Run("a bad token form keeps what was typed and names the errors", func(t *testing.T) {
		b := st.signedIn(t, "agent")
		resp := b.postForm("/compte/jetons", "/compte/jetons", url.Values{
			"nom": {""}, "droits": {"admin"}, "validite": {"12"}})
		checkStatus(t, resp, http.StatusUnprocessableEntity)
		if n := parse(t, resp).Find("#resume-erreurs li").Length(); n != 3 {
			t.Fatalf("%d errors listed, want 3", n)
		}
	})

	t.Run("only administrators open the integrations page", func(t *testing.T) {
		if resp := st.signedIn(t, "superviseur").get("/admin/webhooks"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("supervisor: status %d", resp.StatusCode)
		}
		if resp := st.signedIn(t, "admin.creteil").get("/admin/webhooks"); resp.StatusCode != http.StatusOK {
			t.Fatalf("administrator: status %d", resp.StatusCode)
		}
	})

	t.Run("an administrator makes an application token bound to a service account", func(t *testing.T) {
		b := st.signedIn(t, "admin.creteil")
		resp := b.postForm("/admin/webhooks", "/admin/jetons", url.Values{
			"compte": {"tech"}, "nom": {"GLPI"}, "droits": {"read"}, "validite": {"365"}})
		checkStatus(t, resp, http.StatusCreated)
		tok := text(parse(t, resp).Find("#valeur-creee"))
		r := apiClient{st: st, token: tok}.get(t, "/api/v1/me")
		want(t, r, http.StatusOK, "")
		if r.str("login") != "tech" || r.JSON["token"].(map[string]any)["kind"] != store.TokenApplication {
			t.Fatalf("application token acts as %s", r.Raw)
		}
		resp = b.postForm("/admin/webhooks", "/admin/jetons", url.Values{
			"compte": {"rouen"}, "nom": {"x"}, "droits": {"read"}, "validite": {"30"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a Rouen account bound by Créteil's administrator: status %d", resp.StatusCode)
		}
	})
}

// hookReceiver is a webhook endpoint that fails each delivery's first
// attempt with a 500 and accepts the next, checking signatures.
type hookReceiver struct {
	mu       sync.Mutex
	secret   string
	attempts map[string]int // by delivery ID
	bodies   []string
	badSig   int
	done     chan string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	m := hmac.New(sha256.New, []byte(h.secret))
	m.Write(body)
	if r.Header.Get("X-Guichet-Signature") != "sha256="+hex.EncodeToString(m.Sum(nil)) {
		h.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	id := r.Header.Get("X-Guichet-Delivery")
	h.attempts[id]++
	if h.attempts[id] == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	h.bodies = append(h.bodies, string(body))
	w.WriteHeader(http.StatusNoContent)
	select {
	case h.done <- id:
	default:
	}
}

func TestAPIWebhooks(t *testing.T) {
	st := newTestStack(t)
	st.apiPerson(t, "admin.creteil", "creteil", store.RoleAdministrator)
	recv := &hookReceiver{attempts: map[string]int{}, done: make(chan string, 4)}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)

	b := st.signedIn(t, "admin.creteil")
	resp := b.postForm("/admin/webhooks", "/admin/webhooks", url.Values{
		"url": {srv.URL + "/hook"}, "evenements": {"picked_up"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("subscribe: status %d", resp.StatusCode)
	}
	secret := text(parse(t, resp).Find("#valeur-creee"))
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret shown: %q", secret)
	}
	recv.mu.Lock()
	recv.secret = secret
	recv.mu.Unlock()

	number := st.submit(t, "agent", ticketOpts{})
	r := st.token(t, "tech", store.ScopeWrite).post(t, "/api/v1/tickets/"+number+"/actions/pickup", nil)
	want(t, r, http.StatusOK, "")

	t.Run("a signed delivery is retried with backoff until the receiver accepts it", func(t *testing.T) {
		select {
		case <-recv.done:
		case <-time.After(stackWait):
			t.Fatal("no delivery accepted")
		}
		recv.mu.Lock()
		defer recv.mu.Unlock()
		if recv.badSig != 0 {
			t.Fatalf("%d deliveries with a bad signature", recv.badSig)
		}
		var p struct {
			Event  string `json:"event"`
			Ticket struct {
				Number string `json:"number"`
				Status string `json:"status"`
			} `json:"ticket"`
		}
		if len(recv.bodies) != 1 || json.Unmarshal([]byte(recv.bodies[0]), &p) != nil {
			t.Fatalf("bodies: %q", recv.bodies)
		}
		if p.Event != "picked_up" || p.Ticket.Number != number || p.Ticket.Status != store.StatusInProgress {
			t.Fatalf("payload: %+v", p)
		}
		for id, n := range recv.attempts {
			if n != 2 {
				t.Errorf("delivery %s: %d attempts, want 2 (500 then 2xx)", id, n)
			}
		}
	})

	t.Run("the delivery log shows the attempts", func(t *testing.T) {
		log := st.webhookLog(t, func(log []store.WebhookLogEntry) bool {
			return len(log) == 1 && log[0].Status == store.DeliveryDelivered
		})
		if len(log) != 1 || log[0].Status != store.DeliveryDelivered || log[0].Attempts != 2 || log[0].LastStatus != 204 {
			t.Fatalf("log: %+v", log)
		}
		row := parse(t, b.get("/admin/webhooks")).Find(fmt.Sprintf(`#journal-webhooks tr[data-delivery="%d"]`, log[0].ID))
		if text(row.Find(".etat")) != "Remis" || text(row.Find(".tentatives")) != "2" {
			t.Fatalf("log row: %q", text(row))
		}
	})
}

// TestOpenAPIDocumentsEveryRoute proves the checked-in OpenAPI document
// and the router agree: every /api/v1 route is documented, every
// documented operation is routed.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), testConfig(), nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(web.OpenAPIDocument(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	routed := map[string]bool{}
	for _, r := range e.srv.RouteAccess() {
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == http.MethodHead {
			continue
		}
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				name, _, _ := strings.Cut(strings.TrimPrefix(p, ":"), "<") // :id<int> is {id}
				parts[i] = "{" + name + "}"
			}
		}
		routed[r.Method+" "+strings.Join(parts, "/")] = true
	}
	if len(routed) == 0 {
		t.Fatal("no /api route registered")
	}
	for op := range routed {
		if !documented[op] {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("openapi.json documents %s, which no route serves", op)
		}
	}
}
