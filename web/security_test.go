package web_test

// Security tests of issue 11: nobody reaches others' objects through an
// ID-bearing route, every POST needs its CSRF token, cookies and headers
// are hardened, uploads cannot lie their way into a page, and secrets never
// reach the logs.

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/assembly/stacktest"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

// Marker strings: content of the probed objects that must never appear in
// an answer to someone who may not see them.
const (
	markerTicket     = "SECRET-TICKET-7731"
	markerPublic     = "SECRET-ENTITE-1187"
	markerFile       = "SECRET-FICHIER-4402"
	markerArticle    = "SECRET-ARTICLE-9120"
	markerMail       = "SECRET-MAIL-5521"
	markerWebhookURL = "https://hooks.example.org/secret-webhook-3301"
)

// extraPerson adds a person with a local account and one role in academy.
func (st *testStack) extraPerson(t *testing.T, login, academy, role string) *store.Person {
	t.Helper()
	return st.stack.AddPerson(t, &store.Person{AcademyCode: academy, Login: login, LastName: "DUPONT", FirstName: "Léa",
		Email: login + "@ac-" + academy + ".fr", Entity: "EN/ACADEMIE/" + strings.ToUpper(academy)}, role)
}

// probe is one request of an intruder.
type probe struct {
	method, path string
	api          bool // Bearer token instead of the session
	// own is a page of the intruder's own académie: it answers, but must
	// not show the object.
	own bool
}

