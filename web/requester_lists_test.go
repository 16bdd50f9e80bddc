package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/store"
	"guichet/store/storetest"
)

// rlEntity is the entity of the lists' fixture people.
const rlEntity = "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"

// rlFixture is a server without Temporal, with people and tickets in every
// state written straight to the database (the lists only read it).
type rlFixture struct {
	*env
	me, colleague, stranger *store.Person
	mine                    map[string]string // my tickets by status
	forMe                   string            // filed by the colleague for me (in progress, private)
	entity, private, other  string            // colleague's public / private, stranger's
	n                       int
}

func newRLFixture(t *testing.T, db *store.DB) *rlFixture {
	t.Helper()
	f := &rlFixture{env: newEnv(t, db, testConfig(), nil), mine: map[string]string{}}
	f.me = f.rlPerson("rl.agent", rlEntity)
	f.colleague = f.rlPerson("rl.collegue", rlEntity)
	f.stranger = f.rlPerson("rl.etranger", "EN/ACADEMIE DE CRETEIL/DSDEN 94")
	for _, st := range []string{store.StatusNew, store.StatusWaiting, store.StatusResolved, store.StatusClosed, store.StatusCancelled} {
		f.mine[st] = f.file(f.me, f.me, false, st, "Mon problème "+st)
	}
	f.forMe = f.file(f.colleague, f.me, true, store.StatusInProgress, "Imprimante du bureau 214 bloquée depuis ce matin, plus rien ne sort malgré plusieurs redémarrages")
	f.entity = f.file(f.colleague, f.colleague, false, store.StatusInProgress, "Le photocopieur du 2e étage")
	f.private = f.file(f.colleague, f.colleague, true, store.StatusNew, "Mon poste personnel")
	f.other = f.file(f.stranger, f.stranger, false, store.StatusNew, "Le réseau de la DSDEN")
	return f
}

// rlPerson creates a requester of Créteil in entity.
func (f *rlFixture) rlPerson(login, entity string) *store.Person {
	f.t.Helper()
	p := f.person(login, store.RoleRequester)
	ctx := context.Background()
	if _, err := f.db.NewUpdate().Model((*store.Person)(nil)).Set("entity = ?", entity).Where("id = ?", p.ID).Exec(ctx); err != nil {
		f.t.Fatal(err)
	}
	p.Entity = entity
	return p
}

// file stores a ticket in a given state, one minute after the previous one.
func (f *rlFixture) file(requester, beneficiary *store.Person, private bool, status, description string) string {
	f.t.Helper()
	ctx := context.Background()
	f.n++
	tk := &store.Ticket{AcademyCode: "creteil", RequesterID: requester.ID, BeneficiaryID: beneficiary.ID,
		Entity: beneficiary.Entity, CategoryID: 1, CategoryPath: "Matériel › Écran", Urgency: 1 + f.n%3, Impact: 3,
		Priority: 5, Private: private, Description: description,
		CreatedAt: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC).Add(time.Duration(f.n) * time.Minute)}
	number, err := f.db.CreateTicket(ctx, tk, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	q := f.db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", status).Where("number = ?", number)
	if status == store.StatusResolved {
		q = q.Set("solution = ?", "Le câble vidéo a été remplacé.").
			Set("validation_due_at = ?", time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC))
	}
	if _, err := q.Exec(ctx); err != nil {
		f.t.Fatal(err)
	}
	return number
}

// rlGet fetches a page, checks its status and parses it.
func rlGet(t *testing.T, b *browser, target string, status int) *goquery.Document {
	t.Helper()
	resp := b.get(target)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d: %s", target, resp.StatusCode, status, readBody(t, resp))
	}
	return parse(t, resp)
}

// rlPost posts a form (with the CSRF token of page csrfFrom), checks the
// status and returns the response.
func rlPost(t *testing.T, b *browser, target, csrfFrom string, form url.Values, status int) *http.Response {
	t.Helper()
	form.Set("_csrf", b.csrf(csrfFrom))
	resp := b.do(http.MethodPost, target, form)
	if resp.StatusCode != status {
		t.Fatalf("POST %s: status %d, want %d: %s", target, resp.StatusCode, status, readBody(t, resp))
	}
	return resp
}

