package web_test

// The technicians' actions through real ticket workflows (newTestStack):
// every workspace action done and refused, and the queue's bulk actions.

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

// addTechnician gives the stack a second technician of Créteil's platform.
func (st *testStack) addTechnician(t *testing.T, login, last, first string) *store.Person {
	t.Helper()
	return st.stack.AddTechnician(t, &store.Person{AcademyCode: "creteil", Login: login, LastName: last, FirstName: first,
		Email: login + "@ac-creteil.fr"})
}

// supportPost sends a workspace action and returns the response.
func supportPost(t *testing.T, b *browser, number, action string, form url.Values) *http.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", b.csrf("/support/incidents/"+number))
	return b.do(http.MethodPost, "/support/incidents/"+number+"/"+action, form)
}

// supportDone checks that an action redirected back to the workspace and
// returns the workspace it leads to.
func supportDone(t *testing.T, b *browser, resp *http.Response, number, action string) *goquery.Document {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		doc := parse(t, resp)
		t.Fatalf("%s: status %d, want 303 (message %q)", action, resp.StatusCode, text(doc.Find(".erreur")))
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc != "/support/incidents/"+number+"?fait="+action+"#chronologie" {
		t.Fatalf("%s: redirected to %q", action, loc)
	}
	doc := parse(t, b.get(strings.TrimSuffix(loc, "#chronologie")))
	if doc.Find("#confirmation").Length() != 1 {
		t.Fatalf("%s: no confirmation", action)
	}
	return doc
}

// supportRefusal checks that an action was refused with message on its
// form and returns the page.
func supportRefusal(t *testing.T, resp *http.Response, action, message string) *goquery.Document {
	t.Helper()
	doc := parse(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%s: status %d, want 422", action, resp.StatusCode)
	}
	got := text(doc.Find("#form-" + action + " .erreur"))
	if got == "" {
		got = text(doc.Find("#erreur-action"))
	}
	if got != message {
		t.Fatalf("%s: message %q, want %q", action, got, message)
	}
	return doc
}

