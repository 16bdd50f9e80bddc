package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.temporal.io/sdk/client"

	"guichet/store"
	"guichet/store/storetest"
)

func TestSignIn(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, testConfig(), nil)
		e.person("claire.martin")
		disabled := e.person("ancien.agent")
		if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("disabled = ?", true).
			Where("id = ?", disabled.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}

		t.Run("the sign-in page is in French with labelled fields and a CSRF token", func(t *testing.T) {
			b := e.browser(t)
			resp := b.get("/connexion")
			checkStatus(t, resp, http.StatusOK)
			doc := parse(t, resp)
			if lang, _ := doc.Find("html").Attr("lang"); lang != "fr" {
				t.Fatalf("html lang %q, want fr", lang)
			}
			for id, label := range map[string]string{"login": "Identifiant", "password": "Mot de passe ou Passcode OTP"} {
				got := text(doc.Find(`label[for="` + id + `"]`))
				if !strings.HasPrefix(got, label) {
					t.Errorf("label of #%s is %q, want it to start with %q", id, got, label)
				}
				if doc.Find("input#"+id).Length() != 1 {
					t.Errorf("no input #%s", id)
				}
			}
			if got := text(doc.Find("button#valider")); got != "Valider" {
				t.Errorf("submit button %q, want Valider", got)
			}
			if tok, _ := doc.Find(`form#form-connexion input[name="_csrf"]`).Attr("value"); tok == "" || tok != b.cookies["guichet_csrf"] {
				t.Errorf("form token %q does not match the pre-session cookie %q", tok, b.cookies["guichet_csrf"])
			}
			if doc.Find(`a[href="#contenu"]`).Length() != 1 {
				t.Error("no skip link to the content")
			}
		})

		t.Run("the right password opens a session and shows the home page", func(t *testing.T) {
			b := e.browser(t)
			tok := b.csrf("/connexion")
			resp := b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "login": {"Claire.Martin"}, "password": {testPassword}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("status %d location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
			}
			var cookie *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "guichet_session" {
					cookie = c
				}
			}
			if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
				t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure (secure_cookies off)", cookie)
			}
			doc := parse(t, b.get("/"))
			wantTexts(t, doc,
				textWant{"h1", "h1", "Accueil"},
				textWant{"académie", "#academie", "Académie de Créteil"},
				textWant{"user", "#utilisateur", "Claire MARTIN"},
				textWant{"sign-out button", "button#deconnexion", "Déconnexion"},
				textWant{"news heading", "#actualites h2", "Actualités"},
				textWant{"news title", ".actualite h3", "Sites web hébergés par le rectorat"},
			)
			if n := doc.Find(".actualite p.guichet-text").Length(); n != 2 {
				t.Errorf("news body in %d paragraphs, want 2", n)
			}
			if got := text(doc.Find(".fr-sidemenu__link[aria-current=page]")); got != "Accueil" {
				t.Errorf("current menu entry %q", got)
			}
			if doc.Find(`a[href="/outils/boite-mail"]`).Length() != 0 {
				t.Error("a requester sees the mailbox in the menu")
			}
		})

		failures := []struct {
			name, login, password string
			status                int
			message               string
		}{
			{"a wrong password is refused with a French message and the login kept", "claire.martin", "faux", http.StatusUnauthorized, "Identifiant ou mot de passe incorrect."},
			{"an unknown login gets the same message", "personne", "faux", http.StatusUnauthorized, "Identifiant ou mot de passe incorrect."},
			{"a disabled account is told so", "ancien.agent", testPassword, http.StatusForbidden, "Ce compte est désactivé."},
			{"an empty password is pointed at", "claire.martin", "", http.StatusUnprocessableEntity, "Saisissez votre identifiant et votre mot de passe."},
		}
		for _, tc := range failures {
			t.Run(tc.name, func(t *testing.T) {
				b := e.browser(t)
				tok := b.csrf("/connexion")
				resp := b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "login": {tc.login}, "password": {tc.password}})
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if _, ok := b.cookies["guichet_session"]; ok {
					t.Fatal("a session cookie was set")
				}
				doc := parse(t, resp)
				if got := text(doc.Find("#erreur-connexion")); !strings.Contains(got, tc.message) {
					t.Errorf("error summary %q, want it to contain %q", got, tc.message)
				}
				if got, _ := doc.Find("input#login").Attr("value"); got != tc.login {
					t.Errorf("login field %q, want %q kept", got, tc.login)
				}
				if got, _ := doc.Find("input#password").Attr("value"); got != "" {
					t.Errorf("password field refilled with %q", got)
				}
			})
		}

		t.Run("an empty password marks the field in error", func(t *testing.T) {
			b := e.browser(t)
			tok := b.csrf("/connexion")
			doc := parse(t, b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "login": {"claire.martin"}}))
			if inv, _ := doc.Find("input#password").Attr("aria-invalid"); inv != "true" {
				t.Error("password not marked invalid")
			}
			if got := text(doc.Find("#password-error")); got != "Saisissez votre mot de passe." {
				t.Errorf("field error %q", got)
			}
		})

		t.Run("a protected page sends to the sign-in page and back after", func(t *testing.T) {
			b := e.browser(t)
			resp := b.get("/outils/boite-mail?page=2")
			want := "/connexion?suite=%2Foutils%2Fboite-mail%3Fpage%3D2"
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Fatalf("status %d location %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), want)
			}
			doc := parse(t, b.get(want))
			suite, _ := doc.Find(`input[name="suite"]`).Attr("value")
			tok, _ := doc.Find(`input[name="_csrf"]`).Attr("value")
			resp = b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "suite": {suite}, "login": {"claire.martin"}, "password": {testPassword}})
			if got := resp.Header.Get("Location"); got != "/outils/boite-mail?page=2" {
				t.Fatalf("after sign-in: location %q", got)
			}
		})

		for _, suite := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			t.Run("a sign-in never redirects off site, even to "+suite, func(t *testing.T) {
				b := e.browser(t)
				tok := b.csrf("/connexion")
				resp := b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "suite": {suite}, "login": {"claire.martin"}, "password": {testPassword}})
				if got := resp.Header.Get("Location"); got != "/" {
					t.Fatalf("location %q, want /", got)
				}
			})
		}
	})
}

