package pages

import (
	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// The web side of the rules table (workflows/rules.go): the status labels
// and the ticket facts the table's Allowed reads to decide which buttons a
// page shows. The translation of a refusal is the ticket logic's
// (tickets.Desk.RefusalMessage).

// statusLabel is the label of a ticket status in lang (catalogue key
// workflows.StatusKey, e.g. status.new).
func (s *Pages) statusLabel(lang, status string) string {
	if key := workflows.StatusKey(status); s.i18n.Has(key) {
		return s.i18n.T(lang, key)
	}
	return status
}

// actionOffered reports whether a page offers action on ticket t to actor:
// the rules table allows it (who, state) and the ticket's workflow still
// runs (one ended outside Guichet takes no action, tickets.Desk.Update).
func actionOffered(action string, t *store.Ticket, actor workflows.Actor) bool {
	return t.WorkflowEndedStatus == "" && workflows.Allowed(action, ticketFacts(t), actor) == nil
}

// ticketFacts are the rules' view of a ticket as the database shows it.
func ticketFacts(t *store.Ticket) workflows.Facts {
	f := workflows.Facts{Number: t.Number, Status: t.Status, RequesterID: t.RequesterID,
		BeneficiaryID: t.BeneficiaryID, Urgency: t.Urgency, Impact: t.Impact}
	if t.TechnicianID != nil {
		f.TechnicianID = *t.TechnicianID
	}
	if t.GroupID != nil {
		f.GroupID = *t.GroupID
	}
	return f
}

// addFieldRefusals adds to errs the translated message of each field
// refusal of an Update input (workflows.CheckFields), under the form's name
// of the field: names maps contract names to form names (a field it lacks
// keeps its contract name).
func (s *Pages) addFieldRefusals(lang string, errs *formErrors, in any, names map[string]string) {
	for _, r := range workflows.CheckFields(in) {
		id := names[r.Field]
		if id == "" {
			id = r.Field
		}
		errs.Add(id, s.tickets.RefusalMessage(lang, r))
	}
}

// placeRefusal puts the message of a refused action where the form shows
// it: next to the field (in errs) for a field refusal, else in the
// returned text, shown above the form.
func placeRefusal(errs *formErrors, ae *tickets.ActionError, names map[string]string) string {
	if ae.Refusal == nil || !ae.Refusal.IsInput() {
		return ae.Message
	}
	id := names[ae.Refusal.Field]
	if id == "" {
		id = ae.Refusal.Field
	}
	errs.Add(id, ae.Message)
	return ""
}
