package pages

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// tokenExpiryDays are the validities offered for a new token (0: never).
var tokenExpiryChoices = []int{30, 90, 365, 0}

// tokensView is the view model of /compte/jetons.
type tokensView struct {
	Page
	Tokens []store.APIToken
	// Created is the token just made, shown once.
	Created  string
	Notice   string
	Errors   *formErrors
	Name     string
	Scope    string
	Expiry   int
	Expiries []int
}

// tokensPage answers GET /compte/jetons: the signed-in person's API tokens
// and the form to make one.
func (s *Pages) tokensPage(c *fiber.Ctx) error {
	v := tokensView{Errors: &formErrors{}, Scope: store.ScopeRead, Expiry: 90}
	if c.Query("fait") == "revoque" {
		v.Notice = s.i18n.T(s.lang(c), "tokens.revoked")
	}
	return s.renderTokens(c, fiber.StatusOK, &v)
}

func (s *Pages) renderTokens(c *fiber.Ctx, status int, v *tokensView) error {
	ts, err := s.db.TokensOf(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	v.Tokens = ts
	v.Expiries = tokenExpiryChoices
	v.Page = s.page(c, s.i18n.T(s.lang(c), "tokens.title"))
	return s.render(c, status, "account_tokens", v)
}

// tokenForm is what the token forms carry.
type tokenForm struct {
	Name   string
	Scope  string
	Expiry int
}

// parseTokenForm reads and checks a token form; errors go to errs.
func (s *Pages) parseTokenForm(c *fiber.Ctx, errs *formErrors) tokenForm {
	lang := s.lang(c)
	f := tokenForm{Name: cleanLine(c.FormValue("nom")), Scope: c.FormValue("droits")}
	if f.Name == "" || tooLong(f.Name, incidentFieldMax) {
		errs.Add("nom", s.i18n.T(lang, "tokens.error.name"))
	}
	if f.Scope != store.ScopeRead && f.Scope != store.ScopeWrite {
		errs.Add("droits-lecture", s.i18n.T(lang, "tokens.error.scope"))
	}
	days, err := strconv.Atoi(c.FormValue("validite"))
	valid := err == nil
	if valid {
		valid = false
		for _, d := range tokenExpiryChoices {
			valid = valid || d == days
		}
	}
	if !valid {
		errs.Add("validite", s.i18n.T(lang, "tokens.error.expiry"))
	}
	f.Expiry = days
	return f
}

// tokensCreate answers POST /compte/jetons: makes a personal token and
// shows it once.
func (s *Pages) tokensCreate(c *fiber.Ctx) error {
	errs := &formErrors{}
	f := s.parseTokenForm(c, errs)
	v := tokensView{Errors: errs, Name: f.Name, Scope: f.Scope, Expiry: f.Expiry}
	if errs.Any() {
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, &v)
	}
	u := currentUser(c)
	tok, _, err := s.db.CreateToken(c.UserContext(), store.NewToken{PersonID: u.ID, Kind: store.TokenPersonal,
		Name: f.Name, Scope: f.Scope, TTL: time.Duration(f.Expiry) * 24 * time.Hour})
	if err != nil {
		return err
	}
	v = tokensView{Errors: &formErrors{}, Created: tok, Scope: store.ScopeRead, Expiry: 90}
	return s.renderTokens(c, fiber.StatusCreated, &v)
}

// tokensRevoke answers POST /compte/jetons/{id}/revoquer for one of the
// signed-in person's personal tokens.
func (s *Pages) tokensRevoke(c *fiber.Ctx) error {
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	t, err := s.db.GetToken(c.UserContext(), id)
	if err != nil {
		return err
	}
	if t.PersonID != currentUser(c).ID || t.Kind != store.TokenPersonal {
		return &Error{Code: ENOTFOUND, Err: fmt.Errorf("token %d is not the person's", id)}
	}
	if err := s.db.RevokeToken(c.UserContext(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return c.Redirect("/compte/jetons?fait=revoque", fiber.StatusSeeOther)
}