// TestNobodyReachesOthersObjectsThroughTheirID files a private and an
// entity-visible ticket (with a file), a non-shared article, a mail, a
// personal and an application token and a webhook in Créteil, then sends
// every ID-bearing route, read and write, as people who may not see them: a
// requester of another entity, a colleague (on the private ticket), a
// requester, a technician, a supervisor and an administrator of Rouen. Each
// answer must be 403 or 404 and never show the object's content, and no
// write may have happened.
func TestNobodyReachesOthersObjectsThroughTheirID(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	st.extraPerson(t, "tech.rouen", "rouen", store.RoleTechnician)
	st.extraPerson(t, "superviseur.rouen", "rouen", store.RoleSupervisor)
	adminRouen := st.extraPerson(t, "admin.rouen", "rouen", store.RoleAdministrator)
	_ = adminRouen

	private := st.submit(t, "agent", ticketOpts{private: true, description: "Poste bloqué " + markerTicket,
		files: []store.Attachment{{Filename: "note.txt", ContentType: "text/plain", Data: []byte("contenu " + markerFile)}}})
	public := st.submit(t, "agent", ticketOpts{description: "Imprimante du couloir " + markerPublic,
		files: []store.Attachment{{Filename: "journal.txt", ContentType: "text/plain", Data: []byte("journal " + markerFile)}}})
	fileOf := func(number string) int64 {
		as, err := st.db.Attachments(ctx, number)
		if err != nil || len(as) == 0 {
			t.Fatalf("attachments of %s: %v %d", number, err, len(as))
		}
		return as[0].ID
	}
	files := map[string]int64{private: fileOf(private), public: fileOf(public)}

	article := &store.Article{AcademyCode: "creteil", Title: "Réinitialiser le poste", Body: "Étapes " + markerArticle, Published: true}
	if err := st.db.CreateArticle(ctx, article); err != nil {
		t.Fatal(err)
	}
	draft := &store.Article{AcademyCode: "creteil", Title: "Brouillon interne", Body: "Brouillon " + markerArticle}
	if err := st.db.CreateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	m := &store.Mail{DedupeKey: "security-probe", TicketNumber: private, ToAddr: "agent@ac-creteil.fr",
		Subject: "Incident " + private + " " + markerMail, TextBody: "Bonjour " + markerMail, HTMLBody: "<p>Bonjour " + markerMail + "</p>",
		MessageID: "<probe@guichet.test>"}
	if _, err := st.db.QueueMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	mails, err := st.db.ListMailsForTicket(ctx, private)
	if err != nil || len(mails) == 0 {
		t.Fatalf("mails of %s: %v", private, err)
	}
	var mailID int64
	for _, x := range mails {
		if x.DedupeKey == "security-probe" {
			mailID = x.ID
		}
	}
	personalTok, personal, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people["agent"].ID, Name: "script", Scope: store.ScopeWrite})
	if err != nil {
		t.Fatal(err)
	}
	appTok, app, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people["superviseur"].ID, Kind: store.TokenApplication, Name: "GLPI", Scope: store.ScopeRead})
	if err != nil {
		t.Fatal(err)
	}
	hook := &store.WebhookSubscription{AcademyCode: "creteil", URL: markerWebhookURL, CreatedByID: st.people["superviseur"].ID}
	if _, err := st.db.CreateWebhook(ctx, hook, store.WebhookKey{}); err != nil {
		t.Fatal(err)
	}
	eventsBefore := map[string]int{}
	for _, n := range []string{private, public} {
		ev, err := st.db.Timeline(ctx, n, true)
		if err != nil {
			t.Fatal(err)
		}
		eventsBefore[n] = countActions(ev)
	}

	// Every route with a ticket number, filled with number (and its file).
	var ticketRoutes []probe
	for _, r := range st.srv.RouteAccess() {
		if r.Method != http.MethodGet && r.Method != http.MethodPost || !strings.Contains(r.Path, ":number") {
			continue
		}
		ticketRoutes = append(ticketRoutes, probe{method: r.Method, path: r.Path, api: strings.HasPrefix(r.Path, "/api/")})
	}
	if len(ticketRoutes) < 15 {
		t.Fatalf("only %d routes carry a ticket number", len(ticketRoutes))
	}
	fill := func(path, number string) string {
		path = strings.Replace(path, ":number", number, 1)
		path = strings.Replace(path, ":id<int>", strconv.FormatInt(files[number], 10), 1)
		return strings.Replace(path, ":action", "annuler", 1)
	}

	type intrusion struct {
		who    string
		probes []probe
		marker string
	}
	var cases []intrusion
	for _, who := range []string{"etranger", "collegue", "rouen", "tech.rouen", "superviseur.rouen"} {
		var ps []probe
		for _, r := range ticketRoutes {
			ps = append(ps, probe{method: r.method, path: fill(r.path, private), api: r.api})
		}
		cases = append(cases, intrusion{who: who + " on the private ticket", probes: ps, marker: markerTicket})
	}
	for _, who := range []string{"rouen", "tech.rouen", "superviseur.rouen"} {
		var ps []probe
		for _, r := range ticketRoutes {
			ps = append(ps, probe{method: r.method, path: fill(r.path, public), api: r.api})
		}
		cases = append(cases, intrusion{who: who + " on the entity ticket", probes: ps, marker: markerPublic})
	}
	artPaths := func(id int64) []probe {
		p := "/base-de-connaissances/" + strconv.FormatInt(id, 10)
		return []probe{{method: "GET", path: p}, {method: "GET", path: p + "/modifier"}, {method: "POST", path: p}}
	}
	cases = append(cases,
		intrusion{who: "rouen", probes: artPaths(article.ID), marker: markerArticle},
		intrusion{who: "tech.rouen", probes: artPaths(article.ID), marker: markerArticle},
		intrusion{who: "agent", probes: artPaths(draft.ID), marker: markerArticle},
		intrusion{who: "superviseur.rouen", probes: []probe{
			{method: "GET", path: "/outils/boite-mail/" + strconv.FormatInt(mailID, 10)},
			{method: "GET", path: "/outils/boite-mail/" + strconv.FormatInt(mailID, 10) + "/apercu"},
			{method: "GET", path: "/outils/boite-mail", own: true},
			{method: "GET", path: "/dev/mailbox.json", own: true},
		}, marker: markerMail},
		intrusion{who: "collegue", probes: []probe{{method: "POST", path: "/compte/jetons/" + strconv.FormatInt(personal.ID, 10) + "/revoquer"}}, marker: personalTok},
		intrusion{who: "admin.rouen", probes: []probe{
			{method: "POST", path: "/admin/jetons/" + strconv.FormatInt(app.ID, 10) + "/revoquer"},
			{method: "POST", path: "/admin/jetons/" + strconv.FormatInt(personal.ID, 10) + "/revoquer"},
			{method: "POST", path: "/admin/webhooks/" + strconv.FormatInt(hook.ID, 10) + "/supprimer"},
			{method: "GET", path: "/admin/webhooks", own: true},
		}, marker: markerWebhookURL},
	)

	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			login := strings.Fields(c.who)[0]
			b := st.signedIn(t, login)
			csrf := b.csrf("/compte")
			bearer, _, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people[login].ID, Name: "intrus", Scope: store.ScopeWrite})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range c.probes {
				var resp *http.Response
				form := url.Values{"_csrf": {csrf}, "message": {"intrusion"}, "texte": {"intrusion"},
					"title": {"pris"}, "titre": {"pris"}, "body": {"pris"}, "corps": {"pris"}, "solution": {"pris"},
					"raison": {"intrusion"}, "motif": {"intrusion"}, "decision": {"accepter"}}
				if p.api {
					api := st.browser(t)
					api.header.Set("Authorization", "Bearer "+bearer)
					api.header.Set("Accept", "application/json")
					var body url.Values
					if p.method == http.MethodPost {
						body = url.Values{"comment": {"intrusion"}}
					}
					resp = api.do(p.method, p.path, body)
				} else if p.method == http.MethodPost {
					resp = b.do(p.method, p.path, form)
				} else {
					resp = b.get(p.path)
				}
				body := readBody(t, resp)
				if !p.own && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s %s: status %d, want 403 or 404", login, p.method, p.path, resp.StatusCode)
				}
				if strings.Contains(body, c.marker) || strings.Contains(body, markerFile) {
					t.Errorf("%s %s %s: the answer shows the object's content", login, p.method, p.path)
				}
			}
		})
	}

	t.Run("nothing was changed by the intruders", func(t *testing.T) {
		for _, n := range []string{private, public} {
			ev, err := st.db.Timeline(ctx, n, true)
			if err != nil {
				t.Fatal(err)
			}
			if got := countActions(ev); got != eventsBefore[n] {
				t.Errorf("ticket %s: %d timeline events, had %d before the probes: %+v", n, got, eventsBefore[n], ev)
			}
			tk, err := st.db.GetTicket(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status == "cancelled" || tk.Status == "closed" {
				t.Errorf("ticket %s: status %s after the probes", n, tk.Status)
			}
		}
		for _, tok := range []string{personalTok, appTok} {
			if _, _, err := st.db.AuthenticateToken(ctx, tok); err != nil {
				t.Errorf("a token was revoked by an intruder: %v", err)
			}
		}
		if _, err := st.db.GetWebhook(ctx, hook.ID); err != nil {
			t.Errorf("the webhook was deleted by an intruder: %v", err)
		}
		a, err := st.db.GetArticle(ctx, article.ID)
		if err != nil || !strings.Contains(a.Body, markerArticle) || a.Title != "Réinitialiser le poste" {
			t.Errorf("the article was changed by an intruder: %+v %v", a, err)
		}
	})
}

