package pages

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// cancelFields names the cancel form's fields after the contract's.
func cancelFields() map[string]string { return map[string]string{workflows.FieldReason: "motif"} }

// ticketCancelView is the view model of the cancel confirmation page.
type ticketCancelView struct {
	Page
	Ticket  *store.Ticket
	Reason  string
	Errors  *formErrors
	Refusal string
}

// ticketCancelShow answers GET /incidents/:number/annulation: the confirm step,
// with the reason to give.
func (s *Pages) ticketCancelShow(c *fiber.Ctx) error {
	t, _, err := s.partyTicket(c, PermTicketCancel)
	if err != nil {
		return err
	}
	return s.renderTicketCancel(c, fiber.StatusOK, t, "", &formErrors{}, "")
}

// ticketCancelSubmit answers POST /incidents/:number/annulation: the workflow's
// cancel Update, with the reason (optional, as the rules table says).
func (s *Pages) ticketCancelSubmit(c *fiber.Ctx) error {
	lang := s.lang(c)
	t, _, err := s.partyTicket(c, PermTicketCancel)
	if err != nil {
		return err
	}
	reason := cleanText(c.FormValue("motif"))
	errs := &formErrors{}
	s.addFieldRefusals(lang, errs, workflows.CancelInput{Reason: reason}, cancelFields())
	if errs.Any() {
		return s.renderTicketCancel(c, fiber.StatusUnprocessableEntity, t, reason, errs, "")
	}
	_, err = s.updateTicket(c, t, workflows.UpdateCancel, func(a workflows.Actor) any {
		return workflows.CancelInput{Actor: a, Reason: reason}
	})
	var ae *tickets.ActionError
	if errors.As(err, &ae) {
		return s.renderTicketCancel(c, fiber.StatusUnprocessableEntity, t, reason, errs, placeRefusal(errs, ae, cancelFields()))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/incidents/"+url.PathEscape(t.Number)+"?annule=1", fiber.StatusSeeOther)
}

// renderTicketCancel renders the cancel confirmation page.
func (s *Pages) renderTicketCancel(c *fiber.Ctx, status int, t *store.Ticket, reason string, errs *formErrors, refusal string) error {
	lang := s.lang(c)
	v := &ticketCancelView{Ticket: t, Reason: reason, Errors: errs, Refusal: refusal}
	v.Page = s.page(c, s.i18n.T(lang, "cancel.page", t.Number))
	if errs.Any() || refusal != "" {
		v.Page.Title = s.i18n.T(lang, "form.error.title.prefix") + v.Page.Title
	}
	return s.render(c, status, "ticket_cancel", v)
}
