package web_test

// Finishing touches without Temporal: knowledge-base suggestions on the
// new-incident form, the language of mails on Mon compte, the side menu
// of supervisors and the layout's markup.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/store/storetest"
)

func TestNewIncidentFormSuggestsArticlesWhileTyping(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newKBWorld(t, db)
		agent := w.e.signedIn(t, "agent")
		article := &store.Article{AcademyCode: "creteil", Title: "Dégager un bourrage d'imprimante",
			Body: "Ouvrez le capot et retirez la feuille coincée.", Published: true,
			CategoryID: &w.category.ID, CategoryPath: w.category.Path}
		if err := db.CreateArticle(ctx, article); err != nil {
			t.Fatal(err)
		}
		draft := &store.Article{AcademyCode: "creteil", Title: "Bourrage : notes internes", Body: "Brouillon.", Published: false}
		if err := db.CreateArticle(ctx, draft); err != nil {
			t.Fatal(err)
		}
		rouen := &store.Category{AcademyCode: "rouen", Name: "Imprimante"}
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: "rouen", Name: "Académie de Rouen"}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCategoryUnaudited(ctx, rouen); err != nil {
			t.Fatal(err)
		}
		// The suggestions carry the form's marker (kb_self_solved.go).
		href := "/base-de-connaissances/" + strconv.FormatInt(article.ID, 10) + "?depuis=saisie"

		t.Run("the form asks for suggestions as the subject and description change, into a live region", func(t *testing.T) {
			doc := agent.page("/incidents/nouveau", http.StatusOK)
			region := doc.Find("#form-incident #suggestions-kb")
			if region.Length() != 1 {
				t.Fatal("no suggestions region in the form")
			}
			for attr, want := range map[string]string{
				"hx-get": "/base-de-connaissances/suggestions", "aria-live": "polite",
				"hx-include": "#description, #categorie", "hx-swap": "innerHTML",
			} {
				if got := region.AttrOr(attr, ""); got != want {
					t.Errorf("%s = %q, want %q", attr, got, want)
				}
			}
			trigger := region.AttrOr("hx-trigger", "")
			for _, part := range []string{"keyup changed delay:", "from:#description", "change from:#categorie"} {
				if !strings.Contains(trigger, part) {
					t.Errorf("hx-trigger %q lacks %q", trigger, part)
				}
			}
			if strings.TrimSpace(region.Text()) != "" {
				t.Error("the region is not empty before typing (the page without script shows nothing)")
			}
			doc.Find("script").Each(func(_ int, s *goquery.Selection) {
				if _, ok := s.Attr("src"); !ok {
					t.Errorf("inline script: %q", s.Text())
				}
			})
			for _, sel := range []string{"#description", "#categorie"} {
				if doc.Find("#form-incident "+sel).Length() != 1 {
					t.Errorf("the included field %s is not in the form", sel)
				}
			}
		})

		tests := []struct {
			name  string
			query url.Values
			want  []string // article links
		}{
			{"a description being typed brings the published article, never a draft",
				url.Values{"description": {"Encore un bourrage sur l'imprim"}, "categorie": {""}}, []string{href}},
			{"the subject alone brings the articles of that subject",
				url.Values{"description": {""}, "categorie": {strconv.FormatInt(w.category.ID, 10)}}, []string{href}},
			{"a subject of another académie adds nothing",
				url.Values{"description": {""}, "categorie": {strconv.FormatInt(rouen.ID, 10)}}, nil},
			{"an unrelated text brings nothing",
				url.Values{"description": {"Mot de passe de messagerie oublié"}, "categorie": {"abc"}}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				doc := expectStatus(t, agent.get("/base-de-connaissances/suggestions?"+tt.query.Encode()), http.StatusOK)
				var got []string
				doc.Find("#suggestions-articles a").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("href", "")) })
				if strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("suggested %v, want %v", got, tt.want)
				}
			})
		}
	})
}