// rowNumbers lists the data-numero of the rows of a list page.
func rlRowNumbers(doc *goquery.Document) []string {
	var out []string
	doc.Find("tbody tr[data-numero]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("data-numero")
		out = append(out, n)
	})
	return out
}

func rlSameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSuiviDesIncidents(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newRLFixture(t, db)
		b := f.signedIn(t, "rl.agent")

		t.Run("the list shows my open tickets and those filed for me, under the seed's columns", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents", http.StatusOK)
			if got := text(doc.Find("h1")); got != "Suivi des incidents" {
				t.Fatalf("h1 = %q", got)
			}
			var heads []string
			doc.Find("#table-incidents thead th").Each(func(_ int, s *goquery.Selection) { heads = append(heads, text(s)) })
			want := []string{"Sélection", "Émise le", "N° d'incident", "Description", "Urgence", "Statut", "Suivi"}
			if !slices.Equal(heads, want) {
				t.Fatalf("columns %q, want %q", heads, want)
			}
			wantRows := []string{f.mine[store.StatusNew], f.mine[store.StatusWaiting], f.mine[store.StatusResolved], f.forMe}
			if got := rlRowNumbers(doc); !rlSameSet(got, wantRows) {
				t.Fatalf("rows %v, want %v", got, wantRows)
			}
			if got := text(doc.Find("#nombre")); got != "Nombre d'enregistrements : 4" {
				t.Fatalf("count %q", got)
			}
			if cur := doc.Find(`#filtres a[aria-current="true"]`); text(cur) != "Ouverts" || cur.Length() != 1 {
				t.Fatalf("current filter %q", text(cur))
			}
		})

		t.Run("a row shows the date, a truncated description, the urgency, the status and the follow-up", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents", http.StatusOK)
			row := doc.Find(fmt.Sprintf(`tr[data-numero="%s"]`, f.forMe))
			cells := row.Find("td")
			if got := text(cells.Eq(1)); !rlIsDate(got) {
				t.Errorf("date %q", got)
			}
			if href, _ := cells.Eq(2).Find("a").Attr("href"); href != "/incidents/"+f.forMe {
				t.Errorf("link %q", href)
			}
			if got := text(cells.Eq(3)); !strings.HasPrefix(got, "Imprimante du bureau 214") || !strings.Contains(got, "…") || !strings.Contains(got, "Privé") {
				t.Errorf("description %q", got)
			}
			if got := text(row.Find(".statut")); got != "En cours de traitement" {
				t.Errorf("status %q", got)
			}
			if got := text(row.Find(".suivi")); got != "-" {
				t.Errorf("follow-up %q", got)
			}
			if _, ok := row.Find(`input[type="checkbox"][name="n"]`).Attr("form"); !ok {
				t.Error("the selection checkbox belongs to the Actions form")
			}
		})

		t.Run("the Clôturés filter lists the closed and cancelled tickets", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents?filtre=clotures", http.StatusOK)
			if got, want := rlRowNumbers(doc), []string{f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}; !rlSameSet(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
			statuses := text(doc.Find(".statut"))
			if !strings.Contains(statuses, "Clôturé") || !strings.Contains(statuses, "Annulé") {
				t.Fatalf("statuses %q", statuses)
			}
		})

		t.Run("a colleague's tickets and other entities' tickets are not in my list", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents?filtre=tous", http.StatusOK)
			got := rlRowNumbers(doc)
			for _, n := range []string{f.entity, f.private, f.other} {
				if slices.Contains(got, n) {
					t.Fatalf("%s listed in %v", n, got)
				}
			}
			if len(got) != 6 {
				t.Fatalf("rows %v", got)
			}
		})

		t.Run("a column header sorts the list and says so to assistive technologies", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents?filtre=tous&tri=numero&ordre=asc", http.StatusOK)
			got := rlRowNumbers(doc)
			if !slices.IsSorted(got) {
				t.Fatalf("not sorted by number: %v", got)
			}
			th := doc.Find(`th[aria-sort]`)
			if th.Length() != 1 || text(th) != "N° d'incident" || th.AttrOr("aria-sort", "") != "ascending" {
				t.Fatalf("sorted header %q %q", text(th), th.AttrOr("aria-sort", ""))
			}
			href := th.Find("a").AttrOr("href", "")
			if !strings.Contains(href, "ordre=desc") || !strings.Contains(href, "filtre=tous") {
				t.Fatalf("the header link reverses the order and keeps the filter: %q", href)
			}
			doc = rlGet(t, b, href, http.StatusOK)
			got = rlRowNumbers(doc)
			if !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Fatalf("not sorted descending: %v", got)
			}
		})

		t.Run("the page size is chosen and the pagination links keep the filter", func(t *testing.T) {
			for i := range 12 {
				f.file(f.me, f.me, false, store.StatusNew, fmt.Sprint("Ticket de pagination ", i))
			}
			doc := rlGet(t, b, "/incidents?filtre=ouverts&taille=10", http.StatusOK)
			if n := len(rlRowNumbers(doc)); n != 10 {
				t.Fatalf("%d rows on a page of 10", n)
			}
			if got := text(doc.Find("#nombre")); got != "Nombre d'enregistrements : 16" {
				t.Fatalf("count %q", got)
			}
			if sel := doc.Find(`#taille option[selected]`); sel.AttrOr("value", "") != "10" {
				t.Fatalf("selected size %q", sel.AttrOr("value", ""))
			}
			if v := doc.Find(`#form-taille input[name="filtre"]`).AttrOr("value", ""); v != "ouverts" {
				t.Fatalf("the size form keeps the filter, got %q", v)
			}
			next := doc.Find(".fr-pagination__link--next").AttrOr("href", "")
			if !strings.Contains(next, "page=2") || !strings.Contains(next, "taille=10") {
				t.Fatalf("next page link %q", next)
			}
			doc = rlGet(t, b, next, http.StatusOK)
			if n := len(rlRowNumbers(doc)); n != 6 {
				t.Fatalf("%d rows on page 2", n)
			}
			if cur := doc.Find(`.fr-pagination__link[aria-current="page"]`); text(cur) != "2" {
				t.Fatalf("current page %q", text(cur))
			}
		})

		t.Run("an htmx request gets the list part alone", func(t *testing.T) {
			b.header.Set("HX-Request", "true")
			b.header.Set("HX-Target", "liste-incidents")
			defer b.header.Del("HX-Request")
			defer b.header.Del("HX-Target")
			doc := rlGet(t, b, "/incidents?filtre=clotures", http.StatusOK)
			if doc.Find("header, h1, #form-actions").Length() != 0 {
				t.Fatal("the fragment carries the page around the list")
			}
			if doc.Find("#liste-incidents").Length() != 1 || len(rlRowNumbers(doc)) != 2 {
				t.Fatalf("fragment rows %v", rlRowNumbers(doc))
			}
		})

		t.Run("the Actions menu without a selection explains what to do", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents/actions?action=maj", http.StatusUnprocessableEntity)
			if got := text(doc.Find("#erreur-actions")); !strings.Contains(got, "Sélectionnez au moins un incident") {
				t.Fatalf("message %q", got)
			}
		})

		t.Run("Mise à jour de l'incident takes one ticket at a time", func(t *testing.T) {
			q := url.Values{"action": {"maj"}, "n": {f.mine[store.StatusNew], f.forMe}}
			doc := rlGet(t, b, "/incidents/actions?"+q.Encode(), http.StatusUnprocessableEntity)
			if got := text(doc.Find("#erreur-actions")); !strings.Contains(got, "un seul incident") {
				t.Fatalf("message %q", got)
			}
		})

		t.Run("Mise à jour de l'incident opens the add-information form of the selected ticket", func(t *testing.T) {
			q := url.Values{"action": {"maj"}, "n": {f.forMe}}
			resp := b.get("/incidents/actions?" + q.Encode())
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/incidents/"+f.forMe+"/informations" {
				t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})

		t.Run("Annuler opens the confirmation, which says which tickets can be cancelled", func(t *testing.T) {
			q := url.Values{"action": {"annuler"}, "n": {f.mine[store.StatusNew], f.mine[store.StatusResolved], f.private}}
			resp := b.get("/incidents/actions?" + q.Encode())
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/incidents/annulation?") {
				t.Fatalf("status %d location %q", resp.StatusCode, loc)
			}
			doc := rlGet(t, b, loc, http.StatusOK)
			if got := rlRowNumbers(doc); !slices.Equal(got, []string{f.mine[store.StatusNew], f.mine[store.StatusResolved]}) {
				t.Fatalf("rows %v (a hidden ticket is not even named)", got)
			}
			if got := doc.Find(`#form-annulation input[name="n"]`).AttrOr("value", ""); got != f.mine[store.StatusNew] || doc.Find(`#form-annulation input[name="n"]`).Length() != 1 {
				t.Fatalf("the form cancels only the new ticket, got %q", got)
			}
			if got := text(doc.Find(fmt.Sprintf(`tr[data-numero="%s"] .resultat`, f.mine[store.StatusResolved]))); !strings.Contains(got, "acceptez ou refusez") {
				t.Fatalf("resolved ticket message %q", got)
			}
		})

		t.Run("cancelling without Temporal keeps the reason and shows a French message", func(t *testing.T) {
			form := url.Values{"n": {f.mine[store.StatusNew]}, "motif": {"Doublon de mon autre demande"}}
			resp := rlPost(t, b, "/incidents/annulation", "/incidents/annulation?n="+f.mine[store.StatusNew], form, http.StatusUnprocessableEntity)
			doc := parse(t, resp)
			if got := text(doc.Find(".resultat")); !strings.Contains(got, "indisponible") {
				t.Fatalf("outcome %q", got)
			}
		})
	})
}

