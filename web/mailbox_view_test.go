package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
)

func TestMailboxMessageView(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := testConfig()
		cfg.Web.DevTools = true
		e := newEnv(t, db, cfg, nil)
		e.person("agent.creteil")
		e.person("superviseur.creteil", store.RoleSupervisor)
		outbox := mail.NewOutbox(db, config.Mail{From: "Guichet Créteil <guichet@ac-creteil.fr>"}, "")
		if _, err := outbox.Queue(ctx, mail.Message{
			DedupeKey: "I260416_0213:3:reply", TicketNumber: "I260416_0213",
			To:      []string{"Agnès Dupont <agnes.dupont@ac-creteil.fr>"},
			Subject: "[Guichet] Incident I260416_0213 — réponse du support",
			Text:    "Bonjour Agnès,\n\nVoici la réponse.",
			HTML:    `<p>Bonjour <b>Agnès</b>,</p><script>parent.document.title="pwned"</script><img src="https://tracker.example/x.png" onerror="alert(1)"><a href="javascript:alert(1)">lien</a>`,
			ReplyTo: "ticket+I260416_0213.abcdefabcdefabcd@reponse.ac-creteil.fr",
		}); err != nil {
			t.Fatal(err)
		}
		ms, err := db.ListMailsForTicket(ctx, "I260416_0213")
		if err != nil || len(ms) != 1 {
			t.Fatalf("mails %v %v", ms, err)
		}
		show := fmt.Sprintf("/outils/boite-mail/%d", ms[0].ID)

		t.Run("the message view lists the decoded headers and both parts", func(t *testing.T) {
			b := e.signedIn(t, "superviseur.creteil")
			doc := parse(t, b.get(show))
			headers := map[string]string{}
			doc.Find("#mail-headers tbody tr").Each(func(_ int, r *goquery.Selection) {
				headers[text(r.Find("th"))] = text(r.Find("td"))
			})
			for k, want := range map[string]string{
				"Subject":        "[Guichet] Incident I260416_0213 — réponse du support",
				"Reply-To":       "<ticket+I260416_0213.abcdefabcdefabcd@reponse.ac-creteil.fr>",
				"Auto-Submitted": "auto-generated",
				"Message-Id":     "<" + ms[0].MessageID + ">",
			} {
				if got := headers[k]; got != want {
					t.Errorf("header %s = %q, want %q (all: %v)", k, got, want, headers)
				}
			}
			if got := text(doc.Find("#mail-text")); got != "Bonjour Agnès, Voici la réponse." {
				t.Errorf("text %q", got)
			}
			frame := doc.Find("iframe#mail-html-preview")
			if sb, ok := frame.Attr("sandbox"); !ok || sb != "" {
				t.Errorf("preview frame sandbox = %q, %v", sb, ok)
			}
			if src, _ := frame.Attr("src"); src != show+"/apercu" {
				t.Errorf("preview src %q", src)
			}
			if !strings.Contains(doc.Find("#mail-html").Text(), "<script>") {
				t.Error("the HTML source is not shown escaped")
			}
			if n := doc.Find("main script, main img").Length(); n != 0 {
				t.Errorf("%d script/img elements rendered in the page", n)
			}
		})

		t.Run("the HTML preview is sanitized and served in a CSP sandbox", func(t *testing.T) {
			b := e.signedIn(t, "superviseur.creteil")
			resp := b.get(show + "/apercu")
			checkStatus(t, resp, http.StatusOK)
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("CSP %q", csp)
			}
			if got := resp.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
				t.Errorf("X-Frame-Options %q", got)
			}
			doc := parse(t, resp)
			if got := text(doc.Find("b")); got != "Agnès" {
				t.Errorf("kept markup %q", got)
			}
			if n := doc.Find("script").Length(); n != 0 {
				t.Error("a script survived sanitizing")
			}
			if _, ok := doc.Find("img").Attr("onerror"); ok {
				t.Error("an event handler survived sanitizing")
			}
			if href, ok := doc.Find("a").Attr("href"); ok && strings.HasPrefix(href, "javascript:") {
				t.Error("a javascript: link survived sanitizing")
			}
		})

		t.Run("the mailbox JSON lists the mails with headers and parts in dev mode", func(t *testing.T) {
			b := e.signedIn(t, "superviseur.creteil")
			resp := b.get("/dev/mailbox.json?ticket=I260416_0213")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var got struct {
				Mails []struct {
					ID        int64             `json:"id"`
					To        string            `json:"to"`
					MessageID string            `json:"message_id"`
					State     string            `json:"state"`
					Headers   map[string]string `json:"headers"`
					Text      string            `json:"text"`
					HTML      string            `json:"html"`
				} `json:"mails"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if len(got.Mails) != 1 {
				t.Fatalf("%d mails", len(got.Mails))
			}
			m := got.Mails[0]
			if m.To != "agnes.dupont@ac-creteil.fr" || m.State != "pending" || m.Text != "Bonjour Agnès,\n\nVoici la réponse." ||
				!strings.Contains(m.HTML, "<b>Agnès</b>") || m.Headers["In-Reply-To"] != "<ticket-I260416_0213@ac-creteil.fr>" {
				t.Errorf("mail %+v", m)
			}
		})

		t.Run("a requester may not read the mailbox JSON", func(t *testing.T) {
			b := e.signedIn(t, "agent.creteil")
			if resp := b.get("/dev/mailbox.json"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", resp.StatusCode)
			}
		})

		t.Run("without dev tools, or with an SMTP relay, the JSON does not exist", func(t *testing.T) {
			for _, cfg := range []func(*config.Config){
				func(c *config.Config) { c.Web.DevTools = false },
				func(c *config.Config) { c.Mail.SMTPHost = "smtp.ac-creteil.fr" },
			} {
				c := testConfig()
				c.Web.DevTools = true
				cfg(&c)
				b := newEnv(t, db, c, nil).browser(t)
				b.signIn("superviseur.creteil")
				if resp := b.get("/dev/mailbox.json"); resp.StatusCode != http.StatusNotFound {
					t.Errorf("status %d, want 404", resp.StatusCode)
				}
			}
		})
	})
}