// countActions counts the timeline events people's actions make (the
// outbox's own mail_sent records come asynchronously and are left out).
func countActions(ev []store.TicketEvent) int {
	n := 0
	for _, e := range ev {
		if e.Kind != workflows.EventMailSent {
			n++
		}
	}
	return n
}

// TestEveryPostIsRefusedWithoutItsCSRFToken walks every POST route (the
// Bearer-authenticated /api/v1 ones aside) as a signed-in supervisor
// sending no token, a wrong token, and the right token from a cross-site
// page: all get 403.
func TestEveryPostIsRefusedWithoutItsCSRFToken(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), testConfig(), nil)
	e.person("chef", store.RoleSupervisor, store.RoleAdministrator, store.RoleTechnician)
	b := e.signedIn(t, "chef")
	good := b.csrf("/compte")
	n := 0
	for _, r := range e.srv.RouteAccess() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		path := concretePath(r.Path, "creteil")
		for _, c := range []struct {
			name     string
			token    string
			crossSit bool
		}{{"no token", "", false}, {"a wrong token", strings.Repeat("B", 43), false}, {"a cross-site request", good, true}} {
			form := url.Values{"login": {"x"}, "password": {"y"}}
			if c.token != "" {
				form.Set("_csrf", c.token)
			}
			if c.crossSit {
				b.header.Set("Sec-Fetch-Site", "cross-site")
			}
			resp := b.do(http.MethodPost, path, form)
			b.header.Del("Sec-Fetch-Site")
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with %s: status %d, want 403", path, c.name, resp.StatusCode)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d POST routes walked", n)
	}
	// Still signed in: the refusals changed nothing.
	if resp := b.get("/compte"); resp.StatusCode != http.StatusOK {
		t.Errorf("after the refused posts /compte answers %d", resp.StatusCode)
	}
}

