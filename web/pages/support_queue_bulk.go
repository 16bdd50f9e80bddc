package pages

import (
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/tickets"
	"guichet/workflows"
)

// maxBulk bounds how many tickets one bulk action handles.
const maxBulk = 100

// Bulk actions of the queue.
const (
	bulkPickUp = "prendre"
	bulkAssign = "affecter"
)

// supportQueueBulk applies a bulk action to the tickets selected in the
// queue (POST /support/file): pick them up, or assign them to a person
// and/or a group. Each ticket goes through its own Update; the page is
// shown again with one result per ticket (done, or why not).
func (s *Pages) supportQueueBulk(c *fiber.Ctx) error {
	lang := s.lang(c)
	numbers := supportFormValues(c, "numero")
	action := c.FormValue("action")
	v, err := s.supportQueueView(c, false)
	if err != nil {
		return err
	}
	fail := func(key string) error {
		v.BulkError = s.i18n.T(lang, key)
		return s.render(c, fiber.StatusUnprocessableEntity, "support_queue", v)
	}
	if len(numbers) == 0 {
		return fail("support.bulk.none")
	}
	if len(numbers) > maxBulk {
		return fail("support.bulk.toomany")
	}
	var build func(workflows.Actor) any
	var update, perm, okKey string
	switch action {
	case bulkPickUp:
		update, perm, okKey = workflows.UpdatePickUp, string(PermTicketPickUp), "support.bulk.pickedup"
		build = func(a workflows.Actor) any { return workflows.PickUpInput{Actor: a} }
	case bulkAssign:
		update, perm, okKey = workflows.UpdateAssign, string(PermTicketAssign), "support.bulk.assigned"
		tech, group, key := s.assignTarget(c, v.AcademyCode, c.FormValue("technicien"), c.FormValue("groupe"))
		if key != "" {
			return fail(key)
		}
		build = func(a workflows.Actor) any {
			return workflows.AssignInput{Actor: a, TechnicianID: tech, GroupID: group}
		}
	default:
		return fail("support.bulk.action")
	}
	for _, number := range numbers {
		res := supportBulkResult{Number: number}
		res.OK, res.Message = s.bulkOne(c, number, Permission(perm), update, build)
		if res.OK {
			res.Message = s.i18n.T(lang, okKey)
		}
		v.Results = append(v.Results, res)
	}
	// The queue after the actions, with each result on its row.
	fresh, err := s.supportQueueView(c, false)
	if err != nil {
		return err
	}
	fresh.Results = v.Results
	for i := range fresh.Rows {
		for j := range fresh.Results {
			if fresh.Results[j].Number == fresh.Rows[i].Number {
				fresh.Rows[i].Result = &fresh.Results[j]
			}
		}
	}
	return s.render(c, fiber.StatusOK, "support_queue", fresh)
}

// bulkOne applies one Update of a bulk action and returns whether it was
// done, or the message saying why not.
func (s *Pages) bulkOne(c *fiber.Ctx, number string, perm Permission, update string, build func(workflows.Actor) any) (bool, string) {
	lang := s.lang(c)
	t, err := s.supportTicketOf(c, number)
	if err != nil {
		return false, s.i18n.T(lang, "ticket.notfound", number)
	}
	if ok, err := s.can(c, perm, t.AcademyCode); err != nil || !ok {
		return false, s.i18n.T(lang, "error.EFORBIDDEN")
	}
	_, err = s.updateTicket(c, &t.Ticket, update, build)
	if err == nil {
		return true, ""
	}
	var ae *tickets.ActionError
	if errors.As(err, &ae) {
		return false, ae.Message
	}
	s.log.ErrorContext(c.UserContext(), "bulk action", slog.String("ticket", number),
		slog.String("update", update), slog.Any("error", err))
	return false, s.i18n.T(lang, "error.EINTERNAL")
}

// assignTarget reads the person and group of an assignment and checks they
// belong to the académie's support: the person must be a member of one of
// its groups, the group one of its groups. It returns the catalogue key of
// the problem, if any ("" when fine; both 0 is left to the workflow).
func (s *Pages) assignTarget(c *fiber.Ctx, academy, techValue, groupValue string) (tech, group int64, key string) {
	ctx := c.UserContext()
	var err error
	if techValue = strings.TrimSpace(techValue); techValue != "" {
		if tech, err = strconv.ParseInt(techValue, 10, 64); err != nil || tech <= 0 {
			return 0, 0, "support.assign.badtech"
		}
		staff, err := s.db.SupportStaff(ctx, academy)
		if err != nil {
			s.log.ErrorContext(ctx, "support staff", slog.Any("error", err))
			return 0, 0, "error.EINTERNAL"
		}
		if !slices.ContainsFunc(staff, func(m store.StaffMember) bool { return m.ID == tech }) {
			return 0, 0, "support.assign.badtech"
		}
	}
	if groupValue = strings.TrimSpace(groupValue); groupValue != "" {
		if group, err = strconv.ParseInt(groupValue, 10, 64); err != nil || group <= 0 {
			return 0, 0, "support.assign.badgroup"
		}
		g, err := s.db.GetGroup(ctx, group)
		if err != nil || g.AcademyCode != academy {
			return 0, 0, "support.assign.badgroup"
		}
	}
	return tech, group, ""
}

// supportFormValues returns every value of a form field sent several times
// (checkboxes), URL-encoded or multipart.
func supportFormValues(c *fiber.Ctx, name string) []string {
	var out []string
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		if f, err := c.MultipartForm(); err == nil {
			out = append(out, f.Value[name]...)
		}
	} else {
		for _, b := range c.Request().PostArgs().PeekMulti(name) {
			out = append(out, string(b))
		}
	}
	// Trimmed, without blanks or repeats, in the order given.
	clean := out[:0]
	for _, v := range out {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(clean, v) {
			clean = append(clean, v)
		}
	}
	return clean
}
