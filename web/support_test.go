package web_test

// Handler tests of the technicians' screens without Temporal: the queue,
// Mes tickets, the workspace, académie isolation, and what the actions do
// before (or without) reaching the workflow. Actions through real
// workflows are in support_stack_test.go.

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/store/storetest"
)

// supportEnv is a web env with a Créteil queue: two groups, technicians,
// requesters, tickets in several states, and a technician of Rouen.
type supportEnv struct {
	*env
	agent, tech, tech2, rouenTech *store.Person
	level1, level2, rouenGroup    int64
	screen                        store.Category
	// tickets by label: "new" (P5, due soon), "late" (P3, late), "mine"
	// (in progress, tech), "other" (waiting, tech2, level 2), "closed".
	tickets map[string]string
	rouen   string // a ticket of Rouen
}

func newSupportEnv(t *testing.T, uiURL string) *supportEnv {
	t.Helper()
	cfg := testConfig()
	cfg.Temporal.UIURL = uiURL
	cfg.Temporal.Namespace = "guichet"
	e := &supportEnv{env: newEnv(t, storetest.SQLite(t), cfg, nil), tickets: map[string]string{}}
	ctx := context.Background()
	db := e.db
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "rouen", Name: "Académie de Rouen"}); err != nil {
		t.Fatal(err)
	}
	e.agent = e.person("agent.creteil", store.RoleRequester)
	e.agent.Phone, e.agent.Entity = "01 57 02 60 00", "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"
	e.tech = e.named("tech.creteil", "Robert", "Marc", "creteil", store.RoleTechnician)
	e.tech2 = e.named("tech2.creteil", "Dubois", "Léa", "creteil", store.RoleTechnician)
	e.rouenTech = e.named("tech.rouen", "Leroy", "Hugo", "rouen", store.RoleTechnician)

	g1 := &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
	g2 := &store.Group{AcademyCode: "creteil", Name: "Réseau", Level: 2}
	gr := &store.Group{AcademyCode: "rouen", Name: "Plateforme de Rouen", Level: 1, Intake: true}
	for _, g := range []*store.Group{g1, g2, gr} {
		if err := db.CreateGroupUnaudited(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	e.level1, e.level2, e.rouenGroup = g1.ID, g2.ID, gr.ID
	for _, m := range []struct{ g, p int64 }{{g1.ID, e.tech.ID}, {g1.ID, e.tech2.ID}, {g2.ID, e.tech2.ID}, {gr.ID, e.rouenTech.ID}} {
		if err := db.AddGroupMemberUnaudited(ctx, m.g, m.p); err != nil {
			t.Fatal(err)
		}
	}
	leaf := categoryPath(t, db, "Matériel", "Écran")
	e.screen = *leaf

	now := time.Now().UTC().Truncate(time.Second)
	add := func(label, academy string, age time.Duration, urgency int, p store.TicketProjection, events ...store.ProjectedEvent) string {
		tk := &store.Ticket{AcademyCode: academy, RequesterID: e.agent.ID, CategoryID: leaf.ID,
			CategoryPath: "Matériel › Écran", Urgency: urgency, Impact: 3, Priority: urgency + 2,
			Phone: "01 57 02 60 00", Availability: "Lundi matin", Brand: "Dell",
			Description: "Ticket " + label + ".\n\nL'écran reste noir.", CreatedAt: now.Add(-age)}
		number, err := db.CreateTicket(ctx, tk, []store.Attachment{{Filename: "photo.png", ContentType: "image/png", Data: []byte("png")}})
		if err != nil {
			t.Fatal(err)
		}
		p.Seq = int64(1 + len(events))
		p.Urgency, p.Impact, p.Priority = urgency, 3, urgency+2
		if p.GroupID == 0 {
			p.GroupID = e.level1
			if academy == "rouen" {
				p.GroupID = gr.ID
			}
		}
		if _, err := db.ApplyProjection(ctx, number, p, events); err != nil {
			t.Fatal(err)
		}
		return number
	}
	note := store.ProjectedEvent{TicketEvent: store.TicketEvent{Seq: 2, Kind: "note", ActorID: &e.tech.ID,
		Body: "Voir avec le réseau : switch du 2e étage.", CreatedAt: now}}
	reply := store.ProjectedEvent{TicketEvent: store.TicketEvent{Seq: 3, Kind: "reply", ActorID: &e.tech.ID, Public: true,
		Body: "Nous regardons votre écran.", CreatedAt: now}}
	e.tickets["new"] = add("new", "creteil", time.Minute, 3, store.TicketProjection{Status: store.StatusNew, PickupDueAt: now.Add(9 * time.Minute)})
	e.tickets["late"] = add("late", "creteil", 20*time.Minute, 1, store.TicketProjection{Status: store.StatusNew, Late: true, PickupDueAt: now.Add(-10 * time.Minute)})
	e.tickets["mine"] = add("mine", "creteil", time.Hour, 2, store.TicketProjection{Status: store.StatusInProgress, TechnicianID: e.tech.ID}, note, reply)
	e.tickets["other"] = add("other", "creteil", 2*time.Hour, 2, store.TicketProjection{Status: store.StatusWaiting, TechnicianID: e.tech2.ID, GroupID: e.level2})
	e.tickets["closed"] = add("closed", "creteil", 3*time.Hour, 3, store.TicketProjection{Status: store.StatusClosed, TechnicianID: e.tech.ID})
	e.rouen = add("rouen", "rouen", time.Minute, 3, store.TicketProjection{Status: store.StatusNew, PickupDueAt: now.Add(5 * time.Minute)})
	return e
}

// named creates a person with a local account and one role in academy.
func (e *env) named(login, last, first, academy, role string) *store.Person {
	e.t.Helper()
	ctx := context.Background()
	p := &store.Person{AcademyCode: academy, Login: login, LastName: last, FirstName: first,
		Email: login + "@ac-" + academy + ".fr"}
	if err := e.db.CreatePerson(ctx, p); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.SetPassword(ctx, p.ID, testPassword); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.GrantRoleUnaudited(ctx, p.ID, academy, role); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// supportRows lists the ticket numbers of the queue table, in order.
func supportRows(doc *goquery.Document) []string {
	var out []string
	doc.Find("#file tbody tr").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-numero", ""))
	})
	return out
}

