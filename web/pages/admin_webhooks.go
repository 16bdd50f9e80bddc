package pages

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/netguard"
	"guichet/store"
)

// webhooksView is the view model of /admin/webhooks: the académie's
// application tokens and webhook subscriptions, and the delivery log.
type webhooksView struct {
	Page
	AcademyCode string
	Tokens      []store.ApplicationToken
	Webhooks    []store.WebhookSubscription
	Log         []store.WebhookLogEntry
	// Created is a token or secret just made, shown once; CreatedWhat says
	// which ("token" or "secret").
	Created     string
	CreatedWhat string
	Notice      string
	Errors      *formErrors
	// Form values kept on a failed submit.
	Person, Name, Scope, URL, Events string
	Expiry                           int
	Expiries                         []int
	// Suffix keeps the ?academie= of the page on its forms.
	Suffix string
}

// webhooksPage answers GET /admin/webhooks.
func (s *Pages) webhooksPage(c *fiber.Ctx) error {
	v := webhooksView{Errors: &formErrors{}, Scope: store.ScopeRead, Expiry: 365}
	switch c.Query("fait") {
	case "supprime":
		v.Notice = s.i18n.T(s.lang(c), "webhooks.deleted")
	case "revoque":
		v.Notice = s.i18n.T(s.lang(c), "tokens.revoked")
	}
	return s.renderWebhooks(c, fiber.StatusOK, &v)
}

func (s *Pages) renderWebhooks(c *fiber.Ctx, status int, v *webhooksView) error {
	ctx := c.UserContext()
	v.AcademyCode = s.academyOf(c)
	if a := c.Query("academie"); a != "" {
		v.Suffix = "?" + url.Values{"academie": {a}}.Encode()
	}
	var err error
	if v.Tokens, err = s.db.ApplicationTokens(ctx, v.AcademyCode); err != nil {
		return err
	}
	if v.Webhooks, err = s.db.Webhooks(ctx, v.AcademyCode); err != nil {
		return err
	}
	if v.Log, err = s.db.WebhookDeliveries(ctx, v.AcademyCode, 50); err != nil {
		return err
	}
	v.Expiries = tokenExpiryChoices
	v.Page = s.page(c, s.i18n.T(s.lang(c), "webhooks.title"))
	return s.render(c, status, "admin_webhooks", v)
}

// webhooksCreate answers POST /admin/webhooks: subscribes a URL and shows
// its signing secret once.
func (s *Pages) webhooksCreate(c *fiber.Ctx) error {
	errs := &formErrors{}
	raw := strings.TrimSpace(c.FormValue("url"))
	events := cleanLine(c.FormValue("evenements"))
	if msg := s.webhookURLError(c, raw); msg != "" {
		errs.Add("url", msg)
	}
	if errs.Any() {
		return s.renderWebhooks(c, fiber.StatusUnprocessableEntity, &webhooksView{Errors: errs, URL: raw, Events: events,
			Scope: store.ScopeRead, Expiry: 365})
	}
	var kinds []string
	for _, k := range strings.Split(events, ",") {
		if k = strings.TrimSpace(k); k != "" {
			kinds = append(kinds, k)
		}
	}
	w := &store.WebhookSubscription{AcademyCode: s.academyOf(c), URL: raw, Events: strings.Join(kinds, ","),
		CreatedByID: currentUser(c).ID}
	secret, err := s.db.CreateWebhook(c.UserContext(), w, store.NewWebhookKey(s.cfg.WebhookSecretKey()))
	if err != nil {
		return err
	}
	return s.renderWebhooks(c, fiber.StatusCreated, &webhooksView{Errors: &formErrors{}, Created: secret,
		CreatedWhat: "secret", Scope: store.ScopeRead, Expiry: 365})
}

// webhookURLError checks a subscription URL and returns the French (or
// English) reason it is refused, "" when it is accepted: an http(s) URL
// whose host does not lead into the internal network (netguard), unless
// webhooks.allow_private_targets. Deliveries check the address again.
func (s *Pages) webhookURLError(c *fiber.Ctx, raw string) string {
	lang := s.lang(c)
	if raw == "" || tooLong(raw, 2000) {
		return s.i18n.T(lang, "webhooks.error.url")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second) // a slow DNS must not hold the page
	defer cancel()
	err := netguard.CheckURL(ctx, raw, s.cfg.Webhooks.AllowPrivateTargets, nil)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, netguard.ErrForbidden):
		return s.i18n.T(lang, "webhooks.error.url.private")
	case errors.Is(err, netguard.ErrUnresolved):
		return s.i18n.T(lang, "webhooks.error.url.unresolved")
	}
	return s.i18n.T(lang, "webhooks.error.url")
}

// webhooksDelete answers POST /admin/webhooks/{id}/supprimer.
func (s *Pages) webhooksDelete(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := s.db.DeleteWebhook(c.UserContext(), s.academyOf(c), id); err != nil {
		return err
	}
	return c.Redirect(s.adminWebhooksURL(c, "supprime"), fiber.StatusSeeOther)
}

// adminWebhooksURL is the admin page of the request's académie with a
// notice.
func (s *Pages) adminWebhooksURL(c *fiber.Ctx, done string) string {
	q := url.Values{"fait": {done}}
	if a := c.Query("academie"); a != "" {
		q.Set("academie", a)
	}
	return "/admin/webhooks?" + q.Encode()
}

// appTokensCreate answers POST /admin/jetons: an application token bound
// to a service person of the académie, shown once.
func (s *Pages) appTokensCreate(c *fiber.Ctx) error {
	lang := s.lang(c)
	errs := &formErrors{}
	f := s.parseTokenForm(c, errs)
	login := cleanLine(c.FormValue("compte"))
	academy := s.academyOf(c)
	var person *store.Person
	if login != "" {
		p, err := s.db.GetPersonByLogin(c.UserContext(), login)
		switch {
		case err == nil && p.AcademyCode == academy && !p.Disabled:
			person = p
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if person == nil {
		errs.Add("compte", s.i18n.T(lang, "tokens.error.person"))
	}
	if errs.Any() {
		return s.renderWebhooks(c, fiber.StatusUnprocessableEntity, &webhooksView{Errors: errs, Person: login,
			Name: f.Name, Scope: f.Scope, Expiry: f.Expiry})
	}
	tok, _, err := s.db.CreateToken(c.UserContext(), store.NewToken{PersonID: person.ID, Kind: store.TokenApplication,
		Name: f.Name, Scope: f.Scope, CreatedByID: currentUser(c).ID, TTL: time.Duration(f.Expiry) * 24 * time.Hour})
	if err != nil {
		return err
	}
	return s.renderWebhooks(c, fiber.StatusCreated, &webhooksView{Errors: &formErrors{}, Created: tok,
		CreatedWhat: "token", Scope: store.ScopeRead, Expiry: 365})
}

// appTokensRevoke answers POST /admin/jetons/{id}/revoquer for an
// application token of the académie.
func (s *Pages) appTokensRevoke(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	t, err := s.db.GetToken(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.db.GetPerson(ctx, t.PersonID)
	if err != nil {
		return err
	}
	if t.Kind != store.TokenApplication || p.AcademyCode != s.academyOf(c) {
		return &Error{Code: ENOTFOUND, Err: fmt.Errorf("token %d is not an application token of %s", id, s.academyOf(c))}
	}
	if err := s.db.RevokeToken(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return c.Redirect(s.adminWebhooksURL(c, "revoque"), fiber.StatusSeeOther)
}
