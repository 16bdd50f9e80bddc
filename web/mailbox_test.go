package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestMailbox(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, testConfig(), nil)
		e.person("agent.creteil")
		e.person("superviseur.creteil", store.RoleSupervisor)
		admin := e.person("admin")
		if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("global_admin = ?", true).
			Where("id = ?", admin.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		m := &store.Mail{
			DedupeKey: "I130416_0158/created/agent", TicketNumber: "I130416_0158",
			ToAddr: "claire.martin@ac-creteil.fr", Subject: "Accusé de réception de votre incident I130416_0158",
			TextBody:  "Bonjour,\n\nVotre demande a été enregistrée.",
			HTMLBody:  `<p>Bonjour,</p><script>document.title="pwned"</script><img src=x onerror=alert(1)>`,
			MessageID: "<I130416_0158.1@guichet>",
		}
		if ok, err := db.QueueMail(ctx, m); err != nil || !ok {
			t.Fatalf("queue mail: %v %v", ok, err)
		}
		var id int64
		if err := db.NewSelect().Model((*store.Mail)(nil)).Column("id").Where("dedupe_key = ?", m.DedupeKey).Scan(ctx, &id); err != nil {
			t.Fatal(err)
		}
		show := fmt.Sprintf("/outils/boite-mail/%d", id)

		for _, login := range []string{"superviseur.creteil", "admin"} {
			t.Run("the mailbox lists sent mails for "+login, func(t *testing.T) {
				b := e.signedIn(t, login)
				home := parse(t, b.get("/"))
				if home.Find(`.fr-sidemenu a[href="/outils/boite-mail"]`).Length() != 1 {
					t.Error("the side menu does not offer the mailbox")
				}
				doc := expectStatus(t, b.get("/outils/boite-mail"), http.StatusOK)
				row := doc.Find("#boite-mail tbody tr")
				if row.Length() != 1 {
					t.Fatalf("%d rows, want 1", row.Length())
				}
				if got := text(row.Find("a")); got != m.Subject {
					t.Errorf("subject %q", got)
				}
				if got := text(row.Find("td").Eq(1)); got != m.ToAddr {
					t.Errorf("recipient %q", got)
				}
			})
		}

		t.Run("a mail shows its text and its HTML only as escaped source", func(t *testing.T) {
			b := e.signedIn(t, "superviseur.creteil")
			doc := expectStatus(t, b.get(show), http.StatusOK)
			if got := text(doc.Find("#mail-text")); got != "Bonjour, Votre demande a été enregistrée." {
				t.Errorf("text %q", got)
			}
			if got := doc.Find("#mail-html").Text(); got != m.HTMLBody {
				t.Errorf("HTML source shown as %q", got)
			}
			if n := doc.Find("main script, main img").Length(); n != 0 {
				t.Errorf("the mail's HTML was rendered: %d script/img elements in the page", n)
			}
		})

		t.Run("a requester may not open the mailbox", func(t *testing.T) {
			b := e.signedIn(t, "agent.creteil")
			for _, path := range []string{"/outils/boite-mail", show} {
				resp := b.get(path)
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("%s: status %d, want 403", path, resp.StatusCode)
				}
				if got := text(parse(t, resp).Find("h1")); got != "Accès refusé" {
					t.Errorf("%s: h1 %q", path, got)
				}
			}
		})

		t.Run("an unknown mail is a 404", func(t *testing.T) {
			b := e.signedIn(t, "admin")
			if resp := b.get("/outils/boite-mail/999999"); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})

		t.Run("with an SMTP relay configured the mailbox does not exist", func(t *testing.T) {
			cfg := testConfig()
			cfg.Mail.SMTPHost = "smtp.ac-creteil.fr"
			e2 := newEnv(t, db, cfg, nil)
			b := e2.signedIn(t, "admin")
			if resp := b.get("/outils/boite-mail"); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", resp.StatusCode)
			}
			if strings.Contains(readBody(t, b.get("/")), "/outils/boite-mail") {
				t.Error("the menu still links to the mailbox")
			}
		})
	})
}
