package web_test

// Requester lists against the real workflow: validations and cancellations
// sent as Temporal Updates (newTestStack), through plain HTTP forms and in
// headless Chromium, with an axe-core audit and screenshots of each screen.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store"
	"guichet/workflows"
)

func TestValidationThroughTheWorkflow(t *testing.T) {
	st := newTestStack(t)
	accepted := st.submit(t, "agent", ticketOpts{description: "Mon écran clignote."})
	refused := st.submit(t, "agent", ticketOpts{description: "Ma souris ne fonctionne plus."})
	cancelled := st.submit(t, "agent", ticketOpts{description: "Le clavier est bloqué."})
	st.resolve(t, accepted)
	st.resolve(t, refused)
	b := st.signedIn(t, "agent")

	t.Run("accepting with ratings closes the ticket and records the ratings", func(t *testing.T) {
		target := "/validations/" + accepted
		form := url.Values{"decision": {"acceptation"}, "delai": {"5"}, "qualite": {"4"}, "commentaire": {"Merci, tout fonctionne."}}
		resp := rlPost(t, b, target, target, form, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/validations?") {
			t.Fatalf("location %q", loc)
		}
		tk := st.waitTicket(t, accepted, "closed", func(tk *store.Ticket) bool { return tk.Status == store.StatusClosed })
		if tk.Validation != workflows.ValidationAccepted || tk.RatingDelay != 5 || tk.RatingQuality != 4 {
			t.Fatalf("ticket %+v", tk)
		}
		doc := rlGet(t, b, resp.Header.Get("Location"), http.StatusOK)
		if got := text(doc.Find("#avis")); !strings.Contains(got, accepted) || !strings.Contains(got, "clôturé") {
			t.Fatalf("notice %q", got)
		}
	})

	t.Run("a refusal sends the ticket back in progress, as the Suivi list shows", func(t *testing.T) {
		target := "/validations/" + refused
		form := url.Values{"decision": {"refus"}, "delai": {"2"}, "qualite": {"1"}, "commentaire": {"La souris ne fonctionne toujours pas."}}
		rlPost(t, b, target, target, form, http.StatusSeeOther)
		st.waitTicket(t, refused, "in progress", func(tk *store.Ticket) bool { return tk.Status == store.StatusInProgress })
		doc := rlGet(t, b, "/incidents", http.StatusOK)
		if got := text(doc.Find(fmt.Sprintf(`tr[data-numero="%s"] .statut`, refused))); got != "En cours de traitement" {
			t.Fatalf("status %q", got)
		}
		if got := text(doc.Find(fmt.Sprintf(`tr[data-numero="%s"] .suivi`, refused))); !strings.HasPrefix(got, "Validation : refus") {
			t.Fatalf("follow-up %q", got)
		}
	})

	t.Run("validating a ticket that is no longer resolved shows the workflow's French refusal", func(t *testing.T) {
		// The list was loaded while it was resolved; meanwhile it was refused.
		target := "/validations/" + refused
		doc := rlGet(t, b, target, http.StatusOK)
		if doc.Find("#pas-de-validation").Length() != 1 {
			t.Fatal("a ticket back in progress awaits no validation")
		}
	})

	t.Run("cancelling selected tickets goes through the workflow", func(t *testing.T) {
		form := url.Values{"n": {cancelled}, "motif": {"Le clavier refonctionne."}}
		resp := rlPost(t, b, "/incidents/annulation", "/incidents/annulation?n="+cancelled, form, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != "/incidents?filtre=tous&annules=1" {
			t.Fatalf("location %q", loc)
		}
		st.waitTicket(t, cancelled, "cancelled", func(tk *store.Ticket) bool { return tk.Status == store.StatusCancelled })
		doc := rlGet(t, b, "/incidents?filtre=tous&annules=1", http.StatusOK)
		if got := text(doc.Find("#avis")); got != "1 incident(s) annulé(s)." {
			t.Fatalf("notice %q", got)
		}
	})

	t.Run("cancelling a closed ticket is refused with a French message", func(t *testing.T) {
		form := url.Values{"n": {accepted}}
		doc := parse(t, rlPost(t, b, "/incidents/annulation", "/incidents", form, http.StatusUnprocessableEntity))
		if got := text(doc.Find("#erreurs")); !strings.Contains(got, "Aucun des incidents sélectionnés ne peut être annulé") {
			t.Fatalf("summary %q", got)
		}
	})
}

// rlVoid drops the value of an action so it runs among chromedp.Do steps.
func rlVoid[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

func TestBrowserRequesterLists(t *testing.T) {
	ctx := browserContext(t)
	st := newTestStack(t)
	accepted := st.submit(t, "agent", ticketOpts{description: "Mon deuxième écran clignote puis s'éteint."})
	refused := st.submit(t, "agent", ticketOpts{description: "Ma souris sans fil ne répond plus."})
	toCancel := st.submit(t, "agent", ticketOpts{description: "Le clavier du poste d'accueil est bloqué."})
	colleagues := st.submit(t, "collegue", ticketOpts{description: "Le photocopieur du 2e étage fait des traces."})
	st.resolve(t, accepted)
	st.resolve(t, refused)
	base := st.listen(t)

	ctx, problems := browserSession(t, ctx, 3*time.Minute)

	browse(t, ctx, "sign in to Suivi des incidents",
		signInActions(base+"/incidents", "agent", `#table-incidents`),
	)

	t.Run("Suivi des incidents lists my tickets and the header counts them", func(t *testing.T) {
		for _, n := range []string{accepted, refused, toCancel} {
			if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-numero="%s"]`, n)))); err != nil {
				t.Fatalf("row %s: %v", n, err)
			}
		}
		if got := textContent(t, ctx, "#compteur-validations"); got != "Validations : 2" {
			t.Errorf("counter %q", got)
		}
		if got := textContent(t, ctx, "#compteur-encours"); got != "En cours : Incidents : 1" {
			t.Errorf("counter %q", got)
		}
		screenshot(t, ctx, "requester-suivi-des-incidents")
		axeAudit(t, ctx, "Suivi des incidents")
	})

	t.Run("the filters refresh the list in place with htmx", func(t *testing.T) {
		browse(t, ctx, "",
			rlVoid(chromedp.Evaluate[bool](`window.guichetMarker = true; true`)),
			chromedp.Click(chromedp.CSS(`#filtres a[data-filtre="clotures"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#filtres a[data-filtre="clotures"][aria-current="true"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#liste-vide`)),
		)
		kept, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.guichetMarker === true`))
		if err != nil || !kept {
			t.Fatalf("the page was reloaded instead of refreshed in place (%v)", err)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil || !strings.Contains(loc, "filtre=clotures") {
			t.Fatalf("the address follows the filter: %q %v", loc, err)
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#filtres a[data-filtre="tous"]`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-numero="%s"]`, toCancel))),
		); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Incidents de mon entité shows the colleague's ticket", func(t *testing.T) {
		browse(t, ctx, "",
			chromedp.Navigate(base+"/incidents/entite"),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-numero="%s"]`, colleagues))),
		)
		screenshot(t, ctx, "requester-incidents-de-mon-entite")
		axeAudit(t, ctx, "Incidents de mon entité")
	})

	t.Run("accepting a resolution with ratings closes it", func(t *testing.T) {
		browse(t, ctx, "",
			chromedp.Navigate(base+"/validations"),
			chromedp.WaitVisible(chromedp.CSS(`#table-validations`)),
		)
		screenshot(t, ctx, "requester-validations")
		axeAudit(t, ctx, "Validations")
		browse(t, ctx, "",
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-numero="%s"] a.valider`, accepted))),
			chromedp.WaitVisible(chromedp.CSS(`#form-validation`)),
		)
		if got := textContent(t, ctx, "#solution"); !strings.Contains(got, "Le câble vidéo a été remplacé.") {
			t.Errorf("solution %q", got)
		}
		screenshot(t, ctx, "requester-validation-form")
		axeAudit(t, ctx, "Validation form")
		browse(t, ctx, "",
			answerValidation("acceptation", 5, 4, "Merci, tout est rentré dans l'ordre."),
			chromedp.WaitVisible(chromedp.CSS(`#avis`)),
		)
		if got := textContent(t, ctx, "#avis"); !strings.Contains(got, accepted) {
			t.Errorf("notice %q", got)
		}
		tk := st.waitTicket(t, accepted, "closed", func(tk *store.Ticket) bool { return tk.Status == store.StatusClosed })
		if tk.RatingDelay != 5 || tk.RatingQuality != 4 {
			t.Errorf("ratings %d/%d", tk.RatingDelay, tk.RatingQuality)
		}
	})

	t.Run("an acceptation that reads like a failure is questioned, then switched to a refusal", func(t *testing.T) {
		browse(t, ctx, "",
			chromedp.Navigate(base+"/validations/"+refused),
			chromedp.WaitVisible(chromedp.CSS(`#form-validation`)),
			answerValidation("acceptation", 2, 2, "La souris ne fonctionne toujours pas."),
			chromedp.WaitVisible(chromedp.CSS(`#contradiction`)),
		)
		screenshot(t, ctx, "requester-validation-contradiction")
		axeAudit(t, ctx, "Validation contradiction check")
		browse(t, ctx, "",
			chromedp.Click(chromedp.CSS(`#passer-refus`)),
			chromedp.WaitVisible(chromedp.CSS(`#avis`)),
		)
		st.waitTicket(t, refused, "back in progress", func(tk *store.Ticket) bool { return tk.Status == store.StatusInProgress })
		browse(t, ctx, "",
			chromedp.Navigate(base+"/incidents"),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-numero="%s"]`, refused))),
		)
		if got := textContent(t, ctx, fmt.Sprintf(`tr[data-numero="%s"] .statut`, refused)); got != "En cours de traitement" {
			t.Errorf("status after refusal %q", got)
		}
	})

	t.Run("Annuler in the Actions menu cancels the selected ticket after confirmation", func(t *testing.T) {
		browse(t, ctx, "",
			// The DSFR draws the box on the label; a real click on the
			// input, as a keyboard user's Space would do.
			rlVoid(chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById("sel-%s").click(); true`, toCancel))),
			chromedp.SetValue(chromedp.CSS(`#action`), "annuler"),
			chromedp.Click(chromedp.CSS(`#appliquer-action`)),
			chromedp.WaitVisible(chromedp.CSS(`#form-annulation`)),
		)
		screenshot(t, ctx, "requester-annulation")
		axeAudit(t, ctx, "Annulation")
		browse(t, ctx, "",
			chromedp.SendKeys(chromedp.CSS(`#motif`), "Le clavier refonctionne."),
			chromedp.Click(chromedp.CSS(`#confirmer-annulation`)),
			chromedp.WaitVisible(chromedp.CSS(`#avis`)),
		)
		st.waitTicket(t, toCancel, "cancelled", func(tk *store.Ticket) bool { return tk.Status == store.StatusCancelled })
		if got := textContent(t, ctx, fmt.Sprintf(`tr[data-numero="%s"] .statut`, toCancel)); got != "Annulé" {
			t.Errorf("status %q", got)
		}
	})

	t.Run("the header search box opens a ticket by its number", func(t *testing.T) {
		browse(t, ctx, "",
			chromedp.SendKeys(chromedp.CSS(`#recherche-q`), strings.ToLower(refused)+"\n"),
			chromedp.WaitVisible(chromedp.CSS(`#form-favori`)),
		)
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil || !strings.HasSuffix(loc, "/incidents/"+refused) {
			t.Fatalf("at %q (%v)", loc, err)
		}
	})

	t.Run("the star of the ticket page puts it in Mes favoris, and the visit is in Mon historique", func(t *testing.T) {
		browse(t, ctx, "",
			chromedp.Click(chromedp.CSS(`#favori`)),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#mes-favoris a[href="/incidents/%s"]`, refused))),
		)
		if got := textContent(t, ctx, "#favori"); got != "Retirer des favoris" {
			t.Errorf("star button %q", got)
		}
		if got := textContent(t, ctx, "#mon-historique a"); !strings.HasPrefix(got, refused) {
			t.Errorf("history starts with %q", got)
		}
		screenshot(t, ctx, "requester-favoris-historique")
	})

	msgs := problems.list()
	slices.Sort(msgs)
	for _, m := range msgs {
		t.Errorf("browser console: %s", m)
	}
}

// answerValidation fills the validation form in the browser (the decision,
// the delay and quality ratings, the comment) and clicks Terminer.
func answerValidation(decision string, delay, quality int, comment string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Click(chromedp.CSS(`label[for="decision-`+decision+`"]`)),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for="delai-%d"]`, delay))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`label[for="qualite-%d"]`, quality))),
		chromedp.SendKeys(chromedp.CSS(`#commentaire`), comment),
		chromedp.Click(chromedp.CSS(`#terminer`)),
	)
}
