package web_test

import (
	"context"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"guichet/store"
	"guichet/workflows"
)

// xssPayload is put into every user-written field: each part would set
// window.__xss if it reached the page as markup, and {{.}} would show if
// a field were ever parsed as a template.
const xssPayload = `<script>window.__xss=1</script> "><img src=x onerror="window.__xss=1"> ` +
	`<svg onload=window.__xss=1> <a href="javascript:window.__xss=1">lien</a> javascript:window.__xss=1 {{.}}`

// xssMarkdown adds Markdown links and raw HTML for the knowledge base,
// whose bodies are rendered from Markdown.
const xssMarkdown = xssPayload + "\n\n[cliquer](javascript:window.__xss=1) <iframe src=\"javascript:window.__xss=1\"></iframe>\n\n" +
	"<div onmouseover=\"window.__xss=1\">survol</div>"

// injectedMarkup finds, in the loaded page, elements the payload would
// have created had it not been escaped: inline scripts, event-handler
// attributes, javascript: links and frames.
const injectedMarkup = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll('script:not([src]), iframe:not(#mail-html-preview), [onerror], [onload], [onmouseover], a[href^="javascript:" i]')) {
    bad.push(el.outerHTML.slice(0, 120));
  }
  return bad.join(" | ");
})()`

// TestBrowserNoScriptFromUserFieldsRuns puts XSS payloads into every
// user-written field (the ticket's identity card and description, a
// category name, add-info, reply, internal note, solution, the refusal
// comment, a news item, a knowledge-base article, a search query and the
// login of the sign-in form), then loads every page showing them in one
// headless Chromium session with the Content-Security-Policy bypassed (so
// that escaping alone is tested, not the CSP's backing): window.__xss
// stays undefined, no dialog opens, and no injected element is in the DOM.
func TestBrowserNoScriptFromUserFieldsRuns(t *testing.T) {
	bctx := browserContext(t)
	st := newTestStack(t)
	ctx := context.Background()

	// A category named with the payload, and a ticket filed in it.
	parent := st.leaves["Écran"].ParentID
	cat := &store.Category{AcademyCode: "creteil", ParentID: parent, Name: "Catégorie " + xssPayload}
	if err := st.db.CreateCategoryUnaudited(ctx, cat); err != nil {
		t.Fatal(err)
	}
	leaf, err := st.db.GetCategory(ctx, cat.ID)
	if err != nil {
		t.Fatal(err)
	}
	agent := st.people["agent"]
	number, err := st.intake.Submit(ctx, &store.Ticket{
		AcademyCode: "creteil", RequesterID: agent.ID, BeneficiaryID: agent.ID,
		Location: agent.Location, Entity: agent.Entity, Phone: "01 " + xssPayload, OtherPhone: xssPayload,
		Availability: "Matin " + xssPayload, Service: "DSI " + xssPayload, Office: "214 " + xssPayload,
		Equipment: xssPayload, Brand: xssPayload, Model: xssPayload, Serial: xssPayload, Placement: xssPayload,
		CategoryID: leaf.ID, CategoryPath: leaf.Path, Urgency: 2, Impact: 2, Priority: workflows.Priority(2, 2),
		Description: "Écran noir " + xssPayload,
	}, []store.Attachment{{Filename: `"><img src=x onerror="window.__xss=1">.txt`, ContentType: "text/plain", Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	st.waitTicket(t, number, "routed", func(tk *store.Ticket) bool { return tk.WorkflowStartedAt != nil && tk.GroupID != nil })
	tech := st.actor("tech")
	st.update(t, number, workflows.UpdateAddInfo, workflows.AddInfoInput{Actor: st.actor("agent"), Body: "Précision " + xssPayload})
	st.update(t, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: tech})
	st.update(t, number, workflows.UpdateReply, workflows.ReplyInput{Actor: tech, Body: "Réponse " + xssPayload})
	st.update(t, number, workflows.UpdateNote, workflows.NoteInput{Actor: tech, Body: "Note interne " + xssPayload})
	st.update(t, number, workflows.UpdateRequalify, workflows.RequalifyInput{Actor: tech, Urgency: 1, Reason: "Motif " + xssPayload})
	st.update(t, number, workflows.UpdateResolve, workflows.ResolveInput{Actor: tech, Solution: "Solution " + xssPayload})
	st.update(t, number, workflows.UpdateRefuse, workflows.RefuseInput{Actor: st.actor("agent"), RatingDelay: 2, RatingQuality: 1,
		Comment: "Refus " + xssPayload})
	st.update(t, number, workflows.UpdateResolve, workflows.ResolveInput{Actor: tech, Solution: "Seconde solution " + xssPayload})
	// A second, plain ticket waiting in the queue.
	queued := st.submit(t, "collegue", ticketOpts{description: "Imprimante " + xssPayload})

	news := &store.News{AcademyCode: "creteil", Title: "Actualité " + xssPayload, Body: "Corps " + xssPayload}
	if err := st.db.CreateNewsUnaudited(ctx, news); err != nil {
		t.Fatal(err)
	}
	article := &store.Article{AcademyCode: "creteil", Title: "Article " + xssPayload, Body: xssMarkdown, Published: true,
		CategoryID: &leaf.ID, CategoryPath: leaf.Path, SourceTicket: number}
	if err := st.db.CreateArticle(ctx, article); err != nil {
		t.Fatal(err)
	}

	base := st.listen(t)
	var (
		mu      sync.Mutex
		dialogs []string
	)
	if err := chromedp.Listen(bctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Message)
			mu.Unlock()
			go func() {
				_, _ = chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(bctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel := context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()

	visited := 0
	check := func(t *testing.T, path string) {
		t.Helper()
		if err := chromedp.Do(ctx2, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
		// Handlers like onerror run asynchronously: let the page settle.
		if err := chromedp.Do(ctx2, chromedp.Sleep(150*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		ran, err := chromedp.Run(ctx2, chromedp.Evaluate[bool](`typeof window.__xss !== "undefined"`))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if ran {
			t.Errorf("%s: a payload ran (window.__xss is set)", path)
		}
		bad, err := chromedp.Run(ctx2, chromedp.Evaluate[string](injectedMarkup))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if bad != "" {
			t.Errorf("%s: injected markup in the page: %s", path, bad)
		}
		visited++
	}
	signIn := func(t *testing.T, login, password string) {
		t.Helper()
		err := chromedp.Do(ctx2,
			chromedp.Navigate(base+"/connexion"),
			chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
			chromedp.SendKeys(chromedp.CSS(`#login`), login),
			chromedp.SendKeys(chromedp.CSS(`#password`), password),
		)
		if err == nil {
			// Wait for the page the form leads to, not the form itself.
			_, err = chromedp.RunResponse(ctx2, chromedp.Click(chromedp.CSS(`#valider`)))
		}
		if err != nil {
			t.Fatalf("sign in as %q: %v", login, err)
		}
	}
	signOut := func(t *testing.T) {
		t.Helper()
		// The same browser goes on as someone else: drop its cookies.
		if _, err := chromedp.Call(ctx2, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}
	q := "/recherche?q=" + url.QueryEscape(xssPayload)
	art := "/base-de-connaissances/" + strconv.FormatInt(article.ID, 10)

	t.Run("the sign-in form shows a payload login back escaped", func(t *testing.T) {
		signIn(t, xssPayload, "mauvais")
		check(t, "/connexion?suite="+url.QueryEscape(`javascript:window.__xss=1`))
		check(t, "/connexion")
	})
	t.Run("requester pages", func(t *testing.T) {
		signIn(t, "agent", testPassword)
		for _, p := range []string{"/", "/incidents/" + number, "/incidents", "/incidents/entite", "/incidents/actions",
			"/validations", "/validations/" + number, "/incidents/" + number + "/informations", "/incidents/" + queued,
			q, "/aller?q=" + url.QueryEscape(xssPayload), "/base-de-connaissances", art,
			"/base-de-connaissances?q=" + url.QueryEscape(xssPayload), "/incidents/nouveau"} {
			check(t, p)
		}
		signOut(t)
	})
	t.Run("technician pages", func(t *testing.T) {
		signIn(t, "tech", testPassword)
		for _, p := range []string{"/support/file", "/support/mes-tickets", "/support/incidents/" + number,
			"/support/incidents/" + queued, q, art, art + "/modifier", "/prise-appel",
			"/annuaire/recherche?q=" + url.QueryEscape(xssPayload)} {
			check(t, p)
		}
		signOut(t)
	})
	t.Run("supervisor pages", func(t *testing.T) {
		signIn(t, "superviseur", testPassword)
		for _, p := range []string{"/", "/pilotage", "/pilotage/actualites", "/pilotage/actualites/" + strconv.FormatInt(news.ID, 10),
			"/pilotage/categories", "/pilotage/routage", "/pilotage/journal", "/outils/boite-mail",
			"/support/incidents/" + number} {
			check(t, p)
		}
		mails, err := st.db.ListMailsForTicket(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range mails {
			if i >= 4 {
				break
			}
			check(t, "/outils/boite-mail/"+strconv.FormatInt(m.ID, 10))
		}
		signOut(t)
	})
	mu.Lock()
	defer mu.Unlock()
	for _, d := range dialogs {
		t.Errorf("a JavaScript dialog opened: %q", d)
	}
	if visited < 30 {
		t.Errorf("only %d pages checked", visited)
	}
}
