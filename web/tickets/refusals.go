package tickets

import (
	"strings"

	"guichet/workflows"
)

// RefusalMessage translates a refusal of the rules table: the most precise
// catalogue key that exists among rule.<action>.<field>.<code>,
// rule.<field>.<code>, rule.<action>.<code> and rule.<code> (for a state
// refusal, rule.<action>.state.<status> and rule.state.<status> first).
// Messages take, by position, the limit, the minimum, the status label and
// the ticket number.
func (d *Desk) RefusalMessage(lang string, r *workflows.Refusal) string {
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
		if !d.i18n.Has(k) {
			continue
		}
		if raw := d.i18n.T(lang, k); !strings.Contains(raw, "%") {
			return raw
		}
		label := ""
		if r.StatusKey != "" {
			label = d.i18n.T(lang, r.StatusKey)
		}
		return d.i18n.T(lang, k, r.Limit, r.Min, label, r.Ticket)
	}
	return r.Error()
}
