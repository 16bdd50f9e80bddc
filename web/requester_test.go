package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

// testFile is a file a test uploads.
type testFile struct {
	field, name string
	data        []byte
}

// postMultipart sends a multipart form with files, as a browser does for
// forms with enctype multipart/form-data.
func (b *browser) postMultipart(target string, fields url.Values, files ...testFile) *http.Response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				b.t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			b.t.Fatal(err)
		}
		if _, err := fw.Write(f.data); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.send(req)
}

// page fetches a page, checks its status and parses it.
func (b *browser) page(target string, status int) *goquery.Document {
	b.t.Helper()
	resp := b.get(target)
	if resp.StatusCode != status {
		b.t.Fatalf("GET %s: status %d, want %d: %s", target, resp.StatusCode, status, readBody(b.t, resp))
	}
	return parse(b.t, resp)
}

// expectStatus parses resp after checking its status.
func expectStatus(t *testing.T, resp *http.Response, status int) *goquery.Document {
	t.Helper()
	checkStatus(t, resp, status)
	return parse(t, resp)
}

// checkStatus fails the test unless resp has status; the failure shows the
// body.
func checkStatus(t *testing.T, resp *http.Response, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, readBody(t, resp))
	}
}

// val reads the value attribute of the element matching sel.
func val(doc *goquery.Document, sel string) string {
	v, _ := doc.Find(sel).Attr("value")
	return v
}

// incidentFields are valid new-incident fields for the stack.
func (st *testStack) incidentFields(csrf string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "rempli": {"1"}, "beneficiaire": {strconv.FormatInt(st.people["agent"].ID, 10)},
		"telephone": {"01 57 02 60 00"}, "disponibilite": {"Le matin"}, "urgence": {"2"},
		"categorie":   {strconv.FormatInt(st.leaves["Écran"].ID, 10)},
		"description": {"Mon écran s'est éteint 2 fois d'un seul coup."}, "action": {"envoyer"},
	}
}

