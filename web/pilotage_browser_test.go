package web_test

// A supervisor in headless Chromium on the whole stack: reads the
// dashboard, publishes news that a requester then sees on the home page,
// creates a level-2 group and routes a category to it, and the next ticket
// of that category follows the rule. Every supervisors' screen is audited
// with axe-core and saved as a screenshot.

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store"
)

func TestBrowserSupervisorDashboardNewsRouting(t *testing.T) {
	ctx := browserContext(t)
	st := newTestStack(t)
	base := st.listen(t)
	db := st.db

	// A generous bound (the machine is shared): a hung browser fails the
	// test rather than CI.
	ctx, problems := browserSession(t, ctx, 10*time.Minute)
	step := browserSteps(t, ctx)
	signIn := func(login, waitFor string) {
		t.Helper()
		step("sign in as "+login,
			chromedp.Navigate(base+"/connexion"),
			chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
			chromedp.SendKeys(chromedp.CSS(`#login`), login),
			chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
			chromedp.Click(chromedp.CSS(`#valider`)),
			chromedp.WaitVisible(chromedp.CSS(waitFor)),
		)
	}

	// A ticket so the dashboard has something to draw.
	st.submit(t, "agent", ticketOpts{})

	signIn("superviseur", `#actualites`)
	step("open the dashboard from the side menu",
		chromedp.Click(chromedp.CSS(`#menu a[href="/pilotage"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#graphe-statuts svg`)),
	)
	if got := pageText(t, ctx, "#kpi-ouverts"); got != "1" {
		t.Errorf("open tickets %q, want 1", got)
	}
	step("choose another period",
		chromedp.SetValue(chromedp.CSS(`#periode`), "7"),
		chromedp.Click(chromedp.CSS(`#afficher`)),
		// Only the reloaded page has 7 days selected in its markup.
		chromedp.WaitReady(chromedp.CSS(`#periode option[value="7"][selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`#graphe-stock svg polyline`)),
	)
	screenshot(t, ctx, "pilotage-dashboard")
	axeAudit(t, ctx, "dashboard")

	step("write a news item",
		chromedp.Navigate(base+"/pilotage/actualites/nouvelle"),
		chromedp.WaitVisible(chromedp.CSS(`#form-actualite`)),
		chromedp.SendKeys(chromedp.CSS(`#titre`), "Maintenance de la messagerie"),
		chromedp.SendKeys(chromedp.CSS(`#texte`), "La messagerie sera indisponible samedi matin."),
	)
	screenshot(t, ctx, "pilotage-news-form")
	axeAudit(t, ctx, "news form")
	step("publish it",
		chromedp.Click(chromedp.CSS(`#enregistrer`)),
		chromedp.WaitVisible(chromedp.CSS(`#enregistre`)),
	)
	if got := pageText(t, ctx, "#actualites-gestion tbody tr .fr-badge"); !strings.EqualFold(got, "Publiée") {
		t.Errorf("state %q", got)
	}
	screenshot(t, ctx, "pilotage-news-list")
	axeAudit(t, ctx, "news list")

	step("create a level-2 group",
		chromedp.Navigate(base+"/pilotage/groupes"),
		chromedp.WaitVisible(chromedp.CSS(`#form-groupe`)),
		chromedp.SendKeys(chromedp.CSS(`#form-groupe #nom`), "Réseau et télécoms"),
		chromedp.Click(chromedp.CSS(`#form-groupe button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#enregistre`)),
	)
	screenshot(t, ctx, "pilotage-groups")
	axeAudit(t, ctx, "groups")
	groups, err := db.GroupsOf(context.Background(), "creteil")
	if err != nil {
		t.Fatal(err)
	}
	var level2 int64
	for _, g := range groups {
		if g.Name == "Réseau et télécoms" {
			level2 = g.ID
		}
	}
	if level2 == 0 {
		t.Fatalf("group not created: %+v", groups)
	}

	leaf := st.leaves["Écran"]
	sel := `#groupe-` + strconv.FormatInt(leaf.ID, 10)
	step("route Écran to the new group",
		chromedp.Navigate(base+"/pilotage/routage"),
		chromedp.WaitVisible(chromedp.CSS(`#routage`)),
		chromedp.SetValue(chromedp.CSS(sel), strconv.FormatInt(level2, 10)),
		chromedp.Click(chromedp.CSS(`tr[data-id="`+strconv.FormatInt(leaf.ID, 10)+`"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#enregistre`)),
	)
	if got := pageText(t, ctx, `tr[data-id="`+strconv.FormatInt(leaf.ID, 10)+`"] .routage-effectif`); got != "Réseau et télécoms" {
		t.Errorf("effective group %q", got)
	}
	screenshot(t, ctx, "pilotage-routing")
	axeAudit(t, ctx, "routing")

	for _, screen := range []struct{ path, wait, name string }{
		{"/pilotage/categories", "#arbre-categories", "pilotage-categories"},
		{"/pilotage/horaires", "#form-horaires", "pilotage-hours"},
		{"/pilotage/roles?q=martin", "#resultats", "pilotage-roles"},
		{"/pilotage/journal", "#journal", "pilotage-journal"},
	} {
		step("open "+screen.path, chromedp.Navigate(base+screen.path), chromedp.WaitVisible(chromedp.CSS(screen.wait)))
		screenshot(t, ctx, screen.name)
		axeAudit(t, ctx, screen.path)
	}
	if got := pageText(t, ctx, "#journal tbody tr th"); got != "Routage modifié" {
		t.Errorf("newest journal line %q", got)
	}

	t.Run("the next ticket of the category follows the new rule", func(t *testing.T) {
		number := st.submit(t, "agent", ticketOpts{description: "Écran qui clignote."})
		tk := st.waitTicket(t, number, "routed to the level-2 group", func(tk *store.Ticket) bool {
			return tk.GroupID != nil && *tk.GroupID == level2
		})
		if tk.GroupID == nil || *tk.GroupID != level2 {
			t.Fatalf("ticket %s went to group %v, want %d", number, tk.GroupID, level2)
		}
	})

	step("sign out", chromedp.Click(chromedp.CSS(`#deconnexion`)), chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)))
	signIn("agent", `#actualites`)
	if got := pageText(t, ctx, "#actualites"); !strings.Contains(got, "Maintenance de la messagerie") {
		t.Errorf("requester's home lacks the news: %q", got)
	}
	screenshot(t, ctx, "pilotage-news-seen-by-requester")

	if ps := problems.list(); len(ps) > 0 {
		t.Errorf("browser console problems: %v", ps)
	}
}