func TestSupportQueuePage(t *testing.T) {
	e := newSupportEnv(t, "")
	b := e.signedIn(t, "tech.creteil")

	doc := expectStatus(t, b.get("/support/file"), http.StatusOK)

	t.Run("new tickets come first by priority then age, then the other open ones", func(t *testing.T) {
		want := []string{e.tickets["late"], e.tickets["new"], e.tickets["other"], e.tickets["mine"]}
		if got := supportRows(doc); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("rows = %v, want %v", got, want)
		}
	})
	t.Run("a new ticket shows its countdown from the server-computed deadline", func(t *testing.T) {
		tm := doc.Find("#ticket-" + e.tickets["new"] + " time[data-countdown]")
		if tm.Length() != 1 {
			t.Fatal("no countdown")
		}
		due, err := time.Parse(time.RFC3339, tm.AttrOr("datetime", ""))
		if err != nil {
			t.Fatal(err)
		}
		tk, _ := e.db.GetTicket(context.Background(), e.tickets["new"])
		if !due.Equal(*tk.PickupDueAt) {
			t.Fatalf("datetime %v, want %v", due, tk.PickupDueAt)
		}
		if !strings.HasPrefix(text(tm), "Reste ") {
			t.Fatalf("countdown text %q", text(tm))
		}
	})
	t.Run("a late ticket is flagged and its countdown says by how much", func(t *testing.T) {
		row := doc.Find("#ticket-" + e.tickets["late"])
		if text(row.Find(".retard")) != "En retard" || !strings.HasPrefix(text(row.Find("time[data-countdown]")), "En retard de ") {
			t.Fatalf("late row: %q", text(row))
		}
	})
	t.Run("tickets no longer new have no countdown but their technician", func(t *testing.T) {
		row := doc.Find("#ticket-" + e.tickets["mine"])
		if row.Find("time[data-countdown]").Length() != 0 || text(row.Find(".technicien")) != "ROBERT, Marc" {
			t.Fatalf("row: %q", text(row))
		}
	})
	t.Run("each follow-up cell is refreshed by htmx every 30 seconds", func(t *testing.T) {
		cell := doc.Find("#suivi-" + e.tickets["new"])
		if cell.AttrOr("hx-get", "") != "/support/file/suivi/"+e.tickets["new"] || cell.AttrOr("hx-trigger", "") != "every 30s" {
			t.Fatalf("cell attributes: %v", cell.Nodes[0].Attr)
		}
	})
	t.Run("the countdown script is a static file, not inline", func(t *testing.T) {
		src := doc.Find(`script[src*="countdown.js"]`)
		if src.Length() != 1 {
			t.Fatal("no countdown.js")
		}
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("src"); !ok {
				t.Errorf("inline script: %q", s.Text())
			}
		})
		js := b.get(src.AttrOr("src", ""))
		if js.StatusCode != http.StatusOK || !strings.Contains(readBody(t, js), "data-countdown") {
			t.Fatalf("countdown.js: %d", js.StatusCode)
		}
	})
	t.Run("the side menu offers the queue and Mes tickets", func(t *testing.T) {
		menu := text(doc.Find("#menu"))
		if !strings.Contains(menu, "File d'attente") || !strings.Contains(menu, "Mes tickets") {
			t.Fatalf("menu: %q", menu)
		}
	})
	t.Run("the bulk form offers pick-up and assignment to the académie's staff with their load", func(t *testing.T) {
		if doc.Find("#lot-prendre").Length() != 1 || doc.Find("#lot-affecter").Length() != 1 {
			t.Fatal("bulk buttons missing")
		}
		var staff []string
		doc.Find("#lot-technicien option").Each(func(_ int, s *goquery.Selection) { staff = append(staff, text(s)) })
		want := "— personne (file du groupe) — | DUBOIS, Léa (1 en cours) | ROBERT, Marc (1 en cours)"
		if strings.Join(staff, " | ") != want {
			t.Fatalf("staff = %q", strings.Join(staff, " | "))
		}
		if strings.Contains(text(doc.Find("#lot-groupe")), "Rouen") {
			t.Fatal("another académie's group is offered")
		}
	})

	filters := []struct {
		name, query string
		want        []string
	}{
		{"the group filter keeps the group's tickets", "groupe=" + itoa(e.level2), []string{e.tickets["other"]}},
		{"the urgency filter keeps that urgency", "urgence=2", []string{e.tickets["other"], e.tickets["mine"]}},
		{"the state filter keeps that state", "etat=new", []string{e.tickets["late"], e.tickets["new"]}},
		{"the late filter keeps late tickets", "retard=1", []string{e.tickets["late"]}},
		{"the category filter keeps the subtree", "categorie=" + itoa(*e.screen.ParentID), []string{e.tickets["late"], e.tickets["new"], e.tickets["other"], e.tickets["mine"]}},
		{"an unreadable filter is ignored", "urgence=zz", []string{e.tickets["late"], e.tickets["new"], e.tickets["other"], e.tickets["mine"]}},
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			doc := parse(t, b.get("/support/file?"+f.query))
			if got := supportRows(doc); strings.Join(got, " ") != strings.Join(f.want, " ") {
				t.Fatalf("rows = %v, want %v", got, f.want)
			}
		})
	}
	t.Run("the chosen filters stay selected", func(t *testing.T) {
		doc := parse(t, b.get("/support/file?urgence=2&retard=1"))
		if doc.Find(`#filtre-urgence option[selected]`).AttrOr("value", "") != "2" {
			t.Fatal("urgency not kept")
		}
		if _, ok := doc.Find("#filtre-retard").Attr("checked"); !ok {
			t.Fatal("late not kept")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSupportQueueAccess(t *testing.T) {
	e := newSupportEnv(t, "")
	tests := []struct {
		name, login, target string
		want                int
	}{
		{"a requester may not open the queue", "agent.creteil", "/support/file", http.StatusForbidden},
		{"a requester may not open Mes tickets", "agent.creteil", "/support/mes-tickets", http.StatusForbidden},
		{"a requester may not open the workspace", "agent.creteil", "/support/incidents/" + e.tickets["new"], http.StatusForbidden},
		{"a signed-out visitor is sent to sign in", "", "/support/file", http.StatusSeeOther},
		{"a technician of Rouen gets a 404 on a ticket of Créteil", "tech.rouen", "/support/incidents/" + e.tickets["new"], http.StatusNotFound},
		{"a technician of Rouen gets a 404 on its follow-up cell", "tech.rouen", "/support/file/suivi/" + e.tickets["new"], http.StatusNotFound},
		{"a technician of Rouen gets a 404 on its documents", "tech.rouen", "/support/incidents/" + e.tickets["new"] + "/documents/1", http.StatusNotFound},
		{"a technician of Créteil gets a 404 on a ticket of Rouen", "tech.creteil", "/support/incidents/" + e.rouen, http.StatusNotFound},
		{"an unknown ticket is a 404", "tech.creteil", "/support/incidents/I000101_0001", http.StatusNotFound},
		{"a technician of Rouen opens their own ticket", "tech.rouen", "/support/incidents/" + e.rouen, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := e.browser(t)
			if tt.login != "" {
				b.signIn(tt.login)
			}
			resp := b.get(tt.target)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("GET %s as %q: %d, want %d", tt.target, tt.login, resp.StatusCode, tt.want)
			}
		})
	}
	t.Run("a technician of Rouen sees only Rouen's queue", func(t *testing.T) {
		b := e.signedIn(t, "tech.rouen")
		got := supportRows(parse(t, b.get("/support/file")))
		if strings.Join(got, " ") != e.rouen {
			t.Fatalf("rows = %v", got)
		}
	})
	t.Run("a technician of Rouen cannot act on a ticket of Créteil", func(t *testing.T) {
		b := e.signedIn(t, "tech.rouen")
		tok := b.csrf("/support/file")
		resp := b.do(http.MethodPost, "/support/incidents/"+e.tickets["new"]+"/prendre", url.Values{"_csrf": {tok}})
		resp.Body.Close()
		checkStatus(t, resp, http.StatusNotFound)
	})
	t.Run("a technician asking for another académie's queue is refused", func(t *testing.T) {
		b := e.signedIn(t, "tech.creteil")
		resp := b.get("/support/file?academie=rouen")
		resp.Body.Close()
		checkStatus(t, resp, http.StatusForbidden)
	})
	t.Run("a technician of two académies opens the other's queue with academie=", func(t *testing.T) {
		if err := e.db.GrantRoleUnaudited(context.Background(), e.tech2.ID, "rouen", store.RoleTechnician); err != nil {
			t.Fatal(err)
		}
		b := e.signedIn(t, "tech2.creteil")
		doc := parse(t, b.get("/support/file?academie=rouen"))
		if got := supportRows(doc); strings.Join(got, " ") != e.rouen {
			t.Fatalf("rows = %v", got)
		}
		if doc.Find(`#filtres input[name="academie"]`).AttrOr("value", "") != "rouen" || !strings.Contains(doc.Find("#lot").AttrOr("action", ""), "academie=rouen") {
			t.Fatalf("the académie is not kept by the forms: %q %q", doc.Find(`#filtres input[name="academie"]`).AttrOr("value", ""), doc.Find("#lot").AttrOr("action", ""))
		}
	})
	t.Run("a requester sees no support entry in the menu", func(t *testing.T) {
		b := e.signedIn(t, "agent.creteil")
		if strings.Contains(text(parse(t, b.get("/")).Find("#menu")), "File d'attente") {
			t.Fatal("queue in a requester's menu")
		}
	})
}

func TestSupportMine(t *testing.T) {
	e := newSupportEnv(t, "")
	b := e.signedIn(t, "tech.creteil")
	doc := parse(t, b.get("/support/mes-tickets"))
	t.Run("Mes tickets lists the open tickets assigned to me only", func(t *testing.T) {
		if got := supportRows(doc); strings.Join(got, " ") != e.tickets["mine"] {
			t.Fatalf("rows = %v", got)
		}
	})
	t.Run("Mes tickets has neither filters nor bulk actions", func(t *testing.T) {
		if doc.Find("#filtres").Length() != 0 || doc.Find("#actions-lot").Length() != 0 {
			t.Fatal("filters or bulk actions on Mes tickets")
		}
	})
	t.Run("its menu entry is the current one", func(t *testing.T) {
		if text(doc.Find(`#menu [aria-current="page"]`)) != "Mes tickets" {
			t.Fatalf("current = %q", text(doc.Find(`#menu [aria-current="page"]`)))
		}
	})
}

func TestSupportQueueCell(t *testing.T) {
	e := newSupportEnv(t, "")
	b := e.signedIn(t, "tech.creteil")
	b.header.Set("HX-Request", "true")
	doc := parse(t, b.get("/support/file/suivi/"+e.tickets["late"]))
	t.Run("the cell fragment has the state, the countdown and the late flag, without the layout", func(t *testing.T) {
		if doc.Find("header").Length() != 0 {
			t.Fatal("layout in fragment")
		}
		if text(doc.Find(".statut")) != "Nouveau" || doc.Find("time[data-countdown]").Length() != 1 || text(doc.Find(".retard")) != "En retard" {
			t.Fatalf("fragment: %q", text(doc.Selection))
		}
	})
}

func TestSupportWorkspace(t *testing.T) {
	e := newSupportEnv(t, "http://localhost:8233/")
	b := e.signedIn(t, "tech.creteil")
	number := e.tickets["mine"]
	doc := expectStatus(t, b.get("/support/incidents/"+number), http.StatusOK)

	t.Run("the identity card shows the beneficiary and their contact details", func(t *testing.T) {
		card := text(doc.Find("#carte"))
		for _, want := range []string{"Bénéficiaire : MARTIN, Claire", "agent.creteil", "01 57 02 60 00", "Lundi matin"} {
			if !strings.Contains(card, want) {
				t.Errorf("card lacks %q: %q", want, card)
			}
		}
	})
	t.Run("their recent tickets are listed, without this one", func(t *testing.T) {
		recent := text(doc.Find("#recents"))
		if strings.Contains(recent, number) || !strings.Contains(recent, e.tickets["closed"]) || strings.Contains(recent, e.rouen) {
			t.Fatalf("recent: %q", recent)
		}
	})
	t.Run("every field is shown, N/A when empty", func(t *testing.T) {
		fields := map[string]string{}
		doc.Find("#fiche dt").Each(func(_ int, dt *goquery.Selection) { fields[text(dt)] = text(dt.Next()) })
		for label, want := range map[string]string{
			"N° d'incident": number, "Objet de la demande": "Matériel › Écran", "Urgence": "2 - Moyenne",
			"Impact": "3 - Faible", "Priorité": "P4", "Statut": "En cours de traitement",
			"Groupe": "Plateforme d'assistance", "Technicien": "ROBERT, Marc", "Marque": "Dell",
			"Modèle": "N/A", "Numéro de série": "N/A", "Incident privé": "Non",
		} {
			if fields[label] != want {
				t.Errorf("%s = %q, want %q", label, fields[label], want)
			}
		}
		if len(doc.Find("#description p").Nodes) != 2 {
			t.Errorf("description paragraphs: %q", text(doc.Find("#description")))
		}
	})
	t.Run("the timeline holds public and internal events", func(t *testing.T) {
		note := doc.Find(".evenement--note")
		if note.Length() != 1 || !note.HasClass("evenement--interne") || !strings.Contains(text(note), "switch du 2e étage") {
			t.Fatalf("note: %q", text(note))
		}
		reply := doc.Find(".evenement--reply")
		if reply.HasClass("evenement--interne") || !strings.Contains(text(reply), "Public") {
			t.Fatalf("reply: %q", text(reply))
		}
	})
	t.Run("documents download from the support route", func(t *testing.T) {
		href := doc.Find("#documents a").AttrOr("href", "")
		if !strings.HasPrefix(href, "/support/incidents/"+number+"/documents/") {
			t.Fatalf("href %q", href)
		}
		resp := b.get(href)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || readBody(t, resp) != "png" {
			t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	})
	t.Run("a form is offered for every workflow action", func(t *testing.T) {
		for _, a := range []string{"affecter", "requalifier", "repondre", "noter", "questionner", "resoudre", "doublon"} {
			f := doc.Find("#form-" + a)
			if f.AttrOr("action", "") != "/support/incidents/"+number+"/"+a || f.Find(`input[name="_csrf"]`).Length() != 1 {
				t.Errorf("form %s missing or wrong", a)
			}
		}
		for _, a := range []string{"repondre", "noter", "resoudre"} {
			if doc.Find("#form-"+a).AttrOr("enctype", "") != "multipart/form-data" || doc.Find("#"+a+"-documents").Length() != 1 {
				t.Errorf("form %s takes no documents", a)
			}
		}
		if doc.Find("select#resoudre-article").Length() != 1 {
			t.Error("no list of articles")
		}
	})
	t.Run("pick-up is offered on a ticket that is not mine, not on mine", func(t *testing.T) {
		if doc.Find("#form-prendre").Length() != 0 {
			t.Error("pick-up offered on my own ticket")
		}
		other := parse(t, b.get("/support/incidents/"+e.tickets["new"]))
		if other.Find("#form-prendre").AttrOr("action", "") != "/support/incidents/"+e.tickets["new"]+"/prendre" {
			t.Error("no pick-up on a new ticket")
		}
	})
	t.Run("requalification starts from the current levels", func(t *testing.T) {
		if doc.Find("#requalifier-urgence option[selected]").AttrOr("value", "") != "2" ||
			doc.Find("#requalifier-impact option[selected]").AttrOr("value", "") != "3" {
			t.Fatal("levels not preselected")
		}
	})
	t.Run("the workflow link opens the Temporal Web UI", func(t *testing.T) {
		want := "http://localhost:8233/namespaces/guichet/workflows/" + number
		if got := doc.Find("#temporal").AttrOr("href", ""); got != want {
			t.Fatalf("href %q, want %q", got, want)
		}
	})
	t.Run("a closed ticket offers no action", func(t *testing.T) {
		doc := parse(t, b.get("/support/incidents/"+e.tickets["closed"]))
		if doc.Find("#actions form").Length() != 0 || !strings.Contains(text(doc.Find("#actions")), "clôturé") {
			t.Fatalf("actions on a closed ticket: %q", text(doc.Find("#actions")))
		}
	})
	t.Run("without a Temporal UI address there is no link", func(t *testing.T) {
		e := newSupportEnv(t, "")
		b := e.signedIn(t, "tech.creteil")
		if parse(t, b.get("/support/incidents/"+e.tickets["new"])).Find("#temporal").Length() != 0 {
			t.Fatal("link without address")
		}
	})
}

func TestSupportActionsWithoutWorkflow(t *testing.T) {
	e := newSupportEnv(t, "")
	b := e.signedIn(t, "tech.creteil")
	number := e.tickets["mine"]
	tok := b.csrf("/support/incidents/" + number)
	post := func(action string, form url.Values) *goquery.Document {
		t.Helper()
		form.Set("_csrf", tok)
		resp := b.do(http.MethodPost, "/support/incidents/"+number+"/"+action, form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d, want 422", action, resp.StatusCode)
		}
		return parse(t, resp)
	}
	tests := []struct {
		name, action string
		form         url.Values
		want         string
		kept         map[string]string // selector → value kept
	}{
		{"requalifying to an unknown level is refused before the workflow", "requalifier",
			url.Values{"urgence": {"7"}, "impact": {"1"}, "motif": {"Poste de direction"}},
			"L'urgence doit valoir 1 (haute), 2 (moyenne) ou 3 (faible).",
			map[string]string{"#requalifier-motif": "Poste de direction"}},
		{"resolving with an unreadable article number is refused", "resoudre",
			url.Values{"solution": {"Câble remplacé."}, "article": {"douze"}},
			"Le numéro d'article est un nombre, par exemple 42.",
			map[string]string{"#resoudre-solution": "Câble remplacé."}},
		{"assigning to a technician of another académie is refused", "affecter",
			url.Values{"technicien": {itoa(e.rouenTech.ID)}, "motif": {"Renfort"}},
			"Choisissez un technicien des groupes de l'académie.",
			map[string]string{"#affecter-motif": "Renfort"}},
		{"assigning to a group of another académie is refused", "affecter",
			url.Values{"groupe": {itoa(e.rouenGroup)}, "motif": {"Renfort"}},
			"Choisissez un groupe de l'académie.", nil},
		{"an action while Temporal is unreachable keeps the typed reply", "repondre",
			url.Values{"texte": {"Bonjour,\nmerci de redémarrer."}},
			"Le service de traitement des tickets est momentanément indisponible. Votre saisie est conservée : réessayez dans quelques instants.",
			map[string]string{"#repondre-texte": "Bonjour,\nmerci de redémarrer."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := post(tt.action, tt.form)
			if got := text(doc.Find("#form-" + tt.action + " .erreur")); got != tt.want {
				t.Fatalf("message %q, want %q", got, tt.want)
			}
			for sel, want := range tt.kept {
				s := doc.Find(sel)
				got := s.AttrOr("value", s.Text())
				if goquery.NodeName(s) == "textarea" {
					got = s.Text()
				}
				if got != want {
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
			if n := doc.Find(".erreur").Length(); n != 1 {
				t.Errorf("%d error messages, want 1 (on the form sent)", n)
			}
		})
	}
	t.Run("documents of a refused reply are not kept", func(t *testing.T) {
		before, _ := e.db.TicketDocuments(context.Background(), number)
		resp := b.postMultipart("/support/incidents/"+number+"/repondre", url.Values{"_csrf": {tok}, "texte": {"Voir capture."}},
			testFile{"documents", "capture.txt", []byte("capture")})
		doc := parse(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#form-repondre .erreur")), "Joignez à nouveau vos documents.") {
			t.Fatalf("status %d, message %q", resp.StatusCode, text(doc.Find("#form-repondre .erreur")))
		}
		after, _ := e.db.TicketDocuments(context.Background(), number)
		if len(after) != len(before) {
			t.Fatalf("documents %d → %d", len(before), len(after))
		}
	})
	t.Run("a too large document is refused with the limit", func(t *testing.T) {
		resp := b.postMultipart("/support/incidents/"+number+"/noter", url.Values{"_csrf": {tok}, "texte": {"Gros fichier."}},
			testFile{"documents", "gros.bin", bytes.Repeat([]byte("x"), 10<<20+1)})
		doc := parse(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc.Find("#form-noter .erreur")), "10 Mo par fichier") {
			t.Fatalf("status %d, message %q", resp.StatusCode, text(doc.Find("#form-noter .erreur")))
		}
		if text(doc.Find("#noter-texte")) != "Gros fichier." {
			t.Fatal("typed note lost")
		}
	})
	t.Run("a forged action without the CSRF token is refused", func(t *testing.T) {
		resp := b.do(http.MethodPost, "/support/incidents/"+number+"/prendre", url.Values{})
		resp.Body.Close()
		checkStatus(t, resp, http.StatusForbidden)
	})
}

func TestSupportBulkWithoutWorkflow(t *testing.T) {
	e := newSupportEnv(t, "")
	b := e.signedIn(t, "tech.creteil")
	tok := b.csrf("/support/file")
	t.Run("nothing selected is refused with a message", func(t *testing.T) {
		resp := b.do(http.MethodPost, "/support/file", url.Values{"_csrf": {tok}, "action": {"prendre"}})
		doc := parse(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#erreur-lot")) != "Sélectionnez au moins un ticket." {
			t.Fatalf("status %d: %q", resp.StatusCode, text(doc.Find("#erreur-lot")))
		}
	})
	t.Run("each selected ticket gets its own result, another académie's as not found", func(t *testing.T) {
		resp := b.do(http.MethodPost, "/support/file?urgence=3", url.Values{"_csrf": {tok}, "action": {"prendre"},
			"numero": {e.tickets["new"], e.rouen}})
		doc := parse(t, resp)
		checkStatus(t, resp, http.StatusOK)
		results := doc.Find("#resultats .resultat")
		if results.Length() != 2 {
			t.Fatalf("results: %q", text(doc.Find("#resultats")))
		}
		if !strings.Contains(text(results.Eq(0)), "indisponible") || !strings.Contains(text(results.Eq(1)), "introuvable") {
			t.Fatalf("results: %q", text(doc.Find("#resultats")))
		}
		if got := supportRows(doc); strings.Join(got, " ") != e.tickets["new"] {
			t.Fatalf("filter lost: rows %v", got)
		}
	})
	t.Run("assigning to someone outside the académie is refused as a whole", func(t *testing.T) {
		resp := b.do(http.MethodPost, "/support/file", url.Values{"_csrf": {tok}, "action": {"affecter"},
			"numero": {e.tickets["new"]}, "technicien": {itoa(e.rouenTech.ID)}})
		doc := parse(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(doc.Find("#erreur-lot")) != "Choisissez un technicien des groupes de l'académie." {
			t.Fatalf("status %d: %q", resp.StatusCode, text(doc.Find("#erreur-lot")))
		}
	})
}
