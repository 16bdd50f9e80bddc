package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

// kbWorld is the académie the knowledge base and search tests use.
type kbWorld struct {
	e *env
	// Ticket numbers: a resolved printer ticket of agent, a public ticket of
	// agent with markup in its description, a private one of collegue.
	resolved, markup, private string
	category                  *store.Category
}

func newKBWorld(t *testing.T, db *store.DB) *kbWorld {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t, db, testConfig(), nil)
	w := &kbWorld{e: e}
	people := map[string]*store.Person{}
	for login, role := range map[string]string{
		"agent": store.RoleRequester, "collegue": store.RoleRequester, "tech": store.RoleTechnician,
	} {
		p := e.person(login, role)
		if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("entity = ?", "Collège Jean Moulin").
			Where("id = ?", p.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		people[login] = p
	}
	w.category = categoryPath(t, db, "Matériel", "Imprimante")
	file := func(requester string, private bool, description, solution string) string {
		t.Helper()
		p := people[requester]
		tk := &store.Ticket{AcademyCode: "creteil", RequesterID: p.ID, Entity: "Collège Jean Moulin",
			CategoryID: w.category.ID, CategoryPath: w.category.Path, Urgency: 3, Impact: 3, Priority: 5,
			Private: private, Description: description}
		n, err := db.CreateTicket(ctx, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		status := store.StatusNew
		if solution != "" {
			status = store.StatusResolved
		}
		if _, err := db.ApplyProjection(ctx, n, store.TicketProjection{Seq: 1, Status: status, Urgency: 3, Impact: 3, Priority: 5, Solution: solution},
			[]store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 1, Kind: store.EventCreated, Public: true}}}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	w.resolved = file("agent", false, "L'imprimante du CDI fait des bourrages papier.", "Nettoyage du rouleau d'entraînement.")
	w.markup = file("agent", false, `Le site affiche <script>alert("x")</script> au lieu du scanner.`, "")
	w.private = file("collegue", true, "Message confidentiel : mon compte semble piraté.", "")
	return w
}