func TestMonCompteChoosesTheLanguageOfMails(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, testConfig(), nil)
		p := e.person("agent", store.RoleRequester)
		b := e.signedIn(t, "agent")

		t.Run("the page offers Français and English, French by default, behind CSRF", func(t *testing.T) {
			doc := parse(t, b.get("/compte"))
			form := doc.Find("#form-langue")
			if form.AttrOr("action", "") != "/compte/langue" || form.AttrOr("method", "") != "post" ||
				form.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
				t.Fatal("no CSRF-protected language form")
			}
			if doc.Find(`#langue-fr[checked]`).Length() != 1 || doc.Find(`#langue-en[checked]`).Length() != 0 {
				t.Error("French is not the default")
			}
			if text(doc.Find(`label[for="langue-fr"]`)) != "Français" || text(doc.Find(`label[for="langue-en"]`)) != "English" {
				t.Error("labels")
			}
		})
		t.Run("a form without the CSRF token changes nothing", func(t *testing.T) {
			resp := b.do(http.MethodPost, "/compte/langue", url.Values{"langue": {"en"}})
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			if l, _ := db.PersonLang(ctx, p.ID); l != store.LangFrench {
				t.Errorf("language %q", l)
			}
		})
		tests := []struct {
			name, value string
			status      int
			want        string
		}{
			{"choosing English is saved and shown", "en", http.StatusSeeOther, store.LangEnglish},
			{"an unknown language is refused with a message", "de", http.StatusUnprocessableEntity, store.LangEnglish},
			{"choosing Français again is saved", "fr", http.StatusSeeOther, store.LangFrench},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := b.postForm("/compte", "/compte/langue", url.Values{"langue": {tt.value}})
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, readBody(t, resp))
				}
				if l, _ := db.PersonLang(ctx, p.ID); l != tt.want {
					t.Errorf("language %q, want %q", l, tt.want)
				}
				var doc *goquery.Document
				if tt.status == http.StatusSeeOther {
					resp.Body.Close()
					loc := resp.Header.Get("Location")
					doc = parse(t, b.get(strings.SplitN(loc, "#", 2)[0]))
					if !strings.Contains(text(doc.Find("#contenu")), "La langue de vos courriels est enregistrée.") {
						t.Error("no confirmation")
					}
				} else {
					doc = parse(t, resp)
					if got := text(doc.Find("#langue-erreur")); got != "Choisissez Français ou English." {
						t.Errorf("message %q", got)
					}
				}
				if doc.Find("#langue-"+tt.want+"[checked]").Length() != 1 {
					t.Errorf("the page does not show %s chosen", tt.want)
				}
			})
		}
	})
}

func TestLayoutMarkupFollowsTheDSFR(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), testConfig(), nil)
	e.person("superviseur", store.RoleSupervisor)
	b := e.signedIn(t, "superviseur")
	for _, path := range []string{"/", "/pilotage", "/pilotage/categories"} {
		t.Run("page "+path+" has a labelled menu dialog, unique ids and Pilotage once in the side menu", func(t *testing.T) {
			doc := expectStatus(t, b.get(path), http.StatusOK)
			modal := doc.Find("#menu-modal")
			if modal.AttrOr("role", "") != "dialog" || modal.AttrOr("aria-labelledby", "") != "menu-button" {
				t.Errorf("#menu-modal role %q labelledby %q", modal.AttrOr("role", ""), modal.AttrOr("aria-labelledby", ""))
			}
			assertUniqueIDs(t, doc)
			if n := doc.Find(`#menu a[href^="/pilotage"]`).Length(); n != 1 {
				t.Errorf("%d pilotage entries in the side menu, want 1", n)
			}
		})
	}
}

// assertUniqueIDs fails for every id used twice in doc.
func assertUniqueIDs(t *testing.T, doc *goquery.Document) {
	t.Helper()
	seen := map[string]int{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) { seen[s.AttrOr("id", "")]++ })
	for id, n := range seen {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
}
