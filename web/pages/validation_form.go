package pages

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// Decisions of the validation form.
const (
	decisionAccept = "acceptation"
	decisionRefuse = "refus"
)

// validationFields names the validation form's fields after the
// contract's (the ratings' errors sit on their first radio button).
func validationFields() map[string]string {
	return map[string]string{workflows.FieldComment: "commentaire",
		workflows.FieldRatingDelay: "delai-1", workflows.FieldRatingQuality: "qualite-1"}
}

// validationForm is the validation form as posted.
type validationForm struct {
	Decision string // decisionAccept or decisionRefuse
	Delay    int    // Délai d'intervention, 1…5 (0 = not given)
	Quality  int    // Qualité d'intervention, 1…5
	Comment  string
	// Confirm is the answer to the contradiction check: decisionAccept
	// (keep the acceptation) or decisionRefuse (switch to a refusal).
	Confirm string
}

// validationView is the view model of the validation form.
type validationView struct {
	Page
	Ticket *store.Ticket
	Form   validationForm
	Errors formErrors
	// Rejection is the workflow's refusal of the action, shown at the top.
	Rejection string
	// Contradiction is the failure phrase found in an acceptation comment:
	// the form asks to confirm or to switch to a refusal.
	Contradiction string
	// NotAwaiting is set when the ticket does not wait for a validation.
	NotAwaiting bool
	Ratings     []ratingField
	// CommentMax is the most characters of the comment (rules table).
	CommentMax int
}

// ratingField is one of the two 1–5 ratings of the form.
type ratingField struct {
	Name   string // field name: delai, qualite
	Label  string
	Value  int
	Error  string
	Values []int
}

// parseValidationForm reads the posted form.
func parseValidationForm(c *fiber.Ctx) validationForm {
	rating := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(name)))
		if err != nil {
			return -1 // given but not a number: out of range
		}
		return n
	}
	f := validationForm{
		Decision: c.FormValue("decision"),
		Comment:  strings.TrimSpace(strings.ReplaceAll(c.FormValue("commentaire"), "\r\n", "\n")),
		Confirm:  c.FormValue("confirmation"),
	}
	if c.FormValue("delai") != "" {
		f.Delay = rating("delai")
	}
	if c.FormValue("qualite") != "" {
		f.Quality = rating("qualite")
	}
	return f
}

// validationTicket loads the ticket of the form: visible, and the person
// is its requester or beneficiary (others get a 404, as for a hidden one).
func (s *Pages) validationTicket(c *fiber.Ctx) (*store.Ticket, error) {
	number := c.Params("number")
	t, v, err := s.visibleTicket(c, number)
	if err != nil {
		return nil, err
	}
	if !v.IsParty(t) {
		return nil, &Error{Code: ENOTFOUND, Key: "ticket.notfound", Args: []any{number},
			Err: errors.New("not requester nor beneficiary")}
	}
	return t, nil
}

// awaitsValidation reports whether the ticket's state allows a validation
// (the rules table's states of accept).
func awaitsValidation(t *store.Ticket) bool {
	rule, _ := workflows.Rules(workflows.UpdateAccept)
	return rule.Allows(t.Status)
}

// renderValidation shows the form.
func (s *Pages) renderValidation(c *fiber.Ctx, status int, v *validationView) error {
	lang := s.lang(c)
	v.Ratings = []ratingField{
		{Name: "delai", Label: s.i18n.T(lang, "validation.delay"), Value: v.Form.Delay, Error: v.Errors.For("delai-1")},
		{Name: "qualite", Label: s.i18n.T(lang, "validation.quality"), Value: v.Form.Quality, Error: v.Errors.For("qualite-1")},
	}
	for i := range v.Ratings {
		v.Ratings[i].Values = []int{1, 2, 3, 4, 5}
	}
	v.NotAwaiting = !awaitsValidation(v.Ticket)
	rule, _ := workflows.Rules(workflows.UpdateRefuse)
	comment, _ := rule.Field(workflows.FieldComment)
	v.CommentMax = comment.Max
	v.Page = s.page(c, s.i18n.T(lang, "validation.title", v.Ticket.Number))
	return s.render(c, status, "validation_form", v)
}

// validationShow answers GET /validations/:number: the validation form
// (Acceptation / Refus, the two ratings, a comment), with the solution and
// the date of the automatic closure.
func (s *Pages) validationShow(c *fiber.Ctx) error {
	t, err := s.validationTicket(c)
	if err != nil {
		return err
	}
	return s.renderValidation(c, fiber.StatusOK, &validationView{Ticket: t})
}

// validationSubmit answers POST /validations/:number. It checks the form
// (a decision, both ratings 1–5, a comment for a refusal), asks for a
// confirmation when an acceptation's comment reads like a failure, then
// sends the accept or refuse Update. Any refusal re-renders the form with
// every value kept; success goes back to the validations list.
func (s *Pages) validationSubmit(c *fiber.Ctx) error {
	t, err := s.validationTicket(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	v := &validationView{Ticket: t, Form: parseValidationForm(c)}
	f := &v.Form
	if f.Decision == decisionAccept && f.Confirm == decisionRefuse {
		f.Decision = decisionRefuse // the user switched to a refusal
	}
	if !awaitsValidation(t) {
		return s.renderValidation(c, fiber.StatusConflict, v)
	}
	if f.Decision != decisionAccept && f.Decision != decisionRefuse {
		v.Errors.Add("decision-acceptation", s.i18n.T(lang, "validation.error.decision"))
	}
	name := workflows.UpdateAccept
	build := func(a workflows.Actor) any {
		return workflows.AcceptInput{Actor: a, RatingDelay: f.Delay, RatingQuality: f.Quality, Comment: f.Comment}
	}
	if f.Decision == decisionRefuse {
		name = workflows.UpdateRefuse
		build = func(a workflows.Actor) any {
			return workflows.RefuseInput{Actor: a, RatingDelay: f.Delay, RatingQuality: f.Quality, Comment: f.Comment}
		}
	}
	s.addFieldRefusals(lang, &v.Errors, build(workflows.Actor{}), validationFields())
	if v.Errors.Any() {
		return s.renderValidation(c, fiber.StatusUnprocessableEntity, v)
	}
	if f.Decision == decisionAccept && f.Confirm != decisionAccept {
		if phrase, ok := readsLikeFailure(f.Comment); ok {
			v.Contradiction = phrase
			return s.renderValidation(c, fiber.StatusOK, v)
		}
	}
	if _, err := s.updateTicket(c, t, name, build); err != nil {
		var ae *tickets.ActionError
		if errors.As(err, &ae) {
			v.Rejection = placeRefusal(&v.Errors, ae, validationFields())
			return s.renderValidation(c, fiber.StatusUnprocessableEntity, v)
		}
		return err
	}
	q := url.Values{"fait": {f.Decision}, "n": {t.Number}}
	return c.Redirect("/validations?"+q.Encode(), fiber.StatusSeeOther)
}
