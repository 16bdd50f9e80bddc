package web_test

// The requester's journey in headless Chromium on the whole stack: sign
// in, Alt+N, a ticket with an attachment for a colleague found through the
// live directory search, its number, the ticket page, added information.
// Each screen is audited with axe-core and saved as a screenshot.

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// reqAccessKey presses Alt+key as a person does to use an accesskey:
// Chromium activates access keys on the char event, which chromedp's
// KeyEvent leaves out when a modifier is down, so the events are sent here.
func reqAccessKey(key rune) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		code := int64(unicode.ToUpper(key))
		k := string(key)
		for _, p := range []input.DispatchKeyEventParams{
			{Type: input.DispatchKeyEventTypeKeyDown, Modifiers: int64(chromedp.ModifierAlt), Key: k, Code: "Key" + strings.ToUpper(k), WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code},
			{Type: input.DispatchKeyEventTypeChar, Modifiers: int64(chromedp.ModifierAlt), Key: k, Code: "Key" + strings.ToUpper(k), Text: k, UnmodifiedText: k, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code},
			{Type: input.DispatchKeyEventTypeKeyUp, Modifiers: int64(chromedp.ModifierAlt), Key: k, Code: "Key" + strings.ToUpper(k), WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code},
		} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestBrowserRequesterJourney(t *testing.T) {
	ctx := browserContext(t)
	st := newTestStack(t)
	base := st.listen(t)

	// A generous bound, so a hung browser fails the test rather than CI.
	ctx, problems := browserSession(t, ctx, 3*time.Minute)

	file := filepath.Join(t.TempDir(), "capture-ecran.png")
	if err := os.WriteFile(file, pngBytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	step := browserSteps(t, ctx)

	step("sign in",
		signInActions(base+"/connexion", "agent", `#actualites`),
	)

	step("Alt+N opens the new-incident form",
		reqAccessKey('n'),
		chromedp.WaitVisible(chromedp.CSS(`#form-incident`)),
	)
	if got := pageText(t, ctx, "h1"); got != "Nouvel incident" {
		t.Errorf("h1 = %q", got)
	}
	screenshot(t, ctx, "requester-incident-form")
	axeAudit(t, ctx, "new-incident form")

	step("the live directory search finds a colleague",
		chromedp.SendKeys(chromedp.CSS(`#recherche`), "bern"),
		chromedp.WaitVisible(chromedp.CSS(`tr.resultat-annuaire button[name="choisir"]`)),
	)
	if got := pageText(t, ctx, "tr.resultat-annuaire td"); got != "BERNARD" {
		t.Errorf("first result = %q", got)
	}
	screenshot(t, ctx, "requester-directory-search")
	step("choosing the colleague makes them the beneficiary",
		chromedp.Click(chromedp.CSS(`tr.resultat-annuaire button[name="choisir"]`)),
		// The form comes back without the results once the choice is made.
		chromedp.WaitNotPresent(chromedp.CSS(`tr.resultat-annuaire`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-incident`)),
	)
	if got := pageText(t, ctx, "#beneficiaire-nom"); got != "BERNARD, Julien" {
		t.Fatalf("beneficiary = %q", got)
	}

	step("an empty form shows its errors",
		chromedp.Click(chromedp.CSS(`#envoyer`)),
		chromedp.WaitVisible(chromedp.CSS(`#resume-erreurs`)),
	)
	screenshot(t, ctx, "requester-incident-form-errors")
	axeAudit(t, ctx, "new-incident form with errors")

	leaf := strconv.FormatInt(st.leaves["Écran"].ID, 10)
	step("fill and send the form with an attachment",
		chromedp.SetValue(chromedp.CSS(`#categorie`), leaf),
		chromedp.SendKeys(chromedp.CSS(`#description`), "L'écran de Julien reste noir depuis ce matin.\nVoir la capture."),
		chromedp.SetUploadFiles(chromedp.CSS(`#documents`), []string{file}),
		chromedp.Click(chromedp.CSS(`#envoyer`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirmation`)),
	)
	number := pageText(t, ctx, "#numero")
	if got := pageText(t, ctx, "#confirmation"); !strings.Contains(got, "La fiche a été enregistrée sous le numéro "+number) {
		t.Errorf("confirmation = %q", got)
	}
	screenshot(t, ctx, "requester-confirmation")
	axeAudit(t, ctx, "confirmation")

	step("open the ticket",
		chromedp.Click(chromedp.CSS(`#lien-fiche`)),
		chromedp.WaitVisible(chromedp.CSS(`#chronologie`)),
	)
	if got := pageText(t, ctx, "#f-beneficiaire"); got != "BERNARD, Julien" {
		t.Errorf("beneficiary = %q", got)
	}
	if got := pageText(t, ctx, "#documents"); !strings.Contains(got, "capture-ecran.png") {
		t.Errorf("documents = %q", got)
	}
	screenshot(t, ctx, "requester-ticket")
	axeAudit(t, ctx, "ticket page")

	step("add information",
		chromedp.Click(chromedp.CSS(`#action-mise-a-jour`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-information`)),
	)
	axeAudit(t, ctx, "add information form")
	screenshot(t, ctx, "requester-add-information")
	step("send the information",
		chromedp.SendKeys(chromedp.CSS(`#information`), "Il s'agit du bureau 422."),
		chromedp.Click(chromedp.CSS(`#envoyer`)),
		chromedp.WaitVisible(chromedp.CSS(`#avis-action`)),
	)
	if got := pageText(t, ctx, "#chronologie"); !strings.Contains(got, "Il s'agit du bureau 422.") {
		t.Errorf("timeline = %q", got)
	}
	screenshot(t, ctx, "requester-ticket-after-information")

	step("the cancel confirm step",
		chromedp.Click(chromedp.CSS(`#action-annuler`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-annulation`)),
	)
	axeAudit(t, ctx, "cancel confirmation")
	screenshot(t, ctx, "requester-cancel")

	for _, p := range problems.list() {
		// The form with errors is answered 422 on purpose.
		if strings.Contains(p, "status of 422") {
			continue
		}
		t.Errorf("browser console: %s", p)
	}
}