func TestSupportActionsThroughWorkflow(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	tech := st.signedIn(t, "tech")
	number := st.submit(t, "agent", ticketOpts{description: "L'écran reste noir.\nDepuis ce matin."})
	other := st.submit(t, "collegue", ticketOpts{})
	techID := st.people["tech"].ID

	t.Run("picking up from the workspace assigns the ticket to me", func(t *testing.T) {
		doc := supportDone(t, tech, supportPost(t, tech, number, "prendre", nil), number, "prendre")
		tk, _ := st.db.GetTicket(ctx, number)
		if tk.Status != store.StatusInProgress || tk.TechnicianID == nil || *tk.TechnicianID != techID {
			t.Fatalf("ticket %+v", tk)
		}
		if text(doc.Find("#confirmation")) != "Vous avez pris ce ticket en charge." || doc.Find(".evenement--picked_up").Length() != 1 {
			t.Fatalf("page: %q", text(doc.Find("#confirmation")))
		}
	})
	t.Run("picking up again is refused with the workflow's message", func(t *testing.T) {
		supportRefusal(t, supportPost(t, tech, number, "prendre", nil), "prendre", "Vous avez déjà pris ce ticket en charge.")
	})
	t.Run("requalifying without a reason is refused, the choices kept", func(t *testing.T) {
		doc := supportRefusal(t, supportPost(t, tech, number, "requalifier", url.Values{"urgence": {"1"}, "impact": {"2"}}),
			"requalifier", "Indiquez le motif de la requalification.")
		if doc.Find("#requalifier-urgence option[selected]").AttrOr("value", "") != "1" ||
			doc.Find("#requalifier-impact option[selected]").AttrOr("value", "") != "2" {
			t.Fatal("levels not kept")
		}
	})
	t.Run("requalifying with a reason changes urgency, impact and priority", func(t *testing.T) {
		doc := supportDone(t, tech, supportPost(t, tech, number, "requalifier",
			url.Values{"urgence": {"1"}, "impact": {"2"}, "motif": {"Poste de la direction"}}), number, "requalifier")
		tk, _ := st.db.GetTicket(ctx, number)
		if tk.Urgency != 1 || tk.Impact != 2 || tk.Priority != 2 {
			t.Fatalf("levels %d/%d P%d", tk.Urgency, tk.Impact, tk.Priority)
		}
		ev := text(doc.Find(".evenement--urgency_changed"))
		if !strings.Contains(ev, "Urgence : 3 - Faible → 1 - Haute") || !strings.Contains(ev, "Poste de la direction") {
			t.Fatalf("event: %q", ev)
		}
	})
	t.Run("an empty reply is refused", func(t *testing.T) {
		supportRefusal(t, supportPost(t, tech, number, "repondre", url.Values{"texte": {"  "}}), "repondre", "La réponse est vide.")
	})
	t.Run("a public reply with a document is in the timeline with its document", func(t *testing.T) {
		resp := tech.postMultipart("/support/incidents/"+number+"/repondre",
			url.Values{"_csrf": {tech.csrf("/support/incidents/" + number)}, "texte": {"Pouvez-vous redémarrer ?"}},
			testFile{"documents", "procedure.txt", []byte("1. redémarrer")})
		doc := supportDone(t, tech, resp, number, "repondre")
		reply := doc.Find(".evenement--reply")
		if reply.HasClass("evenement--interne") || !strings.Contains(text(reply), "Pouvez-vous redémarrer ?") {
			t.Fatalf("reply: %q", text(reply))
		}
		href := reply.Find("a").AttrOr("href", "")
		if text(reply.Find("a")) != "procedure.txt" || readBody(t, tech.get(href)) != "1. redémarrer" {
			t.Fatalf("document link %q", href)
		}
	})
	t.Run("an internal note is recorded as internal", func(t *testing.T) {
		doc := supportDone(t, tech, supportPost(t, tech, number, "noter", url.Values{"texte": {"Voir le switch du 2e."}}), number, "noter")
		note := doc.Find(".evenement--note")
		if !note.HasClass("evenement--interne") || !strings.Contains(text(note), "Voir le switch du 2e.") {
			t.Fatalf("note: %q", text(note))
		}
		evs, _ := st.db.Timeline(ctx, number, false)
		for _, e := range evs {
			if e.Kind == workflows.EventNote {
				t.Fatal("the note is public")
			}
		}
	})
	t.Run("asking a question puts the ticket in waiting", func(t *testing.T) {
		doc := supportDone(t, tech, supportPost(t, tech, number, "questionner",
			url.Values{"question": {"Quel est le modèle de l'écran ?"}}), number, "questionner")
		if text(doc.Find("#statut")) != "En attente d'information" {
			t.Fatalf("status %q", text(doc.Find("#statut")))
		}
	})
	t.Run("resolving while waiting is refused and the solution kept", func(t *testing.T) {
		doc := supportRefusal(t, supportPost(t, tech, number, "resoudre", url.Values{"solution": {"Câble changé."}, "article_q": {"câble"}}),
			"resoudre", "Action impossible : le ticket est « En attente d'information ».")
		if text(doc.Find("#resoudre-solution")) != "Câble changé." || doc.Find("#resoudre-article-recherche").AttrOr("value", "") != "câble" {
			t.Fatal("typed values lost")
		}
	})
	st.update(t, number, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: st.actor("agent"), Body: "Un Dell P2419H."})
	t.Run("assigning back to the group's queue leaves it without technician", func(t *testing.T) {
		supportDone(t, tech, supportPost(t, tech, number, "affecter",
			url.Values{"groupe": {strconv.FormatInt(st.group, 10)}, "technicien": {""}, "motif": {"Pour le niveau 1"}}), number, "affecter")
		tk, _ := st.db.GetTicket(ctx, number)
		if tk.TechnicianID != nil {
			t.Fatalf("technician %d", *tk.TechnicianID)
		}
	})
	t.Run("assigning to a person gives it to them", func(t *testing.T) {
		supportDone(t, tech, supportPost(t, tech, number, "affecter",
			url.Values{"technicien": {strconv.FormatInt(techID, 10)}}), number, "affecter")
		tk, _ := st.db.GetTicket(ctx, number)
		if tk.TechnicianID == nil || *tk.TechnicianID != techID {
			t.Fatal("not assigned")
		}
	})
	t.Run("marking a duplicate of an unknown ticket is refused", func(t *testing.T) {
		supportRefusal(t, supportPost(t, tech, number, "doublon", url.Values{"numero": {"I000101_0001"}}),
			"doublon", "Le ticket I000101_0001 n'existe pas.")
	})
	t.Run("resolving with a solution and an article resolves the ticket", func(t *testing.T) {
		article := &store.Article{AcademyCode: "creteil", Title: "Remplacer un câble vidéo", Body: "Débranchez…", Published: true}
		if err := st.db.CreateArticle(ctx, article); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(article.ID, 10)
		doc := supportDone(t, tech, supportPost(t, tech, number, "resoudre",
			url.Values{"solution": {"Câble vidéo remplacé."}, "article": {id}}), number, "resoudre")
		tk, _ := st.db.GetTicket(ctx, number)
		if tk.Status != store.StatusResolved || tk.Solution != "Câble vidéo remplacé." {
			t.Fatalf("ticket %s %q", tk.Status, tk.Solution)
		}
		if !strings.Contains(text(doc.Find(".evenement--resolved")), "Article de la base de connaissances n° "+id) {
			t.Fatalf("event: %q", text(doc.Find(".evenement--resolved")))
		}
	})
	t.Run("marking another ticket a duplicate of an open one closes it", func(t *testing.T) {
		supportDone(t, tech, supportPost(t, tech, other, "doublon", url.Values{"numero": {strings.ToLower(number)}, "motif": {"Même écran"}}), other, "doublon")
		tk, _ := st.db.GetTicket(ctx, other)
		if tk.Status != store.StatusClosed || tk.DuplicateOf != number {
			t.Fatalf("ticket %s duplicate of %q", tk.Status, tk.DuplicateOf)
		}
	})
	t.Run("an action on a closed ticket says it is closed", func(t *testing.T) {
		supportRefusal(t, supportPost(t, tech, other, "noter", url.Values{"texte": {"Encore ?"}}),
			"noter", "Ce ticket est clôturé : il n'accepte plus aucune action.")
	})
}