func TestKnowledgeBase(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		w := newKBWorld(t, db)
		tech := w.e.signedIn(t, "tech")
		agent := w.e.signedIn(t, "agent")
		var articleURL string

		t.Run("support writes an article and its Markdown is rendered without scripts", func(t *testing.T) {
			resp := tech.postForm("/base-de-connaissances/nouvel-article", "/base-de-connaissances", url.Values{
				"titre":     {"Dégager un bourrage d'imprimante"},
				"categorie": {kbID(w.category.ID)},
				"publie":    {"1"},
				"corps": {"Ouvrez le **capot**.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
					"[piège](javascript:alert(1)) et [aide](https://example.org/aide)"},
			})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
			}
			loc := resp.Header.Get("Location")
			if !strings.HasPrefix(loc, "/base-de-connaissances/") {
				t.Fatalf("location %q", loc)
			}
			articleURL = strings.SplitN(loc, "?", 2)[0]
			doc := tech.page(loc, http.StatusOK)
			body := doc.Find("#article-contenu")
			if text(doc.Find("#article h1")) != "Dégager un bourrage d'imprimante" || body.Find("strong").Text() != "capot" {
				t.Fatalf("article = %q", text(doc.Find("#article")))
			}
			if body.Find("script").Length() != 0 || body.Find("[onerror]").Length() != 0 ||
				body.Find(`a[href^="javascript"]`).Length() != 0 {
				h, _ := body.Html()
				t.Fatalf("unsafe markup kept: %s", h)
			}
			if a := body.Find(`a[href="https://example.org/aide"]`); a.Length() != 1 || !strings.Contains(a.AttrOr("rel", ""), "noreferrer") {
				h, _ := body.Html()
				t.Fatalf("link = %s", h)
			}
			if doc.Find("#article-enregistre").Length() != 1 || doc.Find("#modifier-article").Length() != 1 {
				t.Error("no confirmation or no edit button for support")
			}
		})
		t.Run("a requester reads the article but may not edit it", func(t *testing.T) {
			doc := agent.page(articleURL, http.StatusOK)
			if doc.Find("#modifier-article").Length() != 0 {
				t.Error("edit button shown to a requester")
			}
			if resp := agent.get(articleURL + "/modifier"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("edit form: status %d", resp.StatusCode)
			}
			if resp := agent.get("/base-de-connaissances/nouvel-article"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("new form: status %d", resp.StatusCode)
			}
		})
		t.Run("the list filters by category and searches French-aware", func(t *testing.T) {
			doc := agent.page("/base-de-connaissances?categorie="+url.QueryEscape("Matériel"), http.StatusOK)
			if doc.Find("#articles li").Length() != 1 {
				t.Fatalf("%d articles", doc.Find("#articles li").Length())
			}
			doc = agent.page("/base-de-connaissances?categorie=Logiciel", http.StatusOK)
			if doc.Find("#aucun-article").Length() != 1 {
				t.Error("another category lists the article")
			}
			doc = agent.page("/base-de-connaissances?q=bourrages+capots", http.StatusOK)
			if doc.Find("#articles li").Length() != 1 || doc.Find("#articles mark").Length() == 0 {
				t.Fatalf("search: %q", text(doc.Find("main")))
			}
		})
		t.Run("an invalid form comes back with the messages and the input", func(t *testing.T) {
			resp := tech.postForm("/base-de-connaissances/nouvel-article", "/base-de-connaissances", url.Values{
				"titre": {""}, "corps": {"Texte gardé"}, "categorie": {"999999"},
			})
			doc := expectStatus(t, resp, http.StatusUnprocessableEntity)
			for _, id := range []string{"#titre-error", "#categorie-error"} {
				if doc.Find(id).Length() != 1 {
					t.Errorf("no %s", id)
				}
			}
			if got := doc.Find("#corps").Text(); got != "Texte gardé" {
				t.Errorf("content = %q", got)
			}
		})
		t.Run("a resolved ticket's solution prefills an article", func(t *testing.T) {
			resp := tech.postForm("/base-de-connaissances/nouvel-article", "/base-de-connaissances/depuis-incident",
				url.Values{"incident": {strings.ToLower(w.resolved)}})
			doc := expectStatus(t, resp, http.StatusOK)
			if !strings.Contains(val(doc, "#titre"), "Imprimante") || !strings.Contains(doc.Find("#corps").Text(), "Nettoyage du rouleau") ||
				val(doc, `input[name="incident_source"]`) != w.resolved {
				t.Fatalf("form: titre %q contenu %q", val(doc, "#titre"), doc.Find("#corps").Text())
			}
			if sel := doc.Find("#categorie option[selected]"); sel.AttrOr("value", "") != kbID(w.category.ID) {
				t.Errorf("category %q", sel.AttrOr("value", ""))
			}
			form := url.Values{"titre": {val(doc, "#titre")}, "corps": {doc.Find("#corps").Text()},
				"categorie": {kbID(w.category.ID)}, "publie": {"1"}, "incident_source": {w.resolved}}
			resp = tech.postForm("/base-de-connaissances/nouvel-article", "/base-de-connaissances", form)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save: status %d", resp.StatusCode)
			}
			doc = tech.page(resp.Header.Get("Location"), http.StatusOK)
			if doc.Find(`#article a[href="/incidents/`+w.resolved+`"]`).Length() != 1 {
				t.Error("the article does not link its source ticket")
			}
		})
		t.Run("an unsolved or unknown ticket is refused next to the field", func(t *testing.T) {
			for _, n := range []string{w.markup, "I000101_0001", "n'importe quoi"} {
				resp := tech.postForm("/base-de-connaissances/nouvel-article", "/base-de-connaissances/depuis-incident", url.Values{"incident": {n}})
				doc := expectStatus(t, resp, http.StatusUnprocessableEntity)
				if doc.Find("#incident-error").Length() != 1 {
					t.Errorf("%s: no message", n)
				}
			}
		})
		t.Run("suggestions come as a fragment for the description typed", func(t *testing.T) {
			resp := agent.get("/base-de-connaissances/suggestions?description=" + url.QueryEscape("Encore un bourrage sur l'imprim"))
			doc := expectStatus(t, resp, http.StatusOK)
			if doc.Find("header").Length() != 0 {
				t.Error("the fragment carries the layout")
			}
			if doc.Find("#suggestions-articles a").Length() != 2 {
				t.Fatalf("suggestions: %q", text(doc.Find("body")))
			}
			doc = expectStatus(t, agent.get("/base-de-connaissances/suggestions?q=wifi"), http.StatusOK)
			if doc.Find("#suggestions-articles").Length() != 0 {
				t.Error("suggestions for an unrelated text")
			}
		})
	})
}

