package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/store"
	"guichet/web"
)

// testPassword is the password of every test account.
const testPassword = stacktest.Password

// testConfig is a configuration good for handler tests.
func testConfig() config.Config {
	var cfg config.Config
	cfg.Web.SessionIdle = 30 * time.Minute
	cfg.Web.SessionMax = 12 * time.Hour
	cfg.Tickets.MaxTicketBytes = 25 << 20
	return cfg
}

// env is a web server on a real database, with helpers to act as browsers.
type env struct {
	t   *testing.T
	db  *store.DB
	srv *web.Server
	reg *prometheus.Registry
}

// newEnv seeds an académie (Créteil, with news) and returns a server over
// db built from cfg by the shared stack helper (stacktest.New), with
// Temporal client tc (may be nil) and no worker.
func newEnv(t *testing.T, db *store.DB, cfg config.Config, tc client.Client) *env {
	t.Helper()
	ctx := context.Background()
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Académie de Créteil"}); err != nil {
		t.Fatal(err)
	}
	news := &store.News{AcademyCode: "creteil", Title: "Sites web hébergés par le rectorat",
		Body: "Depuis le 11 mars les sites web sont d'un accès difficile.\n\nLa Direction des systèmes d'information"}
	if err := db.CreateNewsUnaudited(ctx, news); err != nil {
		t.Fatal(err)
	}
	st := stacktest.New(t, cfg, stacktest.WithDB(db), stacktest.WithTemporalClient(tc), stacktest.WithoutSeed())
	return &env{t: t, db: db, srv: st.Web, reg: st.Registry}
}

// person creates a person of Créteil with a local account and roles.
func (e *env) person(login string, roles ...string) *store.Person {
	e.t.Helper()
	ctx := context.Background()
	p := &store.Person{AcademyCode: "creteil", Login: login, LastName: "Martin", FirstName: "Claire"}
	if err := e.db.CreatePerson(ctx, p); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.SetPassword(ctx, p.ID, testPassword); err != nil {
		e.t.Fatal(err)
	}
	for _, r := range roles {
		if err := e.db.GrantRoleUnaudited(ctx, p.ID, "creteil", r); err != nil {
			e.t.Fatal(err)
		}
	}
	return p
}

// browser is a cookie-keeping client of the server's app.Test.
type browser struct {
	e       *env
	t       *testing.T
	cookies map[string]string
	header  http.Header
}

func (e *env) browser(t *testing.T) *browser {
	return &browser{e: e, t: t, cookies: map[string]string{}, header: http.Header{}}
}

// do sends a request; form, when not nil, is sent url-encoded.
func (b *browser) do(method, target string, form url.Values) *http.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.send(req)
}

// send sends req with the browser's headers and cookies, and keeps the
// cookies the answer sets (a cookie set empty or expired is dropped).
func (b *browser) send(req *http.Request) *http.Response {
	b.t.Helper()
	for k, vs := range b.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := b.e.srv.App().Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp
}

// get fetches a page.
func (b *browser) get(target string) *http.Response {
	b.t.Helper()
	return b.do(http.MethodGet, target, nil)
}

// csrf reads the _csrf field of a page.
func (b *browser) csrf(target string) string {
	b.t.Helper()
	doc := parse(b.t, b.get(target))
	tok, _ := doc.Find(`input[name="_csrf"]`).First().Attr("value")
	if tok == "" {
		b.t.Fatalf("no _csrf field on %s", target)
	}
	return tok
}

// signIn signs in through the form and checks it worked.
func (b *browser) signIn(login string) {
	b.t.Helper()
	resp := b.postForm("/connexion", "/connexion", url.Values{"login": {login}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in of %s: status %d", login, resp.StatusCode)
	}
}

// signedIn returns a browser signed in as login.
func (e *env) signedIn(t *testing.T, login string) *browser {
	t.Helper()
	b := e.browser(t)
	b.signIn(login)
	return b
}

// postForm sends form to target with the CSRF token of page.
func (b *browser) postForm(page, target string, form url.Values) *http.Response {
	b.t.Helper()
	form.Set("_csrf", b.csrf(page))
	return b.do(http.MethodPost, target, form)
}

// parse reads an HTML response into a DOM.
func parse(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// text returns the trimmed, space-normalised text of a selection.
func text(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

// readBody returns the response body as a string.
func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// listen serves the app on a real loopback listener (for what app.Test
// cannot show: fasthttp's own limits, a real browser) and returns its base
// URL. The server shuts down at the end of the test.
func (e *env) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.App().Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			// A browser test's Chromium may still hold a connection in the
			// middle of a request here (its cleanup runs after this one):
			// that is the test's teardown order, not a server fault.
			t.Logf("shutdown: %v", err)
			return
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// textWant is the text a test expects under a selector; what names the
// element in a failure.
type textWant struct{ what, sel, want string }

// wantTexts reports, without stopping, every element of doc whose text is
// not the one wanted.
func wantTexts(t *testing.T, doc *goquery.Document, wants ...textWant) {
	t.Helper()
	for _, w := range wants {
		if got := text(doc.Find(w.sel)); got != w.want {
			t.Errorf("%s (%s) = %q, want %q", w.what, w.sel, got, w.want)
		}
	}
}

// categoryPath creates the chain of Créteil categories names[0] ›
// names[1] › … and returns the last one.
func categoryPath(t *testing.T, db *store.DB, names ...string) *store.Category {
	t.Helper()
	var parent *store.Category
	for _, name := range names {
		c := &store.Category{AcademyCode: "creteil", Name: name}
		if parent != nil {
			c.ParentID = &parent.ID
		}
		if err := db.CreateCategoryUnaudited(context.Background(), c); err != nil {
			t.Fatalf("category %s: %v", name, err)
		}
		parent = c
	}
	return parent
}
