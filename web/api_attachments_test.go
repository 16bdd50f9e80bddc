package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
)

func TestAPIAttachmentDownloadFollowsTheWebRules(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	public := st.submit(t, "agent", ticketOpts{
		files: []store.Attachment{{Filename: "écran noir.png", ContentType: "image/png", Data: pngBytes()}}})
	private := st.submit(t, "agent", ticketOpts{private: true,
		files: []store.Attachment{{Filename: "secret.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("secret")}}})
	// An internal note of support with a document.
	tech := st.signedIn(t, "tech")
	f := url.Values{"_csrf": {tech.csrf("/support/incidents/" + public)}, "texte": {"Voir le switch du 2e."}}
	resp := tech.postMultipart("/support/incidents/"+public+"/noter", f, testFile{field: "documents", name: "schema-reseau.txt", data: []byte("réseau interne")})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("internal note: status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	idOf := func(number, filename string) string {
		t.Helper()
		as, err := st.db.Attachments(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Filename == filename {
				return strconv.FormatInt(a.ID, 10)
			}
		}
		t.Fatalf("no %s on %s: %+v", filename, number, as)
		return ""
	}
	photo := "/api/v1/tickets/" + public + "/attachments/" + idOf(public, "écran noir.png")
	secret := "/api/v1/tickets/" + private + "/attachments/" + idOf(private, "secret.txt")
	note := "/api/v1/tickets/" + public + "/attachments/" + idOf(public, "schema-reseau.txt")
	agent := st.token(t, "agent", store.ScopeRead)

	t.Run("the requester downloads their document with its name and type, never sniffed nor cached", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, photo, nil)
		req.Header.Set("Authorization", "Bearer "+agent.token)
		resp, err := st.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusOK || body != string(pngBytes()) {
			t.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
		}
		for h, want := range map[string]string{
			"Content-Type":           "image/png",
			"X-Content-Type-Options": "nosniff",
			"Cache-Control":          "private, no-store",
		} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=utf-8''%C3%A9cran%20noir.png") {
			t.Errorf("Content-Disposition = %q", cd)
		}
	})

	cases := []struct {
		name   string
		client apiClient
		target string
		status int
	}{
		{"a colleague of the same entity gets a public ticket's document", st.token(t, "collegue", store.ScopeRead), photo, http.StatusOK},
		{"a colleague of the same entity does not get a private ticket's document", st.token(t, "collegue", store.ScopeRead), secret, http.StatusNotFound},
		{"someone of another entity does not get a public ticket's document", st.token(t, "etranger", store.ScopeRead), photo, http.StatusNotFound},
		{"someone of another académie gets nothing", st.token(t, "rouen", store.ScopeRead), photo, http.StatusNotFound},
		{"the académie's technician gets a private ticket's document", st.token(t, "tech", store.ScopeRead), secret, http.StatusOK},
		{"the requester does not get the document of an internal note", agent, note, http.StatusNotFound},
		{"the technician gets the document of an internal note", st.token(t, "tech", store.ScopeRead), note, http.StatusOK},
		{"a document asked under another ticket's number is not found", st.token(t, "tech", store.ScopeRead),
			"/api/v1/tickets/" + public + "/attachments/" + idOf(private, "secret.txt"), http.StatusNotFound},
		{"an unknown document is not found", agent, "/api/v1/tickets/" + public + "/attachments/999999", http.StatusNotFound},
		{"without a token the answer is 401", apiClient{st: st}, photo, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.client.get(t, tc.target)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %.200s", r.Status, tc.status, r.Raw)
			}
			if tc.status == http.StatusNotFound && (r.errorCode() != "ENOTFOUND" || r.errorMessage() == "") {
				t.Fatalf("error %s", r.Raw)
			}
		})
	}
}

func TestInternalNoteDocumentsStayWithSupportOnTheWeb(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	number := st.submit(t, "agent", ticketOpts{
		files: []store.Attachment{{Filename: "photo.png", ContentType: "image/png", Data: pngBytes()}}})
	tech := st.signedIn(t, "tech")
	f := url.Values{"_csrf": {tech.csrf("/support/incidents/" + number)}, "texte": {"Voir le switch du 2e."}}
	resp := tech.postMultipart("/support/incidents/"+number+"/noter", f, testFile{field: "documents", name: "interne.txt", data: []byte("réseau interne")})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("internal note: status %d", resp.StatusCode)
	}
	as, err := st.db.Attachments(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	var internal string
	for _, a := range as {
		if a.Filename == "interne.txt" {
			internal = "/incidents/" + number + "/documents/" + strconv.FormatInt(a.ID, 10)
		}
	}
	if internal == "" {
		t.Fatalf("attachments %+v", as)
	}
	agent := st.signedIn(t, "agent")

	t.Run("the requester's ticket page lists their document, not the internal note's", func(t *testing.T) {
		doc := agent.page("/incidents/"+number, http.StatusOK)
		var names []string
		doc.Find("#titre-documents").Parent().Find("a[download]").Each(func(_ int, s *goquery.Selection) {
			names = append(names, text(s))
		})
		if len(names) != 1 || !strings.HasPrefix(names[0], "photo.png") {
			t.Fatalf("documents listed: %q", names)
		}
	})
	t.Run("the requester cannot download the internal note's document", func(t *testing.T) {
		if resp := agent.get(internal); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("the technician still downloads it", func(t *testing.T) {
		resp := tech.get(internal)
		if body := readBody(t, resp); resp.StatusCode != http.StatusOK || body != "réseau interne" {
			t.Fatalf("status %d, body %q", resp.StatusCode, body)
		}
	})
}
