package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"guichet/store"
	"guichet/store/storetest"
)

// currentCode is the TOTP code of secret now.
func currentCode(t *testing.T, secret string) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// postPassword posts the sign-in form.
func (b *browser) postPassword(login, password string) *http.Response {
	b.t.Helper()
	return b.postForm("/connexion", "/connexion", url.Values{"login": {login}, "password": {password}})
}

func TestIdentitySignInSecondStep(t *testing.T) {
	db := storetest.SQLite(t)
	cfg := testConfig()
	cfg.Auth.TOTPRequiredRoles = []string{store.RoleTechnician}
	e := newEnv(t, db, cfg, nil)
	e.person("tech.creteil", store.RoleRequester, store.RoleTechnician)
	e.person("agent.creteil", store.RoleRequester)

	t.Run("a requester without a second factor signs in with the password alone", func(t *testing.T) {
		b := e.browser(t)
		resp := b.postPassword("agent.creteil", testPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	var secret string
	t.Run("a technician must enrol with a QR code before the session opens", func(t *testing.T) {
		b := e.browser(t)
		resp := b.postPassword("tech.creteil", testPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion/otp" {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if b.cookies["guichet_session"] != "" {
			t.Fatal("a session opened before the second step")
		}
		doc := parse(t, b.get("/connexion/otp"))
		if src, _ := doc.Find("#enrolement img").Attr("src"); src != "/connexion/otp/qr.png" {
			t.Fatalf("QR image src %q", src)
		}
		if got := text(doc.Find(`label[for="code"]`)); !strings.HasPrefix(got, "Passcode OTP") {
			t.Errorf("code label %q", got)
		}
		secret = text(doc.Find("#secret-otp"))
		qr := b.get("/connexion/otp/qr.png")
		if qr.StatusCode != http.StatusOK || qr.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR: status %d type %q", qr.StatusCode, qr.Header.Get("Content-Type"))
		}

		tok := b.csrf("/connexion/otp")
		resp = b.do(http.MethodPost, "/connexion/otp", url.Values{"_csrf": {tok}, "code": {"000000"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code: status %d", resp.StatusCode)
		}
		if got := text(parse(t, resp).Find("#code-error")); !strings.Contains(got, "Code incorrect") {
			t.Errorf("wrong code message %q", got)
		}
		resp = b.do(http.MethodPost, "/connexion/otp", url.Values{"_csrf": {tok}, "code": {currentCode(t, secret)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("right code: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if b.get("/compte").StatusCode != http.StatusOK {
			t.Fatal("no session after the right code")
		}
	})

	t.Run("once enrolled the technician is asked the code without a QR code", func(t *testing.T) {
		b := e.browser(t)
		if resp := b.postPassword("tech.creteil", testPassword); resp.Header.Get("Location") != "/connexion/otp" {
			t.Fatalf("location %q", resp.Header.Get("Location"))
		}
		doc := parse(t, b.get("/connexion/otp"))
		if doc.Find("#enrolement").Length() != 0 {
			t.Error("the QR code is shown again")
		}
		if resp := b.get("/connexion/otp/qr.png"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("QR of a confirmed secret: status %d", resp.StatusCode)
		}
	})

	t.Run("the second step without a password step goes back to the sign-in page", func(t *testing.T) {
		b := e.browser(t)
		resp := b.get("/connexion/otp")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/connexion") {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestIdentityRateLimit(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, testConfig(), nil)
	e.person("claire.martin")
	b := e.browser(t)
	for i := 0; i < 5; i++ {
		if resp := b.postPassword("claire.martin", "wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
		}
	}
	t.Run("after five failures the right password gets a French message with the wait", func(t *testing.T) {
		resp := b.postPassword("claire.martin", testPassword)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("status %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if got := text(parse(t, resp).Find("#erreur-connexion")); !strings.Contains(got, "Réessayez dans 15 minute(s)") {
			t.Errorf("message %q", got)
		}
	})
}

func TestIdentityAccount(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, testConfig(), nil)
	e.person("claire.martin", store.RoleRequester)

	t.Run("Mon compte enrols a second factor with a QR code", func(t *testing.T) {
		b := e.signedIn(t, "claire.martin")
		doc := parse(t, b.get("/compte"))
		if got := text(doc.Find("h1")); got != "Mon compte" {
			t.Fatalf("h1 %q", got)
		}
		if !strings.Contains(text(doc.Find("#roles")), "Demandeur") {
			t.Errorf("roles %q", text(doc.Find("#roles")))
		}
		tok := b.csrf("/compte")
		if resp := b.do(http.MethodPost, "/compte/otp/commencer", url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("begin: status %d", resp.StatusCode)
		}
		doc = parse(t, b.get("/compte"))
		secret := text(doc.Find("#secret-otp"))
		if resp := b.get("/compte/otp/qr.png"); resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR type %q", resp.Header.Get("Content-Type"))
		}
		resp := b.do(http.MethodPost, "/compte/otp/confirmer", url.Values{"_csrf": {tok}, "code": {currentCode(t, secret)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: status %d", resp.StatusCode)
		}
		doc = parse(t, b.get("/compte?fait=otp-active"))
		if got := text(doc.Find("#etat-otp")); !strings.Contains(got, "est active") {
			t.Errorf("state %q", got)
		}
		if resp := b.do(http.MethodPost, "/compte/otp/supprimer", url.Values{"_csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: status %d", resp.StatusCode)
		}
	})

	t.Run("signing out everywhere ends the other browsers' sessions", func(t *testing.T) {
		one, two := e.browser(t), e.browser(t)
		one.signIn("claire.martin")
		two.signIn("claire.martin")
		resp := one.postForm("/compte", "/compte/deconnexion-partout", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion?partout=1" {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := two.get("/compte"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("other browser: status %d, want a redirect to sign in", resp.StatusCode)
		}
		doc := parse(t, one.get("/connexion?partout=1"))
		if !strings.Contains(text(doc.Find(".fr-alert--success")), "toutes vos sessions") {
			t.Error("no confirmation on the sign-in page")
		}
	})
}

func TestIdentityAdminDirectory(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, testConfig(), nil)
		e.person("admin.creteil", store.RoleRequester, store.RoleAdministrator)
		e.person("agent.creteil", store.RoleRequester)

		t.Run("a requester may not open the directory administration", func(t *testing.T) {
			b := e.signedIn(t, "agent.creteil")
			if resp := b.get("/admin/annuaire"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})

		t.Run("an administrator imports a CSV file and sees the skipped lines", func(t *testing.T) {
			b := e.signedIn(t, "admin.creteil")
			tok := b.csrf("/admin/annuaire")
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("_csrf", tok)
			fw, _ := mw.CreateFormFile("fichier", "agents.csv")
			_, _ = fw.Write([]byte("identifiant;nom;prénom;académie\nlbernard;Lefèvre;Jean-Noël;creteil\n;Sans;Login;creteil\nzautre;Autre;Académie;rouen\n"))
			mw.Close()
			req := httptest.NewRequest(http.MethodPost, "/admin/annuaire/import", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			for k, v := range b.cookies {
				req.AddCookie(&http.Cookie{Name: k, Value: v})
			}
			resp, err := e.srv.App().Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/annuaire?import=") {
				t.Fatalf("status %d location %q: %s", resp.StatusCode, loc, readBody(t, resp))
			}
			doc := parse(t, b.get(loc))
			if got := text(doc.Find("#resultat-compte")); !strings.HasPrefix(got, "1 personne(s) ajoutée(s)") {
				t.Errorf("counts %q", got)
			}
			lines := text(doc.Find("#lignes-ignorees"))
			if !strings.Contains(lines, "ligne 3 : identifiant manquant") || !strings.Contains(lines, "ligne 4 : académie \"rouen\"") {
				t.Errorf("skipped lines %q", lines)
			}
			doc = parse(t, b.get("/admin/annuaire?q=LEFEVRE+jean"))
			if got := text(doc.Find("#personnes")); !strings.Contains(got, "lbernard") {
				t.Errorf("search result %q", got)
			}
		})
	})
}
