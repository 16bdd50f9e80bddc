package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestProblemsSolvedWithoutATicket(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newKBWorld(t, db)
		w.e.person("superviseur", store.RoleRequester, store.RoleSupervisor)
		article := func(title, body string) int64 {
			t.Helper()
			a := &store.Article{AcademyCode: "creteil", Title: title, Body: body, Published: true,
				CategoryID: &w.category.ID, CategoryPath: w.category.Path}
			if err := db.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		jam := article("Dégager un bourrage papier", "Ouvrez le capot de l'imprimante et retirez la feuille.")
		toner := article("Changer le toner de l'imprimante", "Le toner se remplace sans outil.")
		without := func(t *testing.T, id int64) int {
			t.Helper()
			c, err := db.ArticleSolvedCounts(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.WithoutTicket
		}
		agent := w.e.signedIn(t, "agent")
		jamURL := "/base-de-connaissances/" + kbID(jam)

		t.Run("the suggestions of the form link to the articles with the form's marker", func(t *testing.T) {
			doc := expectStatus(t, agent.get("/base-de-connaissances/suggestions?description="+url.QueryEscape("bourrage papier")), http.StatusOK)
			href, _ := doc.Find(`#suggestions-articles a`).First().Attr("href")
			if href != jamURL+"?depuis=saisie" {
				t.Errorf("suggestion link %q, want %q", href, jamURL+"?depuis=saisie")
			}
		})

		t.Run("an article opened from the form offers to say it solved the problem, with a CSRF token", func(t *testing.T) {
			doc := agent.page(jamURL+"?depuis=saisie", http.StatusOK)
			form := doc.Find(`#resolu-sans-ticket form`)
			if action, _ := form.Attr("action"); action != jamURL+"/resolu" || form.AttrOr("method", "") != "post" {
				t.Errorf("form action %q method %q", action, form.AttrOr("method", ""))
			}
			if tok := form.Find(`input[name="_csrf"]`).AttrOr("value", ""); tok == "" {
				t.Error("no CSRF token in the form")
			}
			if got := text(form.Find(`button#article-resolu`)); got != "Cet article a résolu mon problème" {
				t.Errorf("button %q", got)
			}
			if doc.Find("#article-compteurs").Length() != 0 {
				t.Error("a requester sees the counters")
			}
		})

		t.Run("an article opened otherwise does not offer it", func(t *testing.T) {
			if agent.page(jamURL, http.StatusOK).Find("#article-resolu").Length() != 0 {
				t.Error("the call to action is shown outside the form's suggestions")
			}
		})

		t.Run("a forged click without the token is refused and counts nothing", func(t *testing.T) {
			if resp := agent.do(http.MethodPost, jamURL+"/resolu", url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			if n := without(t, jam); n != 0 {
				t.Errorf("count %d", n)
			}
		})

		t.Run("the click counts once and the home page confirms no ticket was created", func(t *testing.T) {
			for i := range 2 {
				resp := agent.postForm(jamURL+"?depuis=saisie", jamURL+"/resolu", url.Values{})
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?sans-ticket=1" {
					t.Fatalf("click %d: status %d location %q", i+1, resp.StatusCode, resp.Header.Get("Location"))
				}
				if n := without(t, jam); n != 1 {
					t.Errorf("click %d: count %d, want 1", i+1, n)
				}
			}
			doc := agent.page("/?sans-ticket=1", http.StatusOK)
			if got := text(doc.Find("#resolu-sans-ticket")); got != "Tant mieux ! Aucun ticket n'a été créé." {
				t.Errorf("confirmation %q", got)
			}
			if agent.page("/", http.StatusOK).Find("#resolu-sans-ticket").Length() != 0 {
				t.Error("confirmation on the plain home page")
			}
		})

		t.Run("the form's Annuler posts, with a token, to the cancellation", func(t *testing.T) {
			doc := agent.page("/incidents/nouveau", http.StatusOK)
			cancel := doc.Find("#annuler")
			if target := cancel.AttrOr("form", ""); target != "form-abandon" || cancel.AttrOr("accesskey", "") != "o" ||
				!strings.HasPrefix(text(cancel), "Annuler") {
				t.Errorf("Annuler = form %q accesskey %q text %q", cancel.AttrOr("form", ""), cancel.AttrOr("accesskey", ""), text(cancel))
			}
			f := doc.Find("form#form-abandon")
			if f.AttrOr("action", "") != "/incidents/nouveau/abandon" || f.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
				t.Errorf("cancellation form: action %q", f.AttrOr("action", ""))
			}
		})

		t.Run("cancelling the form after reading a suggestion counts that suggestion", func(t *testing.T) {
			collegue := w.e.signedIn(t, "collegue")
			collegue.page("/base-de-connaissances/"+kbID(toner)+"?depuis=saisie", http.StatusOK)
			resp := collegue.postForm("/incidents/nouveau", "/incidents/nouveau/abandon", url.Values{})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if n := without(t, toner); n != 1 {
				t.Errorf("count %d, want 1", n)
			}
			collegue.postForm("/incidents/nouveau", "/incidents/nouveau/abandon", url.Values{})
			if n := without(t, toner); n != 1 {
				t.Errorf("a second cancel without reading: count %d, want 1", n)
			}
		})

		t.Run("cancelling without having read a suggestion counts nothing", func(t *testing.T) {
			tech := w.e.signedIn(t, "tech")
			tech.page("/base-de-connaissances/"+kbID(toner), http.StatusOK) // not from the form
			if resp := tech.postForm("/incidents/nouveau", "/incidents/nouveau/abandon", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if n := without(t, toner); n != 1 {
				t.Errorf("count %d, want 1", n)
			}
		})

		t.Run("support sees both counts on the article", func(t *testing.T) {
			if err := db.CountArticleSolved(ctx, jam); err != nil {
				t.Fatal(err)
			}
			doc := w.e.signedIn(t, "tech").page(jamURL, http.StatusOK)
			if got := text(doc.Find("#article-compteurs")); got != "Problèmes résolus avec un ticket : 1 · sans ticket : 1" {
				t.Errorf("counters %q", got)
			}
		})

		t.Run("the supervisor's dashboard shows both counts and the most useful articles", func(t *testing.T) {
			doc := w.e.signedIn(t, "superviseur").page("/pilotage", http.StatusOK)
			if got := text(doc.Find("#kb-totaux")); !strings.Contains(got, "1 problème(s) avec un ticket et 2 sans ticket") {
				t.Errorf("totals %q", got)
			}
			rows := doc.Find("#base-connaissances-resolus tr.kb-article-resolu")
			if rows.Length() != 2 || text(rows.First().Find("td").First()) != "Dégager un bourrage papier" ||
				text(rows.First().Find("td").Eq(1)) != "1" || text(rows.First().Find("td").Eq(2)) != "1" {
				t.Errorf("rows %q", text(rows))
			}
		})
	})
}