// regexpDate reports whether s reads like 16/04/2013 14:29:42.
func rlIsDate(s string) bool {
	_, err := time.Parse("02/01/2006 15:04:05", s)
	return err == nil
}

func TestIncidentsDeMonEntite(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newRLFixture(t, db)
		b := f.signedIn(t, "rl.agent")

		t.Run("the list shows the non-private tickets of my entity, nothing private nor from elsewhere", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents/entite?filtre=tous", http.StatusOK)
			want := []string{f.entity, f.mine[store.StatusNew], f.mine[store.StatusWaiting], f.mine[store.StatusResolved],
				f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}
			if got := rlRowNumbers(doc); !rlSameSet(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
			if !strings.Contains(text(doc.Find("#intro")), rlEntity) {
				t.Fatalf("intro %q names the entity", text(doc.Find("#intro")))
			}
			if doc.Find(`input[type="checkbox"], #form-actions`).Length() != 0 {
				t.Fatal("colleagues' tickets cannot be selected for actions")
			}
		})
		t.Run("the side menu marks Incidents de mon entité only", func(t *testing.T) {
			doc := rlGet(t, b, "/incidents/entite", http.StatusOK)
			cur := doc.Find(`#menu a[aria-current="page"]`)
			if cur.Length() != 1 || text(cur) != "Incidents de mon entité" {
				t.Fatalf("current entries %q", text(cur))
			}
		})
		t.Run("the stranger sees only their entity's ticket", func(t *testing.T) {
			sb := f.signedIn(t, "rl.etranger")
			doc := rlGet(t, sb, "/incidents/entite", http.StatusOK)
			if got := rlRowNumbers(doc); !slices.Equal(got, []string{f.other}) {
				t.Fatalf("rows %v", got)
			}
		})
	})
}