func TestSupportBulkThroughWorkflow(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	tech2 := st.addTechnician(t, "tech2", "DUBOIS", "Léa")
	first := st.submit(t, "agent", ticketOpts{})
	second := st.submit(t, "collegue", ticketOpts{})
	st.update(t, second, workflows.UpdatePickUp, workflows.PickUpInput{Actor: workflows.Actor{
		PersonID: tech2.ID, Roles: []string{workflows.RoleTechnician}}})
	tech := st.signedIn(t, "tech")
	tok := tech.csrf("/support/file")

	t.Run("a bulk pick-up reports each ticket: done, or refused with the reason", func(t *testing.T) {
		resp := tech.do(http.MethodPost, "/support/file", url.Values{"_csrf": {tok}, "action": {"prendre"}, "numero": {first, second}})
		doc := parse(t, resp)
		checkStatus(t, resp, http.StatusOK)
		results := map[string]string{}
		doc.Find("#resultats .resultat").Each(func(_ int, s *goquery.Selection) {
			results[s.AttrOr("data-numero", "")] = text(s)
		})
		if results[first] != first+" : Pris en charge" {
			t.Errorf("first: %q", results[first])
		}
		if results[second] != second+" : Ce ticket est déjà pris en charge par un autre technicien." {
			t.Errorf("second: %q", results[second])
		}
		tk, _ := st.db.GetTicket(ctx, first)
		if tk.TechnicianID == nil || *tk.TechnicianID != st.people["tech"].ID {
			t.Fatal("first not picked up")
		}
		if text(doc.Find("#ticket-"+first+" .technicien")) != "ROBERT, Marc" {
			t.Fatalf("row of first: %q", text(doc.Find("#ticket-"+first)))
		}
	})
	t.Run("a bulk assignment gives the tickets to the chosen technician", func(t *testing.T) {
		resp := tech.do(http.MethodPost, "/support/file", url.Values{"_csrf": {tok}, "action": {"affecter"},
			"numero": {first}, "technicien": {strconv.FormatInt(tech2.ID, 10)}})
		doc := parse(t, resp)
		if got := text(doc.Find("#resultats .resultat")); got != first+" : Affecté" {
			t.Fatalf("result %q", got)
		}
		tk, _ := st.db.GetTicket(ctx, first)
		if tk.TechnicianID == nil || *tk.TechnicianID != tech2.ID {
			t.Fatal("not assigned")
		}
	})
	t.Run("Mes tickets of the other technician now lists both", func(t *testing.T) {
		b := st.signedIn(t, "tech2")
		got := supportRows(parse(t, b.get("/support/mes-tickets")))
		if len(got) != 2 {
			t.Fatalf("rows %v", got)
		}
	})
}
