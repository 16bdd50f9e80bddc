package pages

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// Actions of the Actions menu of Suivi des incidents.
const (
	actionUpdate = "maj"     // Mise à jour de l'incident
	actionCancel = "annuler" // Annuler
)

// maxCancelSelection bounds how many tickets one cancellation handles.
const maxCancelSelection = 100

// selectedNumberRe matches a ticket number (I + YYMMDD + _ + 4 or more digits).
var selectedNumberRe = regexp.MustCompile(`^I\d{6}_\d{4,}$`)

// addInfoHref is the add-information form of a ticket (Mise à jour de
// l'incident), served by the ticket page's handlers.
func addInfoHref(number string) string {
	return "/incidents/" + url.PathEscape(number) + "/informations"
}

// selectedNumbers reads the repeated field "n" (query or form) and keeps
// the well-formed ticket numbers, once each, in order.
func selectedNumbers(c *fiber.Ctx) []string {
	var raw [][]byte
	if c.Method() == fiber.MethodPost {
		raw = c.Request().PostArgs().PeekMulti("n")
	} else {
		raw = c.Request().URI().QueryArgs().PeekMulti("n")
	}
	var out []string
	seen := map[string]bool{}
	for _, b := range raw {
		n := strings.ToUpper(strings.TrimSpace(string(b)))
		if selectedNumberRe.MatchString(n) && !seen[n] && len(out) < maxCancelSelection {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// incidentsAction answers GET /incidents/actions?action=…&n=…: the Actions
// menu of Suivi des incidents. Mise à jour opens the add-information form
// of the one selected ticket; Annuler opens the cancellation of the
// selected tickets. A wrong selection shows the list again with a message.
func (s *Pages) incidentsAction(c *fiber.Ctx) error {
	lang := s.lang(c)
	numbers := selectedNumbers(c)
	switch action := c.Query("action"); {
	case len(numbers) == 0:
		return s.showTicketList(c, "suivi", s.i18n.T(lang, "lists.actions.none"), fiber.StatusUnprocessableEntity)
	case action == actionUpdate && len(numbers) > 1:
		return s.showTicketList(c, "suivi", s.i18n.T(lang, "lists.actions.one"), fiber.StatusUnprocessableEntity)
	case action == actionUpdate:
		return c.Redirect(addInfoHref(numbers[0]), fiber.StatusSeeOther)
	case action == actionCancel:
		q := url.Values{"n": numbers}
		return c.Redirect("/incidents/annulation?"+q.Encode(), fiber.StatusSeeOther)
	default:
		return s.showTicketList(c, "suivi", s.i18n.T(lang, "lists.actions.choose"), fiber.StatusUnprocessableEntity)
	}
}

// bulkCancelItem is one selected ticket on the cancellation page.
type bulkCancelItem struct {
	Number   string
	Href     string
	Excerpt  string
	Status   string
	Eligible bool
	// Message says why the ticket cannot be cancelled, or what happened to
	// it after a try.
	Message string
	Done    bool
}

// bulkCancelView is the view model of the cancellation page.
type bulkCancelView struct {
	Page
	Items    []bulkCancelItem
	Eligible int
	Reason   string
	Errors   formErrors
	// Tried is set once the cancellation was sent (results shown).
	Tried bool
}

// bulkCancelItems loads the selected tickets the person may see and says which
// of them they may cancel (as the rules table's Allowed says).
func (s *Pages) bulkCancelItems(c *fiber.Ctx, numbers []string) ([]bulkCancelItem, map[string]*store.Ticket, error) {
	v, err := s.viewer(c)
	if err != nil {
		return nil, nil, err
	}
	lang := s.lang(c)
	var items []bulkCancelItem
	tickets := map[string]*store.Ticket{}
	for _, n := range numbers {
		t, err := s.db.VisibleTicket(c.UserContext(), v, n)
		if errors.Is(err, store.ErrNotFound) {
			continue // hidden tickets look missing: not listed at all
		}
		if err != nil {
			return nil, nil, err
		}
		it := bulkCancelItem{Number: n, Href: "/incidents/" + url.PathEscape(n), Excerpt: excerpt(t.Description, listExcerpt), Status: t.Status}
		actor, err := s.ticketActor(c, t.AcademyCode)
		if err != nil {
			return nil, nil, err
		}
		if r := workflows.Allowed(workflows.UpdateCancel, ticketFacts(t), actor); r != nil {
			it.Message = s.bulkCancelRefusal(lang, r)
		} else {
			it.Eligible = true
			tickets[n] = t
		}
		items = append(items, it)
	}
	return items, tickets, nil
}

// bulkCancelRefusal says why a selected ticket cannot be cancelled, in the
// words of the list (the rules table decides).
func (s *Pages) bulkCancelRefusal(lang string, r *workflows.Refusal) string {
	switch {
	case r.Code == workflows.RefusedNotParty:
		return s.i18n.T(lang, "lists.cancel.notyours")
	case r.Code == workflows.RefusedState && r.StatusKey == workflows.StatusKey(store.StatusResolved):
		return s.i18n.T(lang, "lists.cancel.resolved")
	case r.Code == workflows.RefusedState:
		return s.i18n.T(lang, "lists.cancel.final")
	}
	return s.tickets.RefusalMessage(lang, r)
}

// bulkCancelConfirm answers GET /incidents/annulation?n=…: the confirmation of
// the cancellation of the selected tickets.
func (s *Pages) bulkCancelConfirm(c *fiber.Ctx) error {
	numbers := selectedNumbers(c)
	items, _, err := s.bulkCancelItems(c, numbers)
	if err != nil {
		return err
	}
	v := bulkCancelView{Items: items}
	for _, it := range items {
		if it.Eligible {
			v.Eligible++
		}
	}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "lists.cancel.title"))
	return s.render(c, fiber.StatusOK, "incidents_cancel", &v)
}

// bulkCancelSubmit answers POST /incidents/annulation: it sends the cancel
// Update of each selected ticket the person may cancel. When all went
// through, it goes back to the list with a notice; otherwise the page shows
// each ticket's outcome (a refusal is a French message, not an error page).
func (s *Pages) bulkCancelSubmit(c *fiber.Ctx) error {
	lang := s.lang(c)
	numbers := selectedNumbers(c)
	reason := strings.TrimSpace(strings.ReplaceAll(c.FormValue("motif"), "\r\n", "\n"))
	items, byNumber, err := s.bulkCancelItems(c, numbers)
	if err != nil {
		return err
	}
	v := bulkCancelView{Items: items, Reason: reason}
	for _, it := range items {
		if it.Eligible {
			v.Eligible++
		}
	}
	s.addFieldRefusals(lang, &v.Errors, workflows.CancelInput{Reason: reason}, cancelFields())
	if v.Eligible == 0 {
		v.Errors.Add("selection", s.i18n.T(lang, "lists.cancel.nothing"))
	}
	if v.Errors.Any() {
		v.Page = s.page(c, s.i18n.T(lang, "lists.cancel.title"))
		return s.render(c, fiber.StatusUnprocessableEntity, "incidents_cancel", &v)
	}
	done, failed := 0, 0
	for i := range v.Items {
		it := &v.Items[i]
		t := byNumber[it.Number]
		if !it.Eligible || t == nil {
			continue
		}
		_, err := s.updateTicket(c, t, workflows.UpdateCancel, func(a workflows.Actor) any {
			return workflows.CancelInput{Actor: a, Reason: reason}
		})
		var ae *tickets.ActionError
		switch {
		case err == nil:
			it.Done, it.Status = true, store.StatusCancelled
			it.Message = s.i18n.T(lang, "lists.cancel.ok")
			done++
		case errors.As(err, &ae):
			it.Message = ae.Message
			failed++
		default:
			return err
		}
	}
	if failed == 0 {
		return c.Redirect("/incidents?filtre=tous&annules="+strconv.Itoa(done), fiber.StatusSeeOther)
	}
	v.Tried = true
	v.Page = s.page(c, s.i18n.T(lang, "lists.cancel.title"))
	return s.render(c, fiber.StatusUnprocessableEntity, "incidents_cancel", &v)
}