func TestValidationForm(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newRLFixture(t, db)
		b := f.signedIn(t, "rl.agent")
		resolved := f.mine[store.StatusResolved]
		formURL := "/validations/" + resolved

		t.Run("the validations list holds my resolved ticket with its closing date and a link to the form", func(t *testing.T) {
			doc := rlGet(t, b, "/validations", http.StatusOK)
			if got := rlRowNumbers(doc); !slices.Equal(got, []string{resolved}) {
				t.Fatalf("rows %v", got)
			}
			if got := text(doc.Find(".echeance")); got != "27/11/2026 16:04:05" {
				t.Fatalf("closing date %q (Europe/Paris)", got)
			}
			if href := doc.Find("a.valider").AttrOr("href", ""); href != formURL {
				t.Fatalf("link %q", href)
			}
		})

		t.Run("the form shows the solution, the automatic closure date and the seed's fields", func(t *testing.T) {
			doc := rlGet(t, b, formURL, http.StatusOK)
			if got := text(doc.Find("#solution")); !strings.Contains(got, "Le câble vidéo a été remplacé.") {
				t.Fatalf("solution %q", got)
			}
			if got := text(doc.Find("#cloture-auto")); !strings.Contains(got, "27/11/2026 16:04:05") {
				t.Fatalf("closure %q", got)
			}
			for sel, want := range map[string]string{
				`label[for="decision-acceptation"]`: "Acceptation",
				`label[for="decision-refus"]`:       "Refus",
				"#delai-legend":                     "Délai d'intervention",
				"#qualite-legend":                   "Qualité d'intervention",
				"#terminer":                         "Terminer",
				"#annuler":                          "Annuler",
			} {
				if got := text(doc.Find(sel)); !strings.HasPrefix(got, want) {
					t.Errorf("%s = %q, want %q…", sel, got, want)
				}
			}
			if n := doc.Find(`input[name="delai"]`).Length(); n != 5 {
				t.Errorf("%d delay ratings", n)
			}
			if doc.Find("#terminer").AttrOr("accesskey", "") != "e" || doc.Find("#annuler").AttrOr("accesskey", "") != "o" {
				t.Error("Terminer and Annuler carry the seed's access keys E and O")
			}
		})

		rejections := []struct {
			name    string
			form    url.Values
			summary string
			field   string // element carrying the error class
		}{
			{"a form without a decision is refused", url.Values{"delai": {"4"}, "qualite": {"4"}},
				"Choisissez « Acceptation » ou « Refus ».", "#decision.fr-fieldset--error"},
			{"a refusal without a comment is refused", url.Values{"decision": {"refus"}, "delai": {"2"}, "qualite": {"3"}},
				"Un refus doit être motivé", ".fr-input-group--error #commentaire"},
			{"a rating out of range is refused", url.Values{"decision": {"acceptation"}, "delai": {"9"}, "qualite": {"4"}, "commentaire": {"Parfait"}},
				"Délai d'intervention : choisissez une note de 1 à 5.", "#delai.fr-fieldset--error"},
			{"a missing rating is refused", url.Values{"decision": {"acceptation"}, "delai": {"4"}, "commentaire": {"Parfait"}},
				"Qualité d'intervention : choisissez une note de 1 à 5.", "#qualite.fr-fieldset--error"},
		}
		for _, tc := range rejections {
			t.Run(tc.name, func(t *testing.T) {
				doc := parse(t, rlPost(t, b, formURL, formURL, tc.form, http.StatusUnprocessableEntity))
				if got := text(doc.Find("#erreurs")); !strings.Contains(got, tc.summary) {
					t.Fatalf("summary %q lacks %q", got, tc.summary)
				}
				if doc.Find(tc.field).Length() != 1 {
					t.Fatalf("no error on %s", tc.field)
				}
				// Every typed value comes back.
				for _, name := range []string{"decision", "delai", "qualite"} {
					if v := tc.form.Get(name); v != "" && v != "9" {
						if doc.Find(fmt.Sprintf(`input[name="%s"][value="%s"][checked]`, name, v)).Length() != 1 {
							t.Errorf("%s=%s not kept", name, v)
						}
					}
				}
				if got := doc.Find("#commentaire").Text(); got != tc.form.Get("commentaire") {
					t.Errorf("comment %q not kept", got)
				}
			})
		}

		t.Run("an acceptation whose comment reads like a failure asks to confirm or switch to a refusal", func(t *testing.T) {
			form := url.Values{"decision": {"acceptation"}, "delai": {"3"}, "qualite": {"2"},
				"commentaire": {"Merci, mais l'écran NE FONCTIONNE TOUJOURS PAS."}}
			doc := parse(t, rlPost(t, b, formURL, formURL, form, http.StatusOK))
			box := doc.Find("#contradiction")
			if !strings.Contains(text(box), "semble dire que le problème n'est pas résolu") {
				t.Fatalf("warning %q", text(box))
			}
			if box.Find(`button[name="confirmation"][value="refus"]`).Length() != 1 ||
				box.Find(`button[name="confirmation"][value="acceptation"]`).Length() != 1 {
				t.Fatal("the warning offers both choices")
			}
			if doc.Find(`input[name="decision"][value="acceptation"][checked]`).Length() != 1 ||
				doc.Find(`input[name="delai"][value="3"][checked]`).Length() != 1 ||
				doc.Find("#commentaire").Text() != form.Get("commentaire") {
				t.Fatal("the typed values are kept")
			}
			tk, err := db.GetTicket(context.Background(), resolved)
			if err != nil || tk.Status != store.StatusResolved {
				t.Fatalf("nothing is sent before the answer: %v %v", tk.Status, err)
			}
		})

		t.Run("confirming the acceptation sends it; without Temporal the page says so in French, values kept", func(t *testing.T) {
			form := url.Values{"decision": {"acceptation"}, "delai": {"3"}, "qualite": {"2"},
				"commentaire": {"Ça ne fonctionne toujours pas mais je clôture."}, "confirmation": {"acceptation"}}
			doc := parse(t, rlPost(t, b, formURL, formURL, form, http.StatusUnprocessableEntity))
			if doc.Find("#contradiction").Length() != 0 {
				t.Fatal("the confirmed acceptation is not asked again")
			}
			if got := text(doc.Find("#refus-action")); !strings.Contains(got, "momentanément indisponible") {
				t.Fatalf("message %q", got)
			}
			if doc.Find(`input[name="qualite"][value="2"][checked]`).Length() != 1 {
				t.Fatal("values kept")
			}
		})

		t.Run("switching to a refusal keeps the comment and ratings and sends a refusal", func(t *testing.T) {
			form := url.Values{"decision": {"acceptation"}, "delai": {"3"}, "qualite": {"2"},
				"commentaire": {"Toujours le même problème"}, "confirmation": {"refus"}}
			doc := parse(t, rlPost(t, b, formURL, formURL, form, http.StatusUnprocessableEntity))
			if doc.Find(`input[name="decision"][value="refus"][checked]`).Length() != 1 {
				t.Fatal("the decision is now a refusal")
			}
		})

		t.Run("someone who is neither requester nor beneficiary cannot open the form", func(t *testing.T) {
			cb := f.signedIn(t, "rl.collegue")
			rlGet(t, cb, formURL, http.StatusNotFound)
		})

		t.Run("a ticket that is not resolved says it awaits no validation", func(t *testing.T) {
			doc := rlGet(t, b, "/validations/"+f.mine[store.StatusNew], http.StatusOK)
			if got := text(doc.Find("#pas-de-validation")); !strings.Contains(got, "n'attend pas de validation") {
				t.Fatalf("message %q", got)
			}
			if doc.Find("#form-validation").Length() != 0 {
				t.Fatal("no form for a ticket that awaits no validation")
			}
		})
	})
}