func TestNewIncidentForm(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	agent := st.signedIn(t, "agent")

	t.Run("the form shows the identity card filled from the directory", func(t *testing.T) {
		doc := agent.page("/incidents/nouveau", http.StatusOK)
		wantTexts(t, doc,
			textWant{"Demandeur", "#demandeur", "MARTIN, Claire"},
			textWant{"Bénéficiaire", "#beneficiaire-nom", "MARTIN, Claire"},
			textWant{"Entité", "#entite", stackEntity},
		)
		if got := val(doc, "#telephone"); got != "01 57 02 60 00" {
			t.Errorf("Téléphone = %q", got)
		}
		if got := text(doc.Find("#urgence option[selected]")); got != "3 - Faible" {
			t.Errorf("default urgency = %q", got)
		}
		if got := doc.Find(`#categorie optgroup[label="Matériel"] option`).Length(); got != 2 {
			t.Errorf("Matériel has %d leaves in the picker", got)
		}
		for sel, key := range map[string]string{"#documents": "u", "#envoyer": "e", "#annuler": "o", "#creer-incident": "n"} {
			if k, _ := doc.Find(sel).Attr("accesskey"); k != key {
				t.Errorf("%s accesskey = %q, want %q", sel, k, key)
			}
		}
		if got := text(doc.Find("#creer-incident")); got != "Créer un incident [Alt+N]" {
			t.Errorf("header link = %q", got)
		}
		if doc.Find(`.fr-sidemenu a[href="/incidents/nouveau"]`).Length() != 1 {
			t.Error("no Nouvel incident in the side menu")
		}
		if doc.Find(`#actif option`).Length() != 2 {
			t.Error("the beneficiary's known asset is not offered")
		}
	})

	var draftID string
	t.Run("a form with errors comes back with every value and the file kept", func(t *testing.T) {
		f := st.incidentFields(agent.csrf("/incidents/nouveau"))
		f.Del("categorie")
		f.Set("description", "  ")
		f.Set("autre_telephone", "06 12 34 56 78")
		f.Set("prive", "1")
		f.Set("urgence", "1")
		f.Set("marque", "Dell")
		doc := expectStatus(t, agent.postMultipart("/incidents/nouveau", f,
			testFile{"documents", "capture.png", pngBytes()}), http.StatusUnprocessableEntity)
		if got := text(doc.Find("#categorie-error")); !strings.Contains(got, "objet de la demande") {
			t.Errorf("category error = %q", got)
		}
		if got := text(doc.Find("#description-error")); got != "Décrivez le problème rencontré." {
			t.Errorf("description error = %q", got)
		}
		links := doc.Find("#resume-erreurs li a")
		if links.Length() != 2 {
			t.Fatalf("summary has %d errors", links.Length())
		}
		if h, _ := links.First().Attr("href"); h != "#categorie" {
			t.Errorf("first summary link = %q", h)
		}
		if !strings.HasPrefix(text(doc.Find("title")), "Erreur") {
			t.Errorf("title = %q", text(doc.Find("title")))
		}
		for sel, want := range map[string]string{"#autre_telephone": "06 12 34 56 78", "#disponibilite": "Le matin", "#marque": "Dell"} {
			if got := val(doc, sel); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if doc.Find("#prive[checked]").Length() != 1 {
			t.Error("Incident privé lost")
		}
		if got := text(doc.Find("#urgence option[selected]")); got != "1 - Haute" {
			t.Errorf("urgency = %q", got)
		}
		kept := doc.Find(`#documents-conserves input[name="brouillon"][checked]`)
		if kept.Length() != 1 || !strings.Contains(text(doc.Find("#documents-conserves")), "capture.png") {
			t.Fatalf("uploaded file not kept: %q", text(doc.Find("#documents-conserves")))
		}
		draftID, _ = kept.Attr("value")
	})

	t.Run("an oversize file is refused with the limit, the rest kept", func(t *testing.T) {
		f := st.incidentFields(agent.csrf("/incidents/nouveau"))
		f.Set("brouillon", draftID)
		doc := expectStatus(t, agent.postMultipart("/incidents/nouveau", f,
			testFile{"documents", "enorme.bin", bytes.Repeat([]byte("x"), 64<<10+1)}), http.StatusUnprocessableEntity)
		got := text(doc.Find("#documents-error"))
		if !strings.Contains(got, "enorme.bin") || !strings.Contains(got, "64 ko") {
			t.Errorf("documents error = %q", got)
		}
		if !strings.Contains(text(doc.Find("#documents-conserves")), "capture.png") {
			t.Error("the earlier file was lost")
		}
		if got := doc.Find("#description").Text(); got != "Mon écran s'est éteint 2 fois d'un seul coup." {
			t.Errorf("description = %q", got)
		}
	})

	t.Run("another session cannot take someone's draft file", func(t *testing.T) {
		other := st.signedIn(t, "collegue")
		f := st.incidentFields(other.csrf("/incidents/nouveau"))
		f.Set("beneficiaire", strconv.FormatInt(st.people["collegue"].ID, 10))
		f.Set("brouillon", draftID)
		f.Set("categorie", "")
		doc := expectStatus(t, other.postMultipart("/incidents/nouveau", f), http.StatusUnprocessableEntity)
		if doc.Find("#documents-conserves").Length() != 0 {
			t.Error("a forged draft ID showed someone else's file")
		}
	})

	var number string
	t.Run("a valid form files the ticket with the kept file and shows its number", func(t *testing.T) {
		f := st.incidentFields(agent.csrf("/incidents/nouveau"))
		f.Set("brouillon", draftID)
		resp := agent.postMultipart("/incidents/nouveau", f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
		}
		loc := resp.Header.Get("Location")
		number = strings.TrimSuffix(strings.TrimPrefix(loc, "/incidents/"), "/confirmation")
		doc := agent.page(loc, http.StatusOK)
		want := "Votre demande a été envoyée. La fiche a été enregistrée sous le numéro " + number + ". Pour voir la fiche, cliquer ici."
		if got := text(doc.Find("#confirmation")); got != want {
			t.Errorf("confirmation = %q, want %q", got, want)
		}
		if h, _ := doc.Find("#lien-fiche").Attr("href"); h != "/incidents/"+number {
			t.Errorf("link = %q", h)
		}
		tk, err := st.db.GetTicket(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Urgency != 2 || tk.BeneficiaryID != st.people["agent"].ID || tk.Entity != stackEntity || tk.CategoryPath != "Matériel › Écran" {
			t.Errorf("ticket = %+v", tk)
		}
		as, err := st.db.Attachments(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Filename != "capture.png" || as[0].ContentType != "image/png" {
			t.Fatalf("attachments = %+v", as)
		}
		st.waitTicket(t, number, "workflow started", func(tk *store.Ticket) bool { return tk.WorkflowStartedAt != nil })
	})

	t.Run("the directory search finds school staff without JavaScript and the choice becomes the beneficiary", func(t *testing.T) {
		f := st.incidentFields(agent.csrf("/incidents/nouveau"))
		f.Set("action", "rechercher")
		f.Set("recherche", "dur")
		doc := expectStatus(t, agent.postMultipart("/incidents/nouveau", f), http.StatusOK)
		row := doc.Find("#resultats-annuaire tr.resultat-annuaire")
		if row.Length() != 1 {
			t.Fatalf("%d results", row.Length())
		}
		cells := row.Find("td")
		if text(cells.Eq(0)) != "DURAND" || text(cells.Eq(1)) != "Paul" || text(cells.Eq(3)) != stackSchool {
			t.Errorf("row = %q", text(row))
		}
		if val(doc, "#disponibilite") != "Le matin" {
			t.Error("values lost by the search")
		}
		choose, _ := row.Find(`button[name="choisir"]`).Attr("value")
		f.Del("action")
		f.Set("choisir", choose)
		doc = expectStatus(t, agent.postMultipart("/incidents/nouveau", f), http.StatusOK)
		if got := text(doc.Find("#beneficiaire-nom")); got != "DURAND, Paul" {
			t.Errorf("beneficiary = %q", got)
		}
		if got := text(doc.Find("#entite")); got != stackSchool {
			t.Errorf("entity = %q", got)
		}
		if got := val(doc, `input[name="beneficiaire"]`); got != choose {
			t.Errorf("hidden beneficiary = %q", got)
		}
	})

	t.Run("the live directory search answers htmx with the results table", func(t *testing.T) {
		doc := agent.page("/annuaire/recherche?recherche=bern", http.StatusOK)
		if got := text(doc.Find("tr.resultat-annuaire td").First()); got != "BERNARD" {
			t.Errorf("first result = %q", got)
		}
		if doc.Find("header").Length() != 0 {
			t.Error("the fragment carries the layout")
		}
	})

	t.Run("choosing a known asset fills the equipment fields", func(t *testing.T) {
		assets, err := st.db.AssetsOf(ctx, st.people["agent"].ID)
		if err != nil {
			t.Fatal(err)
		}
		f := st.incidentFields(agent.csrf("/incidents/nouveau"))
		f.Set("action", "materiel")
		f.Set("actif", strconv.FormatInt(assets[0].ID, 10))
		doc := expectStatus(t, agent.postMultipart("/incidents/nouveau", f), http.StatusOK)
		if val(doc, "#materiel") != "Écran" || val(doc, "#numero_serie") != "CN-0ABC-123" || val(doc, "#emplacement") != "Bureau 214" {
			t.Errorf("equipment = %q %q %q", val(doc, "#materiel"), val(doc, "#numero_serie"), val(doc, "#emplacement"))
		}
		frag := agent.page(fmt.Sprintf("/incidents/nouveau/materiel?beneficiaire=%d&actif=%d", st.people["agent"].ID, assets[0].ID), http.StatusOK)
		if val(frag, "#modele") != "P2419H" {
			t.Errorf("htmx fragment model = %q", val(frag, "#modele"))
		}
	})

	t.Run("Prise d'appel is for support only and files the ticket for the caller", func(t *testing.T) {
		if resp := agent.get("/prise-appel"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("requester got %d", resp.StatusCode)
		}
		tech := st.signedIn(t, "tech")
		f := st.incidentFields(tech.csrf("/prise-appel"))
		f.Del("beneficiaire")
		doc := expectStatus(t, tech.postMultipart("/prise-appel", f), http.StatusUnprocessableEntity)
		if got := text(doc.Find("#recherche-error")); got != "Choisissez l'appelant dans l'annuaire." {
			t.Errorf("caller error = %q", got)
		}
		f.Set("beneficiaire", strconv.FormatInt(st.people["collegue"].ID, 10))
		resp := tech.postMultipart("/prise-appel", f)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
		}
		n := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/incidents/"), "/confirmation")
		tk, err := st.db.GetTicket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if tk.RequesterID != st.people["collegue"].ID || tk.BeneficiaryID != st.people["collegue"].ID {
			t.Errorf("call ticket requester %d beneficiary %d", tk.RequesterID, tk.BeneficiaryID)
		}
	})
}

func TestTicketPageAndActions(t *testing.T) {
	st := newTestStack(t)
	ctx := context.Background()
	public := st.submit(t, "agent", ticketOpts{
		description: "L'écran clignote.\nVoir https://exemple.fr/aide. <script>alert(1)</script>",
		files:       []store.Attachment{{Filename: "photo.png", ContentType: "image/png", Data: pngBytes()}},
	})
	private := st.submit(t, "agent", ticketOpts{private: true,
		files: []store.Attachment{{Filename: "secret.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("secret")}}})
	docOf := func(number string) string {
		as, err := st.db.Attachments(ctx, number)
		if err != nil || len(as) == 0 {
			t.Fatalf("attachments of %s: %v %v", number, as, err)
		}
		return "/incidents/" + number + "/documents/" + strconv.FormatInt(as[0].ID, 10)
	}
	agent := st.signedIn(t, "agent")

	t.Run("visibility of the ticket page and its documents", func(t *testing.T) {
		cases := []struct {
			name, login, number string
			status              int
		}{
			{"a stranger gets 404 on the ticket", "etranger", public, http.StatusNotFound},
			{"a stranger gets 404 on its document", "etranger", docOf(public), http.StatusNotFound},
			{"a colleague of the same entity sees the non-private ticket", "collegue", public, http.StatusOK},
			{"a colleague may download its document", "collegue", docOf(public), http.StatusOK},
			{"a colleague does not see the private ticket", "collegue", private, http.StatusNotFound},
			{"nor its document", "collegue", docOf(private), http.StatusNotFound},
			{"someone of another académie does not see it", "rouen", public, http.StatusNotFound},
			{"the platform's technician sees the private ticket", "tech", private, http.StatusOK},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				target := tc.number
				if !strings.HasPrefix(target, "/") {
					target = "/incidents/" + target
				}
				if resp := st.signedIn(t, tc.login).get(target); resp.StatusCode != tc.status {
					t.Fatalf("GET %s as %s: %d, want %d", target, tc.login, resp.StatusCode, tc.status)
				}
			})
		}
	})

	t.Run("the ticket page shows every field, N/A when empty, and safe text", func(t *testing.T) {
		doc := agent.page("/incidents/"+public, http.StatusOK)
		for sel, want := range map[string]string{
			"#f-demandeur": "MARTIN, Claire", "#f-entite": stackEntity, "#f-objet": "Matériel › Écran",
			"#f-urgence": "3 - Faible", "#f-materiel": "N/A", "#f-numero-serie": "N/A", "#f-prive": "Non",
			"#f-disponibilite": "N/A",
		} {
			if got := text(doc.Find(sel)); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if got := text(doc.Find("#statut")); got != "Nouveau" {
			t.Errorf("status = %q", got)
		}
		if got, _ := doc.Find("#description a").Attr("href"); got != "https://exemple.fr/aide" {
			t.Errorf("link = %q", got)
		}
		if doc.Find("#description script").Length() != 0 || doc.Find("#description br").Length() != 1 {
			t.Error("description not rendered as safe text with line breaks")
		}
		if !strings.Contains(text(doc.Find("#description")), "<script>alert(1)</script>") {
			t.Error("the text of the description is not shown as typed")
		}
		created := text(doc.Find("#f-emise"))
		if len(created) != len("16/04/2013 14:29:42") || created[2] != '/' || created[13] != ':' {
			t.Errorf("date = %q", created)
		}
		if doc.Find("#documents img.guichet-preview").Length() != 1 {
			t.Error("the image has no preview")
		}
		if doc.Find("#action-mise-a-jour").Length() != 1 || doc.Find("#action-annuler").Length() != 1 {
			t.Error("requester actions missing")
		}
	})

	t.Run("a document is downloaded as an attachment with its sniffed type", func(t *testing.T) {
		resp := agent.get(docOf(public))
		checkStatus(t, resp, http.StatusOK)
		if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename=photo.png` {
			t.Errorf("Content-Disposition = %q", got)
		}
		if got := resp.Header.Get("Content-Type"); got != "image/png" {
			t.Errorf("Content-Type = %q", got)
		}
	})

	t.Run("internal notes are shown to support only", func(t *testing.T) {
		st.update(t, public, workflows.UpdateNote, workflows.NoteInput{Actor: st.actor("tech"), Body: "Note interne du technicien."})
		if strings.Contains(text(agent.page("/incidents/"+public, http.StatusOK).Find("#chronologie")), "Note interne du technicien") {
			t.Error("the requester sees an internal note")
		}
		tech := st.signedIn(t, "tech")
		if !strings.Contains(text(tech.page("/incidents/"+public, http.StatusOK).Find("#chronologie")), "Note interne du technicien") {
			t.Error("support does not see the internal note")
		}
	})

	t.Run("adding information with a document goes through the workflow", func(t *testing.T) {
		target := "/incidents/" + public + "/informations"
		tok := agent.csrf(target)
		doc := expectStatus(t, agent.postMultipart(target, url.Values{"_csrf": {tok}, "information": {"  "}}), http.StatusUnprocessableEntity)
		if text(doc.Find("#information-error")) == "" {
			t.Error("empty information accepted")
		}
		resp := agent.postMultipart(target, url.Values{"_csrf": {tok}, "information": {"Sce DSI, bureau 422.\nJ'ai redémarré deux fois."}},
			testFile{"documents", "journal.txt", []byte("erreur 42")})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
		}
		doc = agent.page(resp.Header.Get("Location"), http.StatusOK)
		if got := text(doc.Find("#avis-action")); got != "Votre information a été ajoutée à l'incident." {
			t.Errorf("notice = %q", got)
		}
		last := doc.Find("#chronologie > li").Last()
		if !strings.Contains(text(last), "Information ajoutée") || !strings.Contains(text(last), "bureau 422") || !strings.Contains(text(last), "journal.txt") {
			t.Errorf("last event = %q", text(last))
		}
	})

	t.Run("an action the workflow refuses is shown as its French message", func(t *testing.T) {
		colleague := st.signedIn(t, "collegue")
		target := "/incidents/" + public + "/informations"
		doc := expectStatus(t, colleague.postMultipart(target, url.Values{"_csrf": {colleague.csrf(target)}, "information": {"Chez moi aussi."}}),
			http.StatusUnprocessableEntity)
		if got := text(doc.Find("#refus-action p")); got != "Action réservée au demandeur ou au bénéficiaire du ticket." {
			t.Errorf("refusal = %q", got)
		}
		if got := doc.Find("#information").Text(); got != "Chez moi aussi." {
			t.Errorf("typed text lost: %q", got)
		}
	})

	t.Run("a resolved ticket shows its validation deadline and refuses cancellation", func(t *testing.T) {
		resolved := st.submit(t, "agent", ticketOpts{})
		st.resolve(t, resolved)
		st.waitTicket(t, resolved, "resolved", func(tk *store.Ticket) bool { return tk.Status == store.StatusResolved && tk.ValidationDueAt != nil })
		doc := agent.page("/incidents/"+resolved, http.StatusOK)
		if !strings.Contains(text(doc.Find("#validation-attendue")), "clôturé automatiquement le") {
			t.Errorf("deadline = %q", text(doc.Find("#validation-attendue")))
		}
		if h, _ := doc.Find("#lien-validation").Attr("href"); h != "/validations/"+resolved {
			t.Errorf("validation link = %q", h)
		}
		target := "/incidents/" + resolved + "/annulation"
		doc = expectStatus(t, agent.postForm(target, target, url.Values{"motif": {"Plus besoin."}}),
			http.StatusUnprocessableEntity)
		if got := text(doc.Find("#refus-action p")); !strings.HasPrefix(got, "Le ticket est résolu") {
			t.Errorf("refusal = %q", got)
		}
	})

	t.Run("cancelling confirms, bounds the optional reason, then cancels through the workflow", func(t *testing.T) {
		target := "/incidents/" + private + "/annulation"
		doc := agent.page(target, http.StatusOK)
		if doc.Find("#confirmer-annulation").Length() != 1 {
			t.Fatal("no confirm step")
		}
		tok := val(doc, `input[name="_csrf"]`)
		doc = expectStatus(t, agent.do(http.MethodPost, target, url.Values{"_csrf": {tok}, "motif": {strings.Repeat("x", 2001)}}),
			http.StatusUnprocessableEntity)
		if got := text(doc.Find("#motif-error")); !strings.HasPrefix(got, "Le motif est trop long (2") {
			t.Errorf("reason error = %q", got)
		}
		resp := agent.do(http.MethodPost, target, url.Values{"_csrf": {tok}, "motif": {""}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
		}
		doc = agent.page(resp.Header.Get("Location"), http.StatusOK)
		if got := text(doc.Find("#statut")); got != "Annulé" {
			t.Errorf("status = %q", got)
		}
		info := "/incidents/" + private + "/informations"
		doc = expectStatus(t, agent.postMultipart(info, url.Values{"_csrf": {tok}, "information": {"Encore une chose."}}), http.StatusUnprocessableEntity)
		if got := text(doc.Find("#refus-action p")); got != "Ce ticket est clôturé : il n'accepte plus aucune action." {
			t.Errorf("closed message = %q", got)
		}
	})
}

// TestTicketActionWithoutTemporal needs no Temporal: the action meets an
// unreachable service and says so, keeping what was typed.
func TestTicketActionWithoutTemporal(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, testConfig(), nil)
		p := e.person("agent", store.RoleRequester)
		number, err := db.CreateTicket(context.Background(), &store.Ticket{AcademyCode: "creteil", RequesterID: p.ID,
			CategoryID: 1, CategoryPath: "Matériel › Écran", Urgency: 3, Impact: 3, Priority: 5, Description: "Écran noir."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b := e.signedIn(t, "agent")
		target := "/incidents/" + number + "/informations"
		doc := expectStatus(t, b.postMultipart(target, url.Values{"_csrf": {b.csrf(target)}, "information": {"Toujours noir."}}),
			http.StatusUnprocessableEntity)
		if got := text(doc.Find("#refus-action p")); !strings.Contains(got, "momentanément indisponible") {
			t.Errorf("message = %q", got)
		}
		if got := doc.Find("#information").Text(); got != "Toujours noir." {
			t.Errorf("typed text lost: %q", got)
		}
	})
}

// pngBytes is a tiny valid PNG (1×1 pixel).
func pngBytes() []byte {
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
		"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
}