// TestCookiesAndSecurityHeaders checks the flags of every cookie Guichet
// sets (with and without web.secure_cookies) and the security headers of
// pages, error pages and the API.
func TestCookiesAndSecurityHeaders(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run("secure_cookies="+strconv.FormatBool(secure), func(t *testing.T) {
			cfg := testConfig()
			cfg.Web.SecureCookies = secure
			e := newEnv(t, storetest.SQLite(t), cfg, nil)
			e.person("agent")
			b := e.browser(t)
			var cookies []*http.Cookie
			resp := b.get("/connexion")
			cookies = append(cookies, resp.Cookies()...)
			tok := b.cookies["guichet_csrf"]
			resp = b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "login": {"agent"}, "password": {testPassword}})
			cookies = append(cookies, resp.Cookies()...)
			resp = b.get("/langue/en")
			cookies = append(cookies, resp.Cookies()...)
			names := map[string]bool{}
			for _, c := range cookies {
				names[c.Name] = true
				if c.Name != "lang" && !c.HttpOnly {
					t.Errorf("cookie %s is not HttpOnly", c.Name)
				}
				if c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode {
					t.Errorf("cookie %s: SameSite %v, want Lax", c.Name, c.SameSite)
				}
				if c.Secure != secure {
					t.Errorf("cookie %s: Secure %v, want %v", c.Name, c.Secure, secure)
				}
			}
			for _, want := range []string{"guichet_csrf", "guichet_session"} {
				if !names[want] {
					t.Errorf("cookie %s never set (got %v)", want, names)
				}
			}
			for _, path := range []string{"/", "/connexion", "/incidents", "/nulle-part", "/compte", "/api/v1/me", "/healthz"} {
				resp := b.get(path)
				resp.Body.Close()
				h := resp.Header
				csp := h.Get("Content-Security-Policy")
				if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") ||
					strings.Contains(csp, "unsafe-inline") && strings.Contains(directive(csp, "script-src"), "unsafe") {
					t.Errorf("%s: Content-Security-Policy %q", path, csp)
				}
				if strings.Contains(directive(csp, "script-src"), "unsafe") || strings.Contains(directive(csp, "default-src"), "unsafe") {
					t.Errorf("%s: scripts may be unsafe: %q", path, csp)
				}
				if h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s: X-Content-Type-Options %q", path, h.Get("X-Content-Type-Options"))
				}
				if rp := h.Get("Referrer-Policy"); rp != "same-origin" && rp != "no-referrer" && rp != "strict-origin-when-cross-origin" {
					t.Errorf("%s: Referrer-Policy %q", path, rp)
				}
				if secure && !strings.Contains(h.Get("Strict-Transport-Security"), "max-age=") {
					t.Errorf("%s: no Strict-Transport-Security behind HTTPS", path)
				}
			}
		})
	}
}

// directive returns the value of one CSP directive.
func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		d = strings.TrimSpace(d)
		if strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}