func TestSearchPage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		w := newKBWorld(t, db)
		agent := w.e.signedIn(t, "agent")
		collegue := w.e.signedIn(t, "collegue")
		tech := w.e.signedIn(t, "tech")

		t.Run("markup in a ticket comes back escaped in the highlighted excerpt", func(t *testing.T) {
			doc := agent.page("/recherche?q=scanner", http.StatusOK)
			hits := doc.Find("#resultats-incidents li")
			if hits.Length() != 1 || text(hits.Find("h3 a")) != w.markup {
				t.Fatalf("results: %q", text(doc.Find("main")))
			}
			if doc.Find("#resultats-incidents script").Length() != 0 {
				t.Fatal("a script element came through")
			}
			snippet := hits.Find(".guichet-snippet")
			if !strings.Contains(snippet.Text(), "<script>") || strings.ToLower(text(snippet.Find("mark"))) != "scanner" {
				t.Fatalf("snippet %q, marked %q", snippet.Text(), text(snippet.Find("mark")))
			}
		})
		tests := []struct {
			name   string
			who    *browser
			query  string
			wantIn bool
		}{
			{"a colleague's private ticket is never found", agent, "confidentiel", false},
			{"its requester finds it", collegue, "confidentiel", true},
			{"support finds it", tech, "confidentiel", true},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				doc := tc.who.page("/recherche?q="+tc.query, http.StatusOK)
				found := doc.Find(`#resultats-incidents a[href="/incidents/`+w.private+`"]`).Length() == 1
				if found != tc.wantIn {
					t.Fatalf("found = %v: %q", found, text(doc.Find("main")))
				}
			})
		}
		t.Run("a visible ticket's number opens it", func(t *testing.T) {
			resp := agent.get("/recherche?q=" + strings.ToLower(w.resolved))
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents/"+w.resolved {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
		t.Run("a hidden ticket's number opens nothing", func(t *testing.T) {
			doc := agent.page("/recherche?q="+w.private, http.StatusOK)
			if doc.Find(`a[href="/incidents/`+w.private+`"]`).Length() != 0 {
				t.Fatal("the private ticket shows")
			}
		})
		t.Run("results are grouped, and one kind pages on its own", func(t *testing.T) {
			doc := tech.page("/recherche?q=imprimante", http.StatusOK)
			if doc.Find("#resultats-incidents").Length() != 1 || doc.Find("#resultats-articles").Length() != 1 {
				t.Fatal("missing a group")
			}
			doc = tech.page("/recherche?q=imprimante&type=incidents&etat=resolved", http.StatusOK)
			if doc.Find("#resultats-articles").Length() != 0 || doc.Find("#resultats-incidents li").Length() != 1 {
				t.Fatalf("tickets only: %q", text(doc.Find("main")))
			}
			doc = tech.page("/recherche?q=imprimante&type=incidents&etat=waiting", http.StatusOK)
			if doc.Find("#resultats-incidents li").Length() != 0 {
				t.Fatal("the state filter is ignored")
			}
		})
		t.Run("a bad date is reported next to its field", func(t *testing.T) {
			doc := expectStatus(t, tech.get("/recherche?q=imprimante&du=demain"), http.StatusUnprocessableEntity)
			if doc.Find("#du-error").Length() != 1 {
				t.Fatal("no message")
			}
		})
	})
}

// kbID formats an ID for a form.
func kbID(id int64) string { return strconv.FormatInt(id, 10) }
