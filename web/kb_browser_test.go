package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guichet/store"
	"guichet/store/storetest"
)

// TestBrowserSearchAndArticle searches from the header's box in headless
// Chromium, opens the article found, and audits the search, article and
// knowledge-base pages with axe-core.
func TestBrowserSearchAndArticle(t *testing.T) {
	ctx := browserContext(t)
	db := storetest.SQLite(t)
	w := newKBWorld(t, db)
	a := &store.Article{AcademyCode: "creteil", Published: true, CategoryPath: w.category.Path,
		Title: "Dégager un bourrage d'imprimante", Body: "Ouvrez le **capot** puis retirez la feuille coincée.\n\n- débranchez\n- rebranchez"}
	if err := db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	base := w.e.listen(t)

	ctx, problems := browserSession(t, ctx, 2*time.Minute)

	step := browserSteps(t, ctx)
	step("sign in",
		signInActions(base+"/connexion", "agent", `#utilisateur`),
	)
	step("search from the header",
		chromedp.WaitVisible(chromedp.CSS(`#recherche-q`)),
		chromedp.SendKeys(chromedp.CSS(`#recherche-q`), "imprimantes\r"),
		chromedp.WaitVisible(chromedp.CSS(`#resultats-articles`)),
	)
	if got := pageText(t, ctx, `#resultats-articles h3`); got != a.Title {
		t.Fatalf("article found: %q", got)
	}
	if got := pageText(t, ctx, `#resultats-incidents h3`); !strings.Contains(got, w.resolved) {
		t.Fatalf("ticket found: %q", got)
	}
	axeAudit(t, ctx, "recherche")
	screenshot(t, ctx, "kb-recherche")

	step("open the article",
		chromedp.Click(chromedp.CSS(`#resultats-articles h3 a`)),
		chromedp.WaitVisible(chromedp.CSS(`#article-contenu`)),
	)
	if got := pageText(t, ctx, `#article-contenu strong`); got != "capot" {
		t.Fatalf("rendered body: %q", got)
	}
	axeAudit(t, ctx, "article")
	screenshot(t, ctx, "kb-article")

	step("browse the knowledge base",
		chromedp.Navigate(base+"/base-de-connaissances"),
		chromedp.WaitVisible(chromedp.CSS(`#articles`)),
	)
	axeAudit(t, ctx, "base-de-connaissances")
	screenshot(t, ctx, "kb-liste")

	if ps := problems.list(); len(ps) > 0 {
		t.Errorf("console problems: %v", ps)
	}
}