func TestSessionsAndCSRF(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, testConfig(), nil)
		claire := e.person("claire.martin")

		t.Run("a forged sign-out without the token is refused and the session survives", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			for name, form := range map[string]url.Values{
				"no token":    {},
				"wrong token": {"_csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
			} {
				resp := b.do(http.MethodPost, "/deconnexion", form)
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("%s: status %d, want 403", name, resp.StatusCode)
				}
				doc := parse(t, resp)
				if got := text(doc.Find("#message-erreur")); !strings.Contains(got, "Le formulaire a expiré") {
					t.Fatalf("%s: message %q", name, got)
				}
			}
			if resp := b.get("/"); resp.StatusCode != http.StatusOK {
				t.Fatalf("session lost after forged requests: status %d", resp.StatusCode)
			}
		})

		t.Run("a sign-in posted without the pre-session cookie is refused", func(t *testing.T) {
			b := e.browser(t)
			tok := b.csrf("/connexion")
			delete(b.cookies, "guichet_csrf")
			resp := b.do(http.MethodPost, "/connexion", url.Values{"_csrf": {tok}, "login": {"claire.martin"}, "password": {testPassword}})
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", resp.StatusCode)
			}
		})

		t.Run("an htmx request may carry the token in the X-CSRF-Token header", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			doc := parse(t, b.get("/"))
			hx, _ := doc.Find("body").Attr("hx-headers")
			var headers map[string]string
			if err := json.Unmarshal([]byte(hx), &headers); err != nil || headers["X-CSRF-Token"] == "" {
				t.Fatalf("body hx-headers %q: %v", hx, err)
			}
			b.header.Set("X-CSRF-Token", headers["X-CSRF-Token"])
			if resp := b.do(http.MethodPost, "/deconnexion", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", resp.StatusCode)
			}
		})

		t.Run("a cross-site request is refused even with the token", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			tok := b.csrf("/")
			b.header.Set("Sec-Fetch-Site", "cross-site")
			if resp := b.do(http.MethodPost, "/deconnexion", url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", resp.StatusCode)
			}
		})

		t.Run("signing out ends the session", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			old := b.cookies["guichet_session"]
			tok := b.csrf("/")
			resp := b.do(http.MethodPost, "/deconnexion", url.Values{"_csrf": {tok}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion" {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, ok := b.cookies["guichet_session"]; ok {
				t.Fatal("session cookie not cleared")
			}
			b.cookies["guichet_session"] = old // a stolen copy of the cookie is worthless now
			if resp := b.get("/"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("old cookie still opens the home page: status %d", resp.StatusCode)
			}
		})

		// setSessions sets column of every session of claire to at.
		setSessions := func(t *testing.T, column string, at time.Time) {
			t.Helper()
			if _, err := db.NewUpdate().Model((*store.Session)(nil)).
				Set(column+" = ?", at).
				Where("person_id = ?", claire.ID).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("an idle session expires and the sign-in page says so", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			setSessions(t, "last_seen_at", time.Now().UTC().Add(-time.Hour))
			resp := b.get("/")
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion?expiree=1" {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if _, ok := b.cookies["guichet_session"]; ok {
				t.Fatal("expired session cookie not cleared")
			}
			doc := parse(t, b.get("/connexion?expiree=1"))
			if got := text(doc.Find(".fr-alert--info")); got != "Votre session a expiré. Veuillez vous reconnecter." {
				t.Fatalf("notice %q", got)
			}
		})

		t.Run("a session past its absolute limit expires even when in use", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			setSessions(t, "expires_at", time.Now().UTC().Add(-time.Second))
			if resp := b.get("/"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", resp.StatusCode)
			}
		})

		t.Run("an htmx request without a session is told where to sign in", func(t *testing.T) {
			b := e.browser(t)
			b.header.Set("HX-Request", "true")
			resp := b.get("/")
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") != "/connexion" {
				t.Fatalf("status %d HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
			}
		})
	})
}

