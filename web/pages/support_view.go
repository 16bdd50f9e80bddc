package pages

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"guichet/store"
	"guichet/workflows"
)

// Helpers shared by the technicians' screens (queue, Mes tickets, ticket
// workspace): labels of levels, statuses and priorities, and the pick-up
// countdown computed on the server.

// supportLevel is the seed's label of an urgency or impact: "3 - Faible".
func (s *Pages) supportLevel(lang string, level int) string {
	if level < 1 || level > 3 {
		return s.i18n.T(lang, "support.na")
	}
	return s.i18n.T(lang, "support.level."+strconv.Itoa(level))
}

// supportStatusBadge is the DSFR badge modifier of a status.
func supportStatusBadge(status string) string {
	switch status {
	case store.StatusNew:
		return "fr-badge--new"
	case store.StatusInProgress:
		return "fr-badge--info"
	case store.StatusWaiting:
		return "fr-badge--warning"
	case store.StatusResolved, store.StatusClosed:
		return "fr-badge--success"
	}
	return ""
}

// supportCountdown is the pick-up countdown of a queue row, as first
// rendered by the server; web/kit/static/countdown.js keeps its text current
// every second from Due, and the row's cell is refreshed from the server
// every 30 s.
type supportCountdown struct {
	Due  time.Time
	Text string
	Late bool
	// LeftLabel and LateLabel prefix the remaining or overdue time (the
	// script reads them from data attributes).
	LeftLabel, LateLabel string
}

// pickupCountdown returns the pick-up countdown of t at now, nil when the
// ticket is no longer waiting to be picked up or has no deadline yet.
func (s *Pages) pickupCountdown(lang string, t store.Ticket, now time.Time) *supportCountdown {
	left, ok := t.PickupRemaining(now)
	if !ok {
		return nil
	}
	c := &supportCountdown{Due: *t.PickupDueAt, Late: left < 0,
		LeftLabel: s.i18n.T(lang, "support.countdown.left"), LateLabel: s.i18n.T(lang, "support.countdown.late")}
	prefix := c.LeftLabel
	if c.Late {
		prefix = c.LateLabel
	}
	c.Text = prefix + " " + formatCountdown(left)
	return c
}

// formatCountdown writes a duration as the script does: "7 min 05 s",
// "2 h 07 min" (absolute value, whole seconds).
func formatCountdown(d time.Duration) string {
	sec := int64(d.Round(time.Second) / time.Second)
	if sec < 0 {
		sec = -sec
	}
	h, m, s := sec/3600, sec%3600/60, sec%60
	if h > 0 {
		return fmt.Sprintf("%d h %02d min", h, m)
	}
	return fmt.Sprintf("%d min %02d s", m, s)
}

// supportName is how support screens name a person: "LASTNAME, Firstname".
func supportName(p *store.Person) string {
	if p == nil {
		return ""
	}
	switch {
	case p.LastName == "":
		return p.FirstName
	case p.FirstName == "":
		return strings.ToUpper(p.LastName)
	}
	return strings.ToUpper(p.LastName) + ", " + p.FirstName
}

// supportNA returns s, or the seed's "N/A" when it is empty.
func (s *Pages) supportNA(lang, v string) string {
	if strings.TrimSpace(v) == "" {
		return s.i18n.T(lang, "support.na")
	}
	return v
}

// temporalWorkflowURL is the address of a ticket's workflow in the Temporal
// Web UI, or "" when no UI address is configured.
func (s *Pages) temporalWorkflowURL(number string) string {
	base := strings.TrimRight(s.cfg.Temporal.UIURL, "/")
	if base == "" {
		return ""
	}
	ns := s.cfg.Temporal.Namespace
	if ns == "" {
		ns = "default"
	}
	return base + "/namespaces/" + ns + "/workflows/" + workflows.TicketWorkflowID(number)
}
