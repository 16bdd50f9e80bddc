package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"

	gmail "guichet/mail"
	"guichet/store"
	"guichet/workflows"
)

// Notify queues the mails of one event: it resolves the recipients
// (requester and beneficiary, technician, group, supervisors), never mails
// the actor (ExcludePersonID), renders the mail of the kind from the
// templates of package mail in each recipient's language (French unless
// they chose English), and queues one mail per address under the dedupe
// key, so a retried activity queues nothing twice (and a mail composed again
// keeps its Message-ID, derived from the key). With a positive Seq it
// records an internal "mail sent" timeline event, idempotently.
func (a *Activities) Notify(ctx context.Context, in workflows.NotifyInput) (workflows.NotifyResult, error) {
	if in.Number == "" || in.Kind == "" {
		return workflows.NotifyResult{}, badInput("notify: ticket number and kind are required")
	}
	if a.Outbox == nil {
		return workflows.NotifyResult{}, badInput("notify %s: no outbox configured", in.Number)
	}
	if !slices.Contains(gmail.Kinds(), in.Kind) {
		return workflows.NotifyResult{}, badInput("notify %s: unknown mail kind %q", in.Number, in.Kind)
	}
	t, err := a.DB.GetTicket(ctx, in.Number)
	if err != nil {
		return workflows.NotifyResult{}, storeError("notify "+in.Number, err)
	}
	var about *store.TicketEvent
	if in.AboutSeq > 0 {
		about, err = a.DB.TicketEventAt(ctx, in.Number, in.AboutSeq)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return workflows.NotifyResult{}, fmt.Errorf("activities: notify %s: %w", in.Number, err)
		}
	}
	rcpts, err := a.recipients(ctx, t, in)
	if err != nil {
		return workflows.NotifyResult{}, err
	}
	data, err := a.mailData(ctx, t, about, in)
	if err != nil {
		return workflows.NotifyResult{}, err
	}
	key := in.DedupeKey
	if key == "" {
		key = fmt.Sprintf("%s:%d:%s", in.Number, in.AboutSeq, in.Kind)
	}
	queued := 0
	for _, r := range rcpts {
		lang, err := a.DB.PersonLang(ctx, r.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return workflows.NotifyResult{Queued: queued}, fmt.Errorf("activities: notify %s: %w", in.Number, err)
		}
		d := data
		d.Name = strings.TrimSpace(r.FirstName + " " + r.LastName)
		replyTo := ""
		// Only the requester and the beneficiary may answer by mail, and
		// only while the ticket is open.
		if a.ReplyTo != nil && t.Status != store.StatusClosed && t.Status != store.StatusCancelled &&
			(r.ID == t.RequesterID || r.ID == t.BeneficiaryID) {
			replyTo = a.ReplyTo(t.Number)
		}
		d.CanReply = replyTo != ""
		out, err := a.Outbox.Render(in.Kind, lang, d)
		if err != nil {
			return workflows.NotifyResult{Queued: queued}, badInput("notify %s: %v", in.Number, err)
		}
		addr := mail.Address{Name: d.Name, Address: r.Email}
		ok, err := a.Outbox.Queue(ctx, gmail.Message{
			DedupeKey: key, TicketNumber: t.Number, To: []string{addr.String()},
			Subject: out.Subject, Text: out.Text, HTML: out.HTML, ReplyTo: replyTo,
		})
		if err != nil {
			return workflows.NotifyResult{Queued: queued}, fmt.Errorf("activities: notify %s: %w", in.Number, err)
		}
		if ok {
			queued++
		}
	}
	if in.Seq > 0 {
		data, _ := json.Marshal(map[string]string{"kind": in.Kind, "recipients": strconv.Itoa(len(rcpts))})
		if _, err := a.DB.AppendEvent(ctx, t.Number, store.TicketEvent{
			Seq: in.Seq, Kind: workflows.EventMailSent, Public: false, Data: string(data),
		}); err != nil {
			return workflows.NotifyResult{Queued: queued}, fmt.Errorf("activities: notify %s: %w", in.Number, err)
		}
	}
	return workflows.NotifyResult{Queued: queued}, nil
}