func TestPagesAndErrors(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		cfg := testConfig()
		cfg.Tickets.MaxTicketBytes = 1 << 20
		e := newEnv(t, db, cfg, nil)
		e.person("claire.martin")

		t.Run("every response carries the security headers", func(t *testing.T) {
			b := e.browser(t)
			for _, path := range []string{"/connexion", "/nulle-part", "/healthz"} {
				resp := b.get(path)
				want := map[string]string{
					"X-Content-Type-Options": "nosniff",
					"X-Frame-Options":        "DENY",
					"Referrer-Policy":        "same-origin",
				}
				for k, v := range want {
					if got := resp.Header.Get(k); got != v {
						t.Errorf("%s: %s = %q, want %q", path, k, got, v)
					}
				}
				csp := resp.Header.Get("Content-Security-Policy")
				for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "form-action 'self'"} {
					if !strings.Contains(csp, d) {
						t.Errorf("%s: CSP %q lacks %q", path, csp, d)
					}
				}
				if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
					t.Errorf("%s: CSP allows unsafe sources: %q", path, csp)
				}
			}
		})

		t.Run("pages have no inline script or style", func(t *testing.T) {
			b := e.signedIn(t, "claire.martin")
			for _, path := range []string{"/", "/nulle-part"} {
				doc := parse(t, b.get(path))
				doc.Find("script").Each(func(_ int, s *goquery.Selection) {
					if src, ok := s.Attr("src"); !ok || src == "" || strings.TrimSpace(s.Text()) != "" {
						t.Errorf("%s: inline script %q", path, s.Text())
					}
				})
				if n := doc.Find("style, [style]").Length(); n != 0 {
					t.Errorf("%s: %d inline styles", path, n)
				}
				doc.Find(`form[method="post"]`).Each(func(_ int, f *goquery.Selection) {
					if f.Find(`input[name="_csrf"]`).Length() != 1 {
						t.Errorf("%s: a form has no CSRF field", path)
					}
				})
			}
		})

		t.Run("static files are served with a year of cache", func(t *testing.T) {
			b := e.browser(t)
			doc := parse(t, b.get("/connexion"))
			href, _ := doc.Find(`link[rel="stylesheet"]`).First().Attr("href")
			resp := b.get(href)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
				t.Fatalf("%s: status %d type %q", href, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") {
				t.Fatalf("%s: Cache-Control %q", href, got)
			}
			for _, src := range []string{"dsfr/dsfr.module.min.js", "htmx.min.js", "dsfr/fonts/Marianne-Regular.woff2", "dsfr/icons/system/logout-box-r-line.svg"} {
				u := strings.Replace(href, "dsfr/dsfr.min.css", src, 1)
				if resp := b.get(u); resp.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", u, resp.StatusCode)
				}
			}
			if resp := b.get(strings.Replace(href, "dsfr/dsfr.min.css", "update.sh", 1)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("update.sh served: status %d", resp.StatusCode)
			}
		})

		t.Run("an unknown page gets a French 404 page", func(t *testing.T) {
			resp := e.browser(t).get("/nulle-part")
			checkStatus(t, resp, http.StatusNotFound)
			doc := parse(t, resp)
			if got := text(doc.Find("h1")); got != "Page non trouvée" {
				t.Fatalf("h1 %q", got)
			}
		})

		t.Run("an API caller gets errors as JSON", func(t *testing.T) {
			b := e.browser(t)
			b.header.Set("Accept", "application/json")
			resp := b.get("/nulle-part")
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNotFound || body.Error.Code != "ENOTFOUND" || body.Error.Message == "" {
				t.Fatalf("status %d body %+v", resp.StatusCode, body)
			}
		})

		t.Run("a body over the limit is refused with a French page giving the limit", func(t *testing.T) {
			// fasthttp enforces the limit before Fiber, so this needs a real
			// connection (app.Test only returns the error).
			// Only the headers are sent: the server must refuse on the
			// announced length, without reading (or waiting for) the body.
			base := newEnv(t, db, cfg, nil).listen(t)
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /connexion HTTP/1.1\r\nHost: guichet\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", 3<<20)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413", resp.StatusCode)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no CSP on the 413 page")
			}
			doc := parse(t, resp)
			if got := text(doc.Find("#message-erreur")); !strings.Contains(got, "1 Mo") {
				t.Fatalf("message %q does not give the limit", got)
			}
		})

		t.Run("the language switch turns the interface to English and back", func(t *testing.T) {
			b := e.browser(t)
			resp := b.get("/langue/en?suite=%2Fconnexion")
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion" || b.cookies["lang"] != "en" {
				t.Fatalf("status %d location %q lang %q", resp.StatusCode, resp.Header.Get("Location"), b.cookies["lang"])
			}
			doc := parse(t, b.get("/connexion"))
			if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
				t.Fatalf("html lang %q", lang)
			}
			if got := text(doc.Find("h1")); got != "Sign in" {
				t.Fatalf("h1 %q", got)
			}
			b.get("/langue/fr")
			if got := text(parse(t, b.get("/connexion")).Find("h1")); got != "Connexion" {
				t.Fatalf("back to French: h1 %q", got)
			}
		})
	})
}