func TestHeaderAndSideMenu(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newRLFixture(t, db)
		b := f.signedIn(t, "rl.agent")

		t.Run("the header shows the counters on every page", func(t *testing.T) {
			for _, path := range []string{"/", "/incidents", "/validations"} {
				doc := rlGet(t, b, path, http.StatusOK)
				if got := text(doc.Find("#compteur-validations")); got != "Validations : 1" {
					t.Errorf("%s: %q", path, got)
				}
				if got := text(doc.Find("#compteur-encours")); got != "En cours : Incidents : 3" {
					t.Errorf("%s: %q", path, got)
				}
			}
		})
		t.Run("the counters fragment is polled every 30 seconds", func(t *testing.T) {
			doc := rlGet(t, b, "/compteurs", http.StatusOK)
			box := doc.Find("#compteurs")
			if box.AttrOr("hx-get", "") != "/compteurs" || box.AttrOr("hx-trigger", "") != "every 30s" {
				t.Fatalf("fragment attributes %v", box.Nodes)
			}
			if doc.Find("header").Length() != 0 || text(doc.Find("#compteur-validations")) != "Validations : 1" {
				t.Fatalf("fragment %q", text(doc.Selection))
			}
		})
		t.Run("the side menu lists the seed's entries", func(t *testing.T) {
			doc := rlGet(t, b, "/", http.StatusOK)
			var labels []string
			doc.Find("#menu .fr-sidemenu__list").First().Find("a").Each(func(_ int, s *goquery.Selection) { labels = append(labels, text(s)) })
			for _, want := range []string{"Accueil", "Nouvel incident", "Suivi des incidents", "Incidents de mon entité",
				"Validations", "Base de connaissances", "Recherche"} {
				if !slices.Contains(labels, want) {
					t.Errorf("side menu %q lacks %q", labels, want)
				}
			}
			if got := text(doc.Find("#mes-favoris")); got != "Aucun favori" {
				t.Errorf("favourites %q", got)
			}
			if got := text(doc.Find("#mon-historique")); got != "Aucun incident consulté" {
				t.Errorf("history %q", got)
			}
		})
		t.Run("starring a ticket puts it in Mes favoris, starring again takes it out", func(t *testing.T) {
			target := "/incidents/" + f.entity + "/favori"
			resp := rlPost(t, b, target, "/", url.Values{"suite": {"/incidents"}}, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); loc != "/incidents" {
				t.Fatalf("back to %q", loc)
			}
			doc := rlGet(t, b, "/", http.StatusOK)
			if got := text(doc.Find("#mes-favoris a")); !strings.HasPrefix(got, f.entity) {
				t.Fatalf("favourites %q", got)
			}
			rlPost(t, b, target, "/", url.Values{}, http.StatusSeeOther)
			doc = rlGet(t, b, "/", http.StatusOK)
			if doc.Find("#mes-favoris a").Length() != 0 {
				t.Fatal("unstarred ticket still listed")
			}
		})
		t.Run("the ticket page offers the star and records the visit in Mon historique", func(t *testing.T) {
			page := "/incidents/" + f.mine[store.StatusWaiting]
			doc := rlGet(t, b, page, http.StatusOK)
			if got := text(doc.Find("#favori")); got != "Ajouter aux favoris" {
				t.Fatalf("star button %q", got)
			}
			if href := doc.Find("#mon-historique a").First().AttrOr("href", ""); href != page {
				t.Fatalf("the page just opened heads Mon historique, got %q", href)
			}
			rlPost(t, b, page+"/favori", page, url.Values{}, http.StatusSeeOther)
			doc = rlGet(t, b, page, http.StatusOK)
			if got := text(doc.Find("#favori")); got != "Retirer des favoris" {
				t.Fatalf("star button after starring %q", got)
			}
			rlPost(t, b, page+"/favori", page, url.Values{}, http.StatusSeeOther)
		})
		t.Run("a ticket I may not see cannot be starred", func(t *testing.T) {
			rlPost(t, b, "/incidents/"+f.private+"/favori", "/", url.Values{}, http.StatusNotFound)
		})
		t.Run("Mon historique lists the tickets I looked at last", func(t *testing.T) {
			v := store.NewViewer(f.me, nil)
			for _, n := range []string{f.forMe, f.entity} {
				if err := db.RecordView(context.Background(), v, n); err != nil {
					t.Fatal(err)
				}
			}
			doc := rlGet(t, b, "/", http.StatusOK)
			var got []string
			doc.Find("#mon-historique a").Each(func(_ int, s *goquery.Selection) {
				got = append(got, strings.TrimPrefix(s.AttrOr("href", ""), "/incidents/"))
			})
			// The ticket page opened by an earlier step comes after them.
			if len(got) != 3 || !slices.Equal(got[:2], []string{f.entity, f.forMe}) {
				t.Fatalf("history %v", got)
			}
		})

		search := []struct {
			name, q, location string
			status            int
		}{
			{"a ticket number I may see opens the ticket", f.forMe, "/incidents/" + f.forMe, http.StatusSeeOther},
			{"a ticket number in lower case opens it too", strings.ToLower(f.entity), "/incidents/" + f.entity, http.StatusSeeOther},
			{"words go to the full-text search", "imprimante bloquée", "/recherche?q=imprimante+bloqu%C3%A9e", http.StatusSeeOther},
			{"an empty search opens the search page", "  ", "/recherche", http.StatusSeeOther},
			{"a private ticket of someone else looks missing", f.private, "", http.StatusNotFound},
		}
		for _, tc := range search {
			t.Run("global search: "+tc.name, func(t *testing.T) {
				resp := b.get("/aller?" + url.Values{"q": {tc.q}}.Encode())
				if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
					t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
				}
			})
		}
		t.Run("the header's search box sends to /aller", func(t *testing.T) {
			doc := rlGet(t, b, "/", http.StatusOK)
			form := doc.Find("#recherche-globale")
			if form.AttrOr("action", "") != "/aller" || form.Find(`input[name="q"]`).Length() != 1 || text(form.Find("label")) != "Recherche globale" {
				t.Fatalf("search form %v", form.Nodes)
			}
		})
	})
}
