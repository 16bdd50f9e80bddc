package web_test

// Resolving from the ticket workspace with documents and a knowledge-base
// article, through real ticket workflows (newTestStack), and Transformer
// en article on the resolved ticket.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/workflows"
)

func TestResolvingFromTheWorkspaceWithAnArticleAndDocuments(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	tech := st.signedIn(t, "tech")
	number := st.submit(t, "agent", ticketOpts{description: "L'écran reste noir après la mise à jour du pilote."})
	st.update(t, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: st.actor("tech")})

	article := &store.Article{AcademyCode: "creteil", Title: "Écran noir après une mise à jour du pilote",
		Body: "Démarrez en mode sans échec et réinstallez le pilote graphique.", Published: true}
	draft := &store.Article{AcademyCode: "creteil", Title: "Écran noir : brouillon", Body: "À relire.", Published: false}
	rouen := &store.Article{AcademyCode: "rouen", Title: "Écran noir à Rouen", Body: "Propre à Rouen.", Published: true}
	for _, a := range []*store.Article{article, draft, rouen} {
		if err := st.db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	id := strconv.FormatInt(article.ID, 10)
	workspace := "/support/incidents/" + number

	t.Run("the resolve form lists the published articles the requester reads, and takes documents", func(t *testing.T) {
		doc := tech.page(workspace, http.StatusOK)
		form := doc.Find("#form-resoudre")
		if form.AttrOr("enctype", "") != "multipart/form-data" || form.Find(`input[type="file"][name="documents"]`).Length() != 1 {
			t.Fatal("the resolve form takes no documents")
		}
		var values []string
		form.Find("select#resoudre-article option").Each(func(_ int, s *goquery.Selection) { values = append(values, s.AttrOr("value", "")) })
		if strings.Join(values, ",") != ","+id {
			t.Errorf("articles offered %v, want none and %s (no draft, no other académie's)", values, id)
		}
		sel := form.Find("select#resoudre-article")
		if sel.AttrOr("hx-get", "") != workspace+"/resolution/solution" || sel.AttrOr("hx-target", "") != "#resoudre-solution" {
			t.Errorf("the list does not fill the solution: %v", sel.Nodes[0].Attr)
		}
		if s := form.Find("#resoudre-article-recherche"); s.AttrOr("hx-get", "") != workspace+"/resolution/articles" {
			t.Error("no article search")
		}
		if doc.Find("#resoudre-articles").AttrOr("aria-live", "") != "polite" {
			t.Error("the list is not in a live region")
		}
		assertUniqueIDs(t, doc)
	})
	t.Run("searching narrows the list (the htmx fragment)", func(t *testing.T) {
		doc := tech.page(workspace+"/resolution/articles?"+url.Values{"article_q": {"pilote graphique"}}.Encode(), http.StatusOK)
		if doc.Find(`#resoudre-article option[value="`+id+`"]`).Length() != 1 {
			t.Fatalf("search: %q", text(doc.Find("body")))
		}
		doc = tech.page(workspace+"/resolution/articles?"+url.Values{"article_q": {"imprimante"}}.Encode(), http.StatusOK)
		if doc.Find(`#resoudre-article option`).Length() != 1 || doc.Find("#resoudre-articles-aucun").Length() != 1 {
			t.Errorf("a search matching nothing: %q", text(doc.Find("body")))
		}
	})
	t.Run("choosing an article adds its text after the solution typed (the htmx fragment)", func(t *testing.T) {
		doc := tech.page(workspace+"/resolution/solution?"+url.Values{"article": {id}, "solution": {"Vu avec l'agent."}}.Encode(), http.StatusOK)
		got := doc.Find("textarea#resoudre-solution").Text()
		if !strings.HasPrefix(got, "Vu avec l'agent.\n\nÉcran noir après une mise à jour du pilote\n\nDémarrez en mode sans échec") ||
			!strings.HasSuffix(got, "/base-de-connaissances/"+id) {
			t.Errorf("solution %q", got)
		}
	})
	t.Run("without script, Reprendre fills the solution and resolves nothing", func(t *testing.T) {
		resp := tech.postMultipart(workspace+"/resoudre", url.Values{"_csrf": {tech.csrf(workspace)}, "article": {id},
			"solution": {""}, "reprendre": {"1"}})
		doc := expectStatus(t, resp, http.StatusOK)
		if got := doc.Find("#resoudre-solution").Text(); !strings.HasPrefix(got, "Écran noir après une mise à jour du pilote") {
			t.Errorf("solution %q", got)
		}
		if doc.Find(`#resoudre-article option[selected]`).AttrOr("value", "") != id {
			t.Error("the article chosen is lost")
		}
		if tk, _ := st.db.GetTicket(ctx, number); tk.Status != store.StatusInProgress {
			t.Errorf("status %s", tk.Status)
		}
	})
	t.Run("an article the requester cannot read is refused before the workflow", func(t *testing.T) {
		for _, a := range []*store.Article{draft, rouen} {
			supportRefusal(t, supportPost(t, tech, number, "resoudre", url.Values{"solution": {"Fait."}, "article": {strconv.FormatInt(a.ID, 10)}}),
				"resoudre", "Cet article n'existe pas, n'est pas publié ou le demandeur ne peut pas le lire.")
		}
	})
	t.Run("resolving with the article and a document links both", func(t *testing.T) {
		resp := tech.postMultipart(workspace+"/resoudre", url.Values{"_csrf": {tech.csrf(workspace)}, "article": {id},
			"solution": {"Pilote réinstallé en mode sans échec."}},
			testFile{"documents", "procedure.txt", []byte("1. Mode sans échec\n2. Pilote")})
		doc := supportDone(t, tech, resp, number, "resoudre")
		tk, err := st.db.GetTicket(ctx, number)
		if err != nil || tk.Status != store.StatusResolved || tk.Solution != "Pilote réinstallé en mode sans échec." {
			t.Fatalf("ticket %+v, %v", tk, err)
		}
		resolved := doc.Find(".evenement--resolved")
		if resolved.Find(`a[download]`).Length() != 1 || text(resolved.Find("a[download]")) != "procedure.txt" {
			t.Errorf("the resolved event has no document: %q", text(resolved))
		}
		docs, _ := st.db.TicketDocuments(ctx, number)
		var linked bool
		evs, _ := st.db.Timeline(ctx, number, true)
		for _, e := range evs {
			if e.Kind == workflows.EventResolved {
				for _, d := range docs {
					linked = linked || (d.Filename == "procedure.txt" && d.EventSeq == e.Seq)
				}
			}
		}
		if !linked {
			t.Error("the document is not linked to the resolved event")
		}
		if !strings.Contains(text(resolved), "KB"+id) && !strings.Contains(text(resolved), id) {
			t.Errorf("the resolved event does not name the article: %q", text(resolved))
		}
		a, _ := st.db.GetArticle(ctx, article.ID)
		if a.SolvedCount != 1 {
			t.Errorf("the article solved %d tickets, want 1", a.SolvedCount)
		}
	})
	t.Run("the resolved ticket offers Transformer en article, which opens the prefilled article form", func(t *testing.T) {
		doc := tech.page(workspace, http.StatusOK)
		form := doc.Find("#form-transformer-article")
		if form.AttrOr("action", "") != "/base-de-connaissances/depuis-incident" || form.AttrOr("method", "") != "post" ||
			form.Find(`input[name="incident"]`).AttrOr("value", "") != number || form.Find(`input[name="_csrf"]`).Length() != 1 {
			t.Fatal("no Transformer en article form")
		}
		if text(doc.Find("#transformer-article")) != "Transformer en article" {
			t.Errorf("button %q", text(doc.Find("#transformer-article")))
		}
		assertUniqueIDs(t, doc)
		resp := tech.postForm(workspace, "/base-de-connaissances/depuis-incident", url.Values{"incident": {number}})
		kb := expectStatus(t, resp, http.StatusOK)
		if !strings.Contains(kb.Find("textarea").Text(), "Pilote réinstallé en mode sans échec.") {
			t.Errorf("the article form is not filled from the ticket: %q", text(kb.Find("form")))
		}
	})
	t.Run("a requester's workspace view has no Transformer en article", func(t *testing.T) {
		agent := st.signedIn(t, "agent")
		resp := agent.get(workspace)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("a requester opens the support workspace")
		}
	})
}
