package web_test

// The pages a staff member in a hurry opens on a phone, and the support
// desk's, at 390 px wide: nothing may run off the side of the screen (no
// horizontal scrolling), and each is saved as a screenshot to look at.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"guichet/workflows"
)

func TestBrowserPagesFitA390PixelScreen(t *testing.T) {
	ctx := browserContext(t)
	st := newTestStack(t)
	base := st.listen(t)
	number := st.submit(t, "agent", ticketOpts{description: "L'écran reste noir depuis ce matin.\nLe voyant clignote orange."})
	resolved := st.submit(t, "agent", ticketOpts{})
	st.resolve(t, resolved)
	st.update(t, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: st.actor("tech")})
	st.update(t, number, workflows.UpdateRequestInfo, workflows.RequestInfoInput{Actor: st.actor("tech"),
		Question: "Quel est le modèle de votre écran ?"})

	ctx, problems := browserSession(t, ctx, 3*time.Minute)
	browse(t, ctx, "narrow screen", chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait))

	pages := []struct {
		who, name, path, ready string
	}{
		{"agent", "accueil", "/", "#actualites"},
		{"agent", "nouvel-incident", "/incidents/nouveau", "#form-incident"},
		{"agent", "suivi", "/incidents", "h1"},
		{"agent", "incident-en-attente", "/incidents/" + number, "h1"},
		{"agent", "ajout-information", "/incidents/" + number + "/informations", "#form-information"},
		{"agent", "validations", "/validations", "h1"},
		{"agent", "validation", "/validations/" + resolved, "#form-validation"},
		{"tech", "file", "/support/file", "h1"},
		{"tech", "incident-support", "/support/incidents/" + number, "h1"},
	}
	signedIn := ""
	for _, p := range pages {
		t.Run(p.who+" reads "+p.path+" without scrolling sideways", func(t *testing.T) {
			if p.who != signedIn {
				// The same browser goes on as someone else: drop its cookies.
				if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
					t.Fatalf("sign out: %v", err)
				}
				// The header's tools (the signed-in name) are folded into
				// the menu on a phone: wait for them to be there, not shown.
				browse(t, ctx, "sign in as "+p.who,
					chromedp.Navigate(base+"/connexion"),
					chromedp.WaitVisible(chromedp.CSS(`#form-connexion`)),
					chromedp.SendKeys(chromedp.CSS(`#login`), p.who),
					chromedp.SendKeys(chromedp.CSS(`#password`), testPassword),
					chromedp.Click(chromedp.CSS(`#valider`)),
					chromedp.WaitReady(chromedp.CSS(`#utilisateur`)),
				)
				signedIn = p.who
			}
			browse(t, ctx, "open "+p.path,
				chromedp.Navigate(base+p.path),
				chromedp.WaitVisible(chromedp.CSS(p.ready)),
			)
			width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			// The elements that stick out on the right, for the message.
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *'))
				.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'fixed')
				.slice(0, 6).map(e => Math.round(e.getBoundingClientRect().left)+'-'+Math.round(e.getBoundingClientRect().right)+':'+getComputedStyle(e).marginLeft+'/'+getComputedStyle(e).marginRight+':'+ e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''))`))
			if err != nil {
				t.Fatal(err)
			}
			screenshot(t, ctx, "narrow-"+p.name)
			if width != 390 {
				t.Fatalf("viewport is %d px wide, want 390", width)
			}
			if scroll > width {
				t.Errorf("%s is %d px wide on a %d px screen; sticking out: %s", p.path, scroll, width, strings.Join(wide, ", "))
			}
		})
	}
	for _, p := range problems.list() {
		t.Errorf("browser console: %s", p)
	}
}
