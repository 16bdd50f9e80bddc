package web

import (
	"strings"

	"guichet/store"
	"guichet/workflows"
)

// The web side of the rules table (workflows/rules.go): the status labels,
// the translation of a refusal, and the ticket facts the table's Allowed
// reads to decide which buttons a page shows.

// statusLabel is the label of a ticket status in lang (catalogue key
// workflows.StatusKey, e.g. status.new).
func (s *Server) statusLabel(lang, status string) string {
	if key := workflows.StatusKey(status); s.i18n.Has(key) {
		return s.i18n.T(lang, key)
	}
	return status
}

// refusalMessage translates a refusal of the rules table: the most precise
// catalogue key that exists among rule.<action>.<field>.<code>,
// rule.<field>.<code>, rule.<action>.<code> and rule.<code> (for a state
// refusal, rule.<action>.state.<status> and rule.state.<status> first).
// Messages take, by position, the limit, the minimum, the status label and
// the ticket number.
func (s *Server) refusalMessage(lang string, r *workflows.Refusal) string {
	var keys []string
	if r.Code == workflows.RefusedState {
		status := strings.TrimPrefix(r.StatusKey, "status.")
		keys = append(keys, "rule."+r.Action+".state."+status, "rule.state."+status)
	}
	if r.Field != "" {
		keys = append(keys, "rule."+r.Action+"."+r.Field+"."+r.Code, "rule."+r.Field+"."+r.Code)
	}
	keys = append(keys, "rule."+r.Action+"."+r.Code, "rule."+r.Code)
	for _, k := range keys {
		if !s.i18n.Has(k) {
			continue
		}
		if raw := s.i18n.T(lang, k); !strings.Contains(raw, "%") {
			return raw
		}
		label := ""
		if r.StatusKey != "" {
			label = s.i18n.T(lang, r.StatusKey)
		}
		return s.i18n.T(lang, k, r.Limit, r.Min, label, r.Ticket)
	}
	return r.Error()
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
func (s *Server) addFieldRefusals(lang string, errs *formErrors, in any, names map[string]string) {
	for _, r := range workflows.CheckFields(in) {
		id := names[r.Field]
		if id == "" {
			id = r.Field
		}
		errs.add(id, s.refusalMessage(lang, r))
	}
}

// placeRefusal puts the message of a refused action where the form shows
// it: next to the field (in errs) for a field refusal, else in the
// returned text, shown above the form.
func placeRefusal(errs *formErrors, ae *ActionError, names map[string]string) string {
	if ae.Refusal == nil || !ae.Refusal.IsInput() {
		return ae.Message
	}
	id := names[ae.Refusal.Field]
	if id == "" {
		id = ae.Refusal.Field
	}
	errs.add(id, ae.Message)
	return ""
}