// TestUploadsCannotTraverseOrLieAboutTheirType sends files whose names
// climb out of their directory and whose content lies about its type,
// through the new-incident form, the workspace reply of a technician and
// the API, then downloads them: stored under a safe base name, served as
// an attachment with a safe Content-Disposition and nosniff, never inline
// as HTML.
func TestUploadsCannotTraverseOrLieAboutTheirType(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	html := []byte("<!doctype html><html><body><script>alert(1)</script></body></html>")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
	uploads := []struct {
		name, ctype string
		data        []byte
	}{
		{"../../../../etc/passwd", "text/plain", []byte("root:x:0:0")},
		{`..\..\windows\win.ini`, "text/plain", []byte("[fonts]")},
		{"..", "text/plain", []byte("dots")},
		{"photo.png", "image/png", html},
		{"capture.png", "image/png", exe},
		{"page.html", "text/html", html},
		{"a\"; filename=evil.html\r\nX: y.txt", "text/plain", []byte("header injection")},
	}
	multipartBody := func(fields map[string]string, field string) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, v := range fields {
			_ = w.WriteField(k, v)
		}
		for _, u := range uploads {
			h := make(map[string][]string)
			h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + strings.NewReplacer(`"`, `\"`, "\r", "", "\n", "").Replace(u.name) + `"`}
			h["Content-Type"] = []string{u.ctype}
			pw, err := w.CreatePart(h)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = pw.Write(u.data)
		}
		_ = w.Close()
		return &buf, w.FormDataContentType()
	}

	// Through the API: a ticket filed with the lying files.
	bearer, _, err := st.db.CreateToken(ctx, store.NewToken{PersonID: st.people["agent"].ID, Name: "upload", Scope: store.ScopeWrite})
	if err != nil {
		t.Fatal(err)
	}
	body, ctype := multipartBody(map[string]string{"category_id": strconv.FormatInt(st.leaves["Écran"].ID, 10),
		"urgency": "2", "description": "Fichiers douteux"}, "files")
	req := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := st.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	created := readBody(t, resp)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
		t.Fatalf("API ticket with uploads: status %d: %s", resp.StatusCode, created)
	}
	i := strings.Index(created, `"number":"`)
	if i < 0 {
		t.Fatalf("no number in %s", created)
	}
	number := created[i+len(`"number":"`):]
	number = number[:strings.IndexByte(number, '"')]
	st.waitTicket(t, number, "started", func(tk *store.Ticket) bool { return tk.WorkflowStartedAt != nil })
	as, err := st.db.Attachments(ctx, number)
	if err != nil || len(as) != len(uploads) {
		t.Fatalf("API ticket: %d attachments (%v), want %d", len(as), err, len(uploads))
	}
	checkServedSafely(t, st.signedIn(t, "agent"), "/incidents/"+number+"/documents/", as)

	// Through the technician's workspace: a reply carrying them.
	tech := st.signedIn(t, "tech")
	csrf := tech.csrf("/support/incidents/" + number)
	body, ctype = multipartBody(map[string]string{"_csrf": csrf, "texte": "Voici les fichiers."}, "documents")
	req = httptest.NewRequest(http.MethodPost, "/support/incidents/"+number+"/repondre", body)
	req.Header.Set("Content-Type", ctype)
	for k, v := range tech.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err = st.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("workspace reply with uploads: status %d", resp.StatusCode)
	}
	all, err := st.db.Attachments(ctx, number)
	if err != nil || len(all) != 2*len(uploads) {
		t.Fatalf("after the reply: %d attachments (%v), want %d", len(all), err, 2*len(uploads))
	}
	checkServedSafely(t, tech, "/support/incidents/"+number+"/documents/", all[len(uploads):])
	checkServedSafely(t, st.signedIn(t, "agent"), "/incidents/"+number+"/documents/", all[len(uploads):])
}