// recipients resolves the recipient roles of in into people, each once,
// never the actor, never a disabled person or one without an address.
func (a *Activities) recipients(ctx context.Context, t *store.Ticket, in workflows.NotifyInput) ([]store.Person, error) {
	var ids []int64
	var people []store.Person
	add := func(id int64) {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	for _, role := range in.Recipients {
		switch role {
		case workflows.RecipientRequester:
			add(t.RequesterID)
			add(t.BeneficiaryID)
		case workflows.RecipientTechnician:
			if in.TechnicianID != 0 {
				add(in.TechnicianID)
			} else if t.TechnicianID != nil {
				add(*t.TechnicianID)
			}
		case workflows.RecipientGroup:
			if t.GroupID == nil {
				continue
			}
			ms, err := a.DB.MembersOf(ctx, *t.GroupID)
			if err != nil {
				return nil, fmt.Errorf("activities: notify %s: %w", t.Number, err)
			}
			for _, m := range ms {
				if m.Available {
					people = append(people, m.Person)
				}
			}
		case workflows.RecipientSupervisors:
			ps, err := a.DB.RoleHolders(ctx, t.AcademyCode, store.RoleSupervisor)
			if err != nil {
				return nil, fmt.Errorf("activities: notify %s: %w", t.Number, err)
			}
			people = append(people, ps...)
		default:
			return nil, badInput("notify %s: unknown recipient %q", t.Number, role)
		}
	}
	for _, id := range ids {
		p, err := a.DB.GetPerson(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("activities: notify %s: %w", t.Number, err)
		}
		people = append(people, *p)
	}
	seen := map[int64]bool{}
	var out []store.Person
	for _, p := range people {
		if seen[p.ID] || p.ID == in.ExcludePersonID || p.Disabled || p.Email == "" {
			continue
		}
		seen[p.ID] = true
		out = append(out, p)
	}
	return out, nil
}

// ticketURL returns the public link to a ticket's page.
func (a *Activities) ticketURL(number string) string {
	return strings.TrimRight(a.BaseURL, "/") + "/incidents/" + url.PathEscape(number)
}

// validationURL returns the link to a ticket's validation form.
func (a *Activities) validationURL(number string) string {
	return strings.TrimRight(a.BaseURL, "/") + "/validations/" + url.PathEscape(number)
}

// mailData gathers what the templates of in.Kind show, for every
// recipient (the greeting and the reply invitation are set per recipient).
func (a *Activities) mailData(ctx context.Context, t *store.Ticket, about *store.TicketEvent, in workflows.NotifyInput) (gmail.Data, error) {
	body := ""
	if about != nil {
		body = strings.TrimSpace(about.Body)
	}
	d := gmail.Data{
		Number: t.Number, Category: t.CategoryPath, Academy: t.AcademyCode,
		TicketURL: a.ticketURL(t.Number), Solution: strings.TrimSpace(t.Solution),
		ValidationURL: a.validationURL(t.Number),
		AutoClosed:    t.Validation == workflows.ValidationAuto,
		DuplicateOf:   t.DuplicateOf,
	}
	if ac, err := a.DB.GetAcademy(ctx, t.AcademyCode); err == nil && ac.Name != "" {
		d.Academy = ac.Name
	}
	if t.ValidationDueAt != nil {
		d.Deadline = gmail.FormatDate(*t.ValidationDueAt, a.location())
	}
	if t.PickupDueAt != nil {
		d.PickupDue = gmail.FormatDate(*t.PickupDueAt, a.location())
	}
	if t.DuplicateOf != "" {
		d.DuplicateURL = a.ticketURL(t.DuplicateOf)
	}
	switch in.Kind {
	case workflows.MailAssigned:
		d.Reason = dataValue(about, "reason")
	case workflows.MailReply, workflows.MailInfoRequested, workflows.MailInfoAdded:
		d.Text = body
	case workflows.MailWaitingReminder:
		q, err := a.DB.LastTicketEvent(ctx, t.Number, workflows.EventInfoRequested)
		if err == nil {
			d.Text = strings.TrimSpace(q.Body)
		} else if !errors.Is(err, store.ErrNotFound) {
			return d, fmt.Errorf("activities: notify %s: %w", t.Number, err)
		}
	case workflows.MailResolved:
		d.Solution = firstNonEmpty(t.Solution, body)
	case workflows.MailRefused:
		d.Text = firstNonEmpty(body, t.ValidationComment)
	case workflows.MailCancelled:
		d.Reason = firstNonEmpty(body, dataValue(about, "reason"))
	}
	return d, nil
}

// dataValue returns one key of an event's JSON details.
func dataValue(ev *store.TicketEvent, key string) string {
	if ev == nil || ev.Data == "" {
		return ""
	}
	var m map[string]string
	if json.Unmarshal([]byte(ev.Data), &m) != nil {
		return ""
	}
	return strings.TrimSpace(m[key])
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
