package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/web/kit"
)

// pilotageEnv is a server with Créteil (a supervisor, a requester, a
// technician, groups and categories, tickets) and Rouen.
type pilotageEnv struct {
	*env
	super, agent, tech, admin *store.Person
	intake, level2            *store.Group
	screen                    *store.Category
}

func newPilotageEnv(t *testing.T, db *store.DB) *pilotageEnv {
	t.Helper()
	ctx := context.Background()
	e := &pilotageEnv{env: newEnv(t, db, testConfig(), nil)}
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "rouen", Name: "Académie de Rouen"}); err != nil {
		t.Fatal(err)
	}
	e.super = e.person("superviseur", store.RoleRequester, store.RoleSupervisor)
	e.agent = e.person("agent", store.RoleRequester)
	e.tech = e.person("tech", store.RoleRequester, store.RoleTechnician)
	e.admin = e.person("admin")
	if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("global_admin = ?", true).Where("id = ?", e.admin.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	e.intake = &store.Group{AcademyCode: "creteil", Name: "Plateforme d'assistance", Level: 1, Intake: true}
	e.level2 = &store.Group{AcademyCode: "creteil", Name: "Réseau et télécoms", Level: 2}
	for _, g := range []*store.Group{e.intake, e.level2} {
		if err := db.CreateGroupUnaudited(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	e.screen = categoryPath(t, db, "Matériel", "Écran")
	now := time.Now().UTC()
	for i, set := range []func(tk *store.Ticket){
		func(tk *store.Ticket) { tk.Priority = 2 },
		func(tk *store.Ticket) {
			tk.Status, tk.TechnicianID = store.StatusInProgress, &e.tech.ID
			due, at := tk.CreatedAt.Add(10*time.Minute), tk.CreatedAt.Add(4*time.Minute)
			tk.PickupDueAt, tk.PickedUpAt = &due, &at
		},
		func(tk *store.Ticket) {
			tk.Status, tk.TechnicianID, tk.RatingDelay, tk.RatingQuality = store.StatusClosed, &e.tech.ID, 5, 4
			res, closed := tk.CreatedAt.Add(2*time.Hour), tk.CreatedAt.Add(3*time.Hour)
			tk.ResolvedAt, tk.ClosedAt = &res, &closed
		},
	} {
		tk := &store.Ticket{AcademyCode: "creteil", RequesterID: e.agent.ID, CategoryID: e.screen.ID, CategoryPath: "Matériel › Écran",
			Urgency: 3, Impact: 3, Priority: 5, Description: "Écran noir", CreatedAt: now.Add(-time.Duration(i+1) * 24 * time.Hour)}
		if _, err := db.CreateTicket(ctx, tk, nil); err != nil {
			t.Fatal(err)
		}
		set(tk)
		if _, err := db.NewUpdate().Model(tk).WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestPilotageDashboard(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newPilotageEnv(t, db)
		b := e.signedIn(t, "superviseur")

		doc := expectStatus(t, b.get("/pilotage?periode=30"), http.StatusOK)
		t.Run("the dashboard names the académie and shows the key figures", func(t *testing.T) {
			wantTexts(t, doc,
				textWant{"h1", "h1", "Pilotage — Académie de Créteil"},
				textWant{"open", "#kpi-ouverts", "2"},
				textWant{"created", "#kpi-crees", "3"},
				textWant{"on time", "#kpi-delai", "100 %"},
			)
		})
		t.Run("every chart is an accessible SVG image with a data table", func(t *testing.T) {
			charts := doc.Find("section.guichet-chart")
			if charts.Length() != 8 {
				t.Fatalf("%d charts, want 8", charts.Length())
			}
			charts.Each(func(_ int, s *goquery.Selection) {
				id, _ := s.Attr("id")
				svg := s.Find(`svg[role="img"]`)
				labelled, _ := svg.Attr("aria-labelledby")
				if svg.Length() != 1 || labelled != id+"-t "+id+"-d" || text(svg.Find("title").First()) == "" || text(svg.Find("desc")) == "" {
					t.Errorf("%s: svg without title/desc (%q)", id, labelled)
				}
				if s.Find("details table caption").Length() != 1 || s.Find("details table tbody tr").Length() == 0 {
					t.Errorf("%s: no data table", id)
				}
			})
		})
		t.Run("the data tables carry the figures", func(t *testing.T) {
			row := doc.Find(`#graphe-statuts tbody tr`).FilterFunction(func(_ int, s *goquery.Selection) bool {
				return text(s.Find("th")) == "En cours de traitement"
			})
			if got := text(row.Find("td")); got != "1" {
				t.Errorf("in progress %q, want 1", got)
			}
			load := doc.Find(`#graphe-charge tbody tr`)
			if load.Length() != 1 || text(load.Find("th")) != "Claire MARTIN" {
				t.Errorf("load rows %d %q", load.Length(), text(load.Find("th")))
			}
			if got := text(doc.Find(`#graphe-satisfaction tbody tr`).First().Find("td")); got != "5,0 / 5" {
				t.Errorf("delay rating %q", got)
			}
		})
		t.Run("the side menu offers Pilotage only, the screens are its tabs", func(t *testing.T) {
			if n := doc.Find(`#menu a[href^="/pilotage"]`).Length(); n != 1 || doc.Find(`#menu a[href="/pilotage"]`).Length() != 1 {
				t.Errorf("%d pilotage entries in the side menu, want the one /pilotage", n)
			}
			for _, href := range []string{"/pilotage/actualites", "/pilotage/categories", "/pilotage/routage", "/pilotage/groupes", "/pilotage/horaires", "/pilotage/roles", "/pilotage/journal"} {
				if doc.Find(`#contenu nav a[href^="`+href+`"]`).Length() != 1 {
					t.Errorf("no tab %s", href)
				}
			}
			if cur := text(doc.Find(`#menu a[aria-current="page"]`)); cur != "Pilotage" {
				t.Errorf("current entry %q", cur)
			}
		})
		t.Run("a requester has no supervisors' menu entry", func(t *testing.T) {
			a := e.signedIn(t, "agent")
			if n := parse(t, a.get("/")).Find(`#menu a[href^="/pilotage"]`).Length(); n != 0 {
				t.Errorf("%d pilotage entries", n)
			}
		})
		t.Run("the CSV export opens in French Excel", func(t *testing.T) {
			resp := b.get("/pilotage/export.csv?academie=creteil&periode=30")
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("status %d, %v", resp.StatusCode, resp.Header)
			}
			body, _ := io.ReadAll(resp.Body)
			if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
				t.Fatal("no UTF-8 BOM")
			}
			r := csv.NewReader(bytes.NewReader(body[3:]))
			r.Comma = ';'
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 4 || recs[0][0] != "N° d'incident" || recs[1][6] != "Matériel › Écran" {
				t.Fatalf("records %q", recs)
			}
		})
		t.Run("a global administrator chooses the académie", func(t *testing.T) {
			a := e.signedIn(t, "admin")
			doc := parse(t, a.get("/pilotage?academie=rouen"))
			if got := text(doc.Find("h1")); got != "Pilotage — Académie de Rouen" {
				t.Errorf("h1 %q", got)
			}
			if doc.Find(`select#academie option`).Length() != 2 {
				t.Errorf("académie choice has %d options", doc.Find(`select#academie option`).Length())
			}
			if got := text(doc.Find("#kpi-ouverts")); got != "0" {
				t.Errorf("Rouen open %q", got)
			}
		})
		t.Run("a supervisor of Créteil cannot read Rouen's dashboard", func(t *testing.T) {
			if resp := b.get("/pilotage?academie=rouen"); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d", resp.StatusCode)
			}
		})
	})
}

func TestPilotageManagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newPilotageEnv(t, db)
		b := e.signedIn(t, "superviseur")
		agent := e.signedIn(t, "agent")
		homeTitles := func() []string {
			var out []string
			parse(t, agent.get("/")).Find("#actualites h3").Each(func(_ int, s *goquery.Selection) { out = append(out, text(s)) })
			return out
		}

		t.Run("a draft is not shown to requesters until published", func(t *testing.T) {
			resp := b.postForm("/pilotage/actualites/nouvelle", "/pilotage/actualites?academie=creteil",
				url.Values{"titre": {"Coupure réseau samedi"}, "texte": {"Le réseau sera coupé."}, "brouillon": {"1"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: status %d", resp.StatusCode)
			}
			doc := parse(t, b.get(resp.Header.Get("Location")))
			if doc.Find("#enregistre").Length() != 1 {
				t.Error("no saved notice")
			}
			row := doc.Find("#actualites-gestion tbody tr").First()
			if text(row.Find("th")) != "Coupure réseau samedi" || text(row.Find(".fr-badge")) != "Brouillon" {
				t.Fatalf("row %q / %q", text(row.Find("th")), text(row.Find(".fr-badge")))
			}
			for _, title := range homeTitles() {
				if title == "Coupure réseau samedi" {
					t.Fatal("draft shown on the home page")
				}
			}
			id, _ := row.Attr("data-id")
			if resp := b.postForm("/pilotage/actualites", "/pilotage/actualites/"+id+"/publier?academie=creteil", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: status %d", resp.StatusCode)
			}
			if got := homeTitles(); len(got) == 0 || got[0] != "Coupure réseau samedi" {
				t.Fatalf("home news %q", got)
			}
			if resp := b.postForm("/pilotage/actualites", "/pilotage/actualites/"+id+"/retirer?academie=creteil", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("withdraw: status %d", resp.StatusCode)
			}
			for _, title := range homeTitles() {
				if title == "Coupure réseau samedi" {
					t.Fatal("withdrawn item still shown")
				}
			}
		})
		t.Run("an incomplete item re-shows the form with the input and the reason", func(t *testing.T) {
			resp := b.postForm("/pilotage/actualites/nouvelle", "/pilotage/actualites?academie=creteil",
				url.Values{"titre": {"Sans texte"}, "texte": {" "}})
			checkStatus(t, resp, http.StatusUnprocessableEntity)
			doc := parse(t, resp)
			if v, _ := doc.Find("#titre").Attr("value"); v != "Sans texte" || doc.Find("#erreur").Length() != 1 {
				t.Fatalf("title %q, error %d", v, doc.Find("#erreur").Length())
			}
		})
		t.Run("a category is renamed and the routing rule sends it to a level-2 group", func(t *testing.T) {
			id := itoa(e.screen.ID)
			if resp := b.postForm("/pilotage/categories", "/pilotage/categories/"+id+"/renommer?academie=creteil", url.Values{"nom": {"Moniteur"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("rename: status %d", resp.StatusCode)
			}
			if resp := b.postForm("/pilotage/routage", "/pilotage/routage?academie=creteil", url.Values{"categorie": {id}, "groupe": {itoa(e.level2.ID)}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("route: status %d", resp.StatusCode)
			}
			doc := parse(t, b.get("/pilotage/routage?academie=creteil"))
			row := doc.Find(`#routage tr[data-id="` + id + `"]`)
			if got := text(row.Find(".routage-effectif")); got != "Réseau et télécoms" {
				t.Errorf("effective group %q", got)
			}
			if v, _ := row.Find("option[selected]").Attr("value"); v != itoa(e.level2.ID) {
				t.Errorf("selected group %q", v)
			}
			if p, _ := row.Attr("data-path"); p != "Matériel › Moniteur" {
				t.Errorf("path %q", p)
			}
			g, err := db.RouteGroup(ctx, e.screen.ID)
			if err != nil || g.ID != e.level2.ID {
				t.Fatalf("route group %+v, %v", g, err)
			}
		})
		t.Run("moving a category under itself is refused with a French reason", func(t *testing.T) {
			var parent int64
			if c, err := db.GetCategory(ctx, e.screen.ID); err == nil && c.ParentID != nil {
				parent = *c.ParentID
			}
			resp := b.postForm("/pilotage/categories", "/pilotage/categories/"+itoa(parent)+"/deplacer?academie=creteil", url.Values{"parent": {itoa(e.screen.ID)}})
			checkStatus(t, resp, http.StatusUnprocessableEntity)
			if got := text(parse(t, resp).Find("#erreur p")); !strings.Contains(got, "sous elle-même") {
				t.Errorf("error %q", got)
			}
		})
		t.Run("a technician is found in the directory and added to a group, then made unavailable", func(t *testing.T) {
			doc := parse(t, b.get("/pilotage/groupes?academie=creteil&q=martin"))
			if doc.Find("#resultats tbody tr").Length() == 0 {
				t.Fatal("no search result")
			}
			if resp := b.postForm("/pilotage/groupes", "/pilotage/groupes/"+itoa(e.level2.ID)+"/membres?academie=creteil", url.Values{"personne": {itoa(e.tech.ID)}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add member: status %d", resp.StatusCode)
			}
			if resp := b.postForm("/pilotage/groupes", "/pilotage/groupes/"+itoa(e.level2.ID)+"/membres/"+itoa(e.tech.ID)+"/disponibilite?academie=creteil", url.Values{"disponible": {"0"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("availability: status %d", resp.StatusCode)
			}
			doc = parse(t, b.get("/pilotage/groupes?academie=creteil"))
			member := doc.Find("#groupe-" + itoa(e.level2.ID) + ` tr[data-person="` + itoa(e.tech.ID) + `"]`)
			if got := text(member.Find(".fr-badge")); got != "Indisponible" {
				t.Errorf("member badge %q", got)
			}
		})
		t.Run("opening hours and a closure are saved; bad hours are refused", func(t *testing.T) {
			resp := b.postForm("/pilotage/horaires", "/pilotage/horaires?academie=creteil", url.Values{
				"ouverture": {"07:30"}, "fermeture": {"19:00"}, "fuseau": {"Europe/Paris"}, "feries": {"fr"}, "jours": {"1", "2", "3", "4", "5", "6"}})
			checkStatus(t, resp, http.StatusSeeOther)
			h, err := db.HoursOf(ctx, "creteil")
			if err != nil || h.Open != "07:30" || h.Days != "1,2,3,4,5,6" {
				t.Fatalf("hours %+v, %v", h, err)
			}
			resp = b.postForm("/pilotage/horaires", "/pilotage/horaires?academie=creteil", url.Values{
				"ouverture": {"19:00"}, "fermeture": {"07:00"}, "feries": {"fr"}, "jours": {"1"}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad hours: status %d", resp.StatusCode)
			}
			if v, _ := parse(t, resp).Find("#ouverture").Attr("value"); v != "19:00" {
				t.Errorf("input not kept: %q", v)
			}
			if resp := b.postForm("/pilotage/horaires", "/pilotage/horaires/fermetures?academie=creteil", url.Values{"jour": {"2026-12-24"}, "motif": {"Veille de Noël"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("closure: status %d", resp.StatusCode)
			}
			doc := parse(t, b.get("/pilotage/horaires?academie=creteil"))
			if text(doc.Find("#fermetures tbody th")) != "2026-12-24" || !strings.Contains(text(doc.Find("#source-horaires")), "propres") {
				t.Error("closure or source not shown")
			}
		})
		t.Run("a role is granted through the directory search and revoked", func(t *testing.T) {
			doc := parse(t, b.get("/pilotage/roles?academie=creteil&q=martin"))
			if doc.Find(`#resultats tr[data-person="`+itoa(e.agent.ID)+`"]`).Length() != 1 {
				t.Fatal("agent not found")
			}
			if doc.Find(`#resultats option[value="administrator"]`).Length() != 0 {
				t.Error("a supervisor is offered the administrator role")
			}
			if resp := b.postForm("/pilotage/roles", "/pilotage/roles/attribuer?academie=creteil", url.Values{"personne": {itoa(e.agent.ID)}, "role": {"technician"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("grant: status %d", resp.StatusCode)
			}
			if resp := b.postForm("/pilotage/roles", "/pilotage/roles/attribuer?academie=creteil", url.Values{"personne": {itoa(e.agent.ID)}, "role": {"administrator"}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("granting administrator: status %d, want 403", resp.StatusCode)
			}
			doc = parse(t, b.get("/pilotage/roles?academie=creteil"))
			if !strings.Contains(text(doc.Find(`#equipe tr[data-person="`+itoa(e.agent.ID)+`"]`)), "Technicien") {
				t.Fatal("granted role not listed")
			}
			if resp := b.postForm("/pilotage/roles", "/pilotage/roles/retirer?academie=creteil", url.Values{"personne": {itoa(e.super.ID)}, "role": {"supervisor"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("revoking one's own supervisor role: status %d", resp.StatusCode)
			}
		})
		t.Run("the journal lists every change with its author", func(t *testing.T) {
			doc := parse(t, b.get("/pilotage/journal?academie=creteil"))
			rows := doc.Find("#journal tbody tr")
			seen := map[string]bool{}
			rows.Each(func(_ int, s *goquery.Selection) {
				a, _ := s.Attr("data-action")
				seen[a] = true
				if !strings.Contains(text(s), "Claire MARTIN") {
					t.Errorf("line without author: %q", text(s))
				}
			})
			for _, a := range []string{store.AuditNewsCreate, store.AuditNewsPublish, store.AuditNewsExpire, store.AuditCategoryRename,
				store.AuditRouteSet, store.AuditMemberAdd, store.AuditMemberAvailable, store.AuditHoursSet, store.AuditHolidayAdd, store.AuditRoleGrant} {
				if !seen[a] {
					t.Errorf("journal lacks %s", a)
				}
			}
			if got := text(doc.Find(`#journal tr[data-action="routing.set"] th`)); got != "Routage modifié" {
				t.Errorf("action label %q", got)
			}
		})
	})
}

func TestPermissionTable(t *testing.T) {
	t.Run("supervisors hold every technician permission", func(t *testing.T) {
		for _, p := range kit.Permissions() {
			roles := kit.PermissionRoles(p)
			tech, super := false, false
			for _, r := range roles {
				tech = tech || r == store.RoleTechnician
				super = super || r == store.RoleSupervisor
			}
			if tech && !super {
				t.Errorf("%s: technicians but not supervisors", p)
			}
		}
	})
	t.Run("every permission but the pseudo ones is given to some role", func(t *testing.T) {
		for _, p := range kit.Permissions() {
			if p != kit.PermPublic && p != kit.PermSignedIn && len(kit.PermissionRoles(p)) == 0 {
				t.Errorf("%s: no role", p)
			}
		}
	})
	t.Run("a role in one académie gives nothing in another; a global administrator has everything", func(t *testing.T) {
		p := &store.Person{ID: 1, AcademyCode: "creteil"}
		g := []store.RoleGrant{{PersonID: 1, AcademyCode: "creteil", Role: store.RoleSupervisor}}
		if !kit.Allows(p, g, kit.PermDashboard, "creteil") || kit.Allows(p, g, kit.PermDashboard, "rouen") {
			t.Error("supervisor grants leak across académies")
		}
		if kit.Allows(nil, nil, kit.PermSignedIn, "creteil") || !kit.Allows(nil, nil, kit.PermPublic, "") {
			t.Error("visitor rights wrong")
		}
		if !kit.Allows(&store.Person{GlobalAdmin: true}, nil, kit.PermAcademySettings, "rouen") {
			t.Error("global administrator refused")
		}
	})
}