// checkServedSafely downloads every attachment of number from path prefix
// and checks names and headers.
func checkServedSafely(t *testing.T, b *browser, prefix string, as []store.Attachment) {
	t.Helper()
	for _, a := range as {
		if strings.ContainsAny(a.Filename, `/\`) || a.Filename == ".." || a.Filename == "." || strings.ContainsAny(a.Filename, "\r\n\"") {
			t.Errorf("attachment %d stored as %q: not a safe base name", a.ID, a.Filename)
		}
		for _, q := range []string{"", "?apercu=1"} {
			resp := b.get(prefix + strconv.FormatInt(a.ID, 10) + q)
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s%d%s: status %d", prefix, a.ID, q, resp.StatusCode)
				continue
			}
			ct := resp.Header.Get("Content-Type")
			disp, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
			if err != nil {
				t.Errorf("%q: Content-Disposition %q: %v", a.Filename, resp.Header.Get("Content-Disposition"), err)
				continue
			}
			if strings.ContainsAny(params["filename"], `/\`) {
				t.Errorf("%q: served with filename %q", a.Filename, params["filename"])
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%q: no nosniff", a.Filename)
			}
			isHTML := strings.Contains(body, "<script>")
			if isHTML && (strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "image/svg")) && disp != "attachment" {
				t.Errorf("%q%s: HTML served inline as %s", a.Filename, q, ct)
			}
			if isHTML && disp == "inline" {
				t.Errorf("%q%s: HTML content served inline (as %s)", a.Filename, q, ct)
			}
		}
	}
}

// logCapture is a slog handler keeping every record as text.
type logCapture struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
	h   slog.Handler
}

func newLogCapture() *logCapture {
	buf := &bytes.Buffer{}
	return &logCapture{mu: &sync.Mutex{}, buf: buf, h: slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})}
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) Handle(ctx context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.h.Handle(ctx, r)
}
func (l *logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	return &logCapture{mu: l.mu, buf: l.buf, h: l.h.WithAttrs(as)}
}
func (l *logCapture) WithGroup(name string) slog.Handler {
	return &logCapture{mu: l.mu, buf: l.buf, h: l.h.WithGroup(name)}
}
func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestSecretsNeverReachTheLogs signs in with a good and a bad password,
// creates an API token, uses it, enrols TOTP and signs out, with every log
// record (debug included) captured: no password, token, session cookie,
// CSRF token or TOTP secret appears.
func TestSecretsNeverReachTheLogs(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Académie de Créteil"}); err != nil {
		t.Fatal(err)
	}
	logs := newLogCapture()
	cfg := testConfig()
	cfg.Auth.MaxFailuresPerLogin = 50
	cfg.Auth.MaxFailuresPerAddress = 50
	cfg.Auth.FailureWindow = time.Minute
	st := stacktest.New(t, cfg, stacktest.WithDB(db), stacktest.WithoutTemporal(), stacktest.WithoutSeed(),
		stacktest.WithLogger(slog.New(logs)))
	e := &env{t: t, db: db, srv: st.Web, reg: st.Registry}
	e.person("agent")
	b := e.browser(t)
	wrong := "Mauvais-Mot-De-Passe-8812"
	resp := b.postForm("/connexion", "/connexion", url.Values{"login": {"agent"}, "password": {wrong}})
	resp.Body.Close()
	b.signIn("agent")
	secrets := map[string]string{"wrong password": wrong, "password": testPassword,
		"session cookie": b.cookies["guichet_session"]}

	csrf := b.csrf("/compte/jetons")
	secrets["csrf token"] = csrf
	doc := parse(t, b.do(http.MethodPost, "/compte/jetons", url.Values{"_csrf": {csrf}, "nom": {"script"},
		"droits": {store.ScopeWrite}, "validite": {"30"}}))
	token := text(doc.Find("#jeton"))
	if token == "" {
		t.Fatal("no token shown after creating one")
	}
	secrets["api token"] = token
	api := e.browser(t)
	api.header.Set("Authorization", "Bearer "+token)
	readBody(t, api.get("/api/v1/me"))
	bad := e.browser(t)
	bad.header.Set("Authorization", "Bearer gch_pas-un-vrai-jeton-5521")
	readBody(t, bad.get("/api/v1/me"))
	secrets["bad api token"] = "gch_pas-un-vrai-jeton-5521"

	// TOTP enrolment: the secret is shown to the person, never logged.
	resp = b.do(http.MethodPost, "/compte/otp/commencer", url.Values{"_csrf": {csrf}})
	resp.Body.Close()
	secrets["totp secret"] = text(parse(t, b.get("/compte")).Find("#secret-otp"))
	if secrets["totp secret"] == "" {
		t.Error("no TOTP secret shown when enrolling")
	}
	resp = b.do(http.MethodPost, "/compte/otp/confirmer", url.Values{"_csrf": {csrf}, "code": {"123456"}})
	resp.Body.Close()
	resp = b.do(http.MethodPost, "/deconnexion", url.Values{"_csrf": {csrf}})
	resp.Body.Close()

	out := logs.String()
	if !strings.Contains(out, "http request") {
		t.Fatalf("no access log captured:\n%s", out)
	}
	for what, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(out, s) {
			t.Errorf("the %s appears in the logs", what)
		}
	}
}