func TestOperations(t *testing.T) {
	db := storetest.SQLite(t)

	t.Run("healthz answers ok", func(t *testing.T) {
		e := newEnv(t, db, testConfig(), nil)
		resp := e.browser(t).get("/healthz")
		if body := readBody(t, resp); resp.StatusCode != http.StatusOK || body != "ok" {
			t.Fatalf("status %d body %q", resp.StatusCode, body)
		}
	})

	unreachable, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer unreachable.Close()
	for _, tc := range []struct {
		name string
		tc   client.Client
	}{
		{"readyz is unavailable without a Temporal client", nil},
		{"readyz is unavailable when Temporal does not answer", unreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, db, testConfig(), tc.tc)
			resp := e.browser(t).get("/readyz")
			var r map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusServiceUnavailable || r["database"] != "ok" || r["temporal"] != "err" {
				t.Fatalf("status %d body %v", resp.StatusCode, r)
			}
		})
	}

	t.Run("readyz reports a closed database", func(t *testing.T) {
		closed := storetest.SQLite(t)
		e := newEnv(t, closed, testConfig(), nil)
		closed.Close()
		resp := e.browser(t).get("/readyz")
		var r map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || r["database"] != "err" {
			t.Fatalf("status %d body %v", resp.StatusCode, r)
		}
	})

	t.Run("metrics expose the HTTP requests by route, method and status", func(t *testing.T) {
		e := newEnv(t, db, testConfig(), nil)
		b := e.browser(t)
		b.get("/connexion")
		b.get("/nulle-part/123")
		body := readBody(t, b.get("/metrics"))
		for _, want := range []string{
			`guichet_http_requests_total{method="GET",route="/connexion",status="200"} 1`,
			`guichet_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
			`guichet_http_request_duration_seconds_bucket{method="GET",route="/connexion",le="+Inf"} 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(body, "/nulle-part/123") {
			t.Error("a raw path became a metric label")
		}
	})
}
