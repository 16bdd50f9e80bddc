package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	gmail "guichet/mail"
	"guichet/store"
	"guichet/workflows"
)

// Notify queues the mails of one event: it resolves the recipients
// (requester and beneficiary, technician, group, supervisors), never mails
// the actor (ExcludePersonID), composes the French mail of the kind from the
// projected ticket and event, and queues one mail per address under the
// dedupe key, so a retried activity queues nothing twice. With a positive
// Seq it records an internal "mail sent" timeline event, idempotently.
func (a *Activities) Notify(ctx context.Context, in workflows.NotifyInput) (workflows.NotifyResult, error) {
	if in.Number == "" || in.Kind == "" {
		return workflows.NotifyResult{}, badInput("notify: ticket number and kind are required")
	}
	if a.Outbox == nil {
		return workflows.NotifyResult{}, badInput("notify %s: no outbox configured", in.Number)
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
	msg, err := a.compose(ctx, t, about, in)
	if err != nil {
		return workflows.NotifyResult{}, err
	}
	key := in.DedupeKey
	if key == "" {
		key = fmt.Sprintf("%s:%d:%s", in.Number, in.AboutSeq, in.Kind)
	}
	queued := 0
	for _, r := range rcpts {
		m := msg
		m.DedupeKey = key
		m.TicketNumber = t.Number
		m.To = []string{r}
		ok, err := a.Outbox.Queue(ctx, m)
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

// recipients resolves the recipient roles of in into formatted addresses
// ("Prénom Nom <addr>"), each person once, never the actor, never a
// disabled person or one without an address.
func (a *Activities) recipients(ctx context.Context, t *store.Ticket, in workflows.NotifyInput) ([]string, error) {
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
	var out []string
	for _, p := range people {
		if seen[p.ID] || p.ID == in.ExcludePersonID || p.Disabled || p.Email == "" {
			continue
		}
		seen[p.ID] = true
		addr := mail.Address{Name: strings.TrimSpace(p.FirstName + " " + p.LastName), Address: p.Email}
		out = append(out, addr.String())
	}
	return out, nil
}

// ticketURL returns the public link to a ticket's page.
func (a *Activities) ticketURL(number string) string {
	return strings.TrimRight(a.BaseURL, "/") + "/incidents/" + url.PathEscape(number)
}

// compose writes the French mail of in.Kind.
func (a *Activities) compose(ctx context.Context, t *store.Ticket, about *store.TicketEvent, in workflows.NotifyInput) (gmail.Message, error) {
	body := ""
	if about != nil {
		body = strings.TrimSpace(about.Body)
	}
	subject := t.CategoryPath
	link := a.ticketURL(t.Number)
	replyTo := ""
	toRequester := len(in.Recipients) == 1 && in.Recipients[0] == workflows.RecipientRequester
	if toRequester && a.ReplyTo != nil {
		replyTo = a.ReplyTo(t.Number)
	}
	var title string
	var paras []string
	quote := func(label, text string) {
		if text != "" {
			paras = append(paras, label+"\n"+text)
		}
	}
	switch in.Kind {
	case workflows.MailCreated:
		title = "accusé de réception"
		paras = append(paras,
			fmt.Sprintf("Votre demande « %s » a bien été enregistrée sous le numéro %s.", subject, t.Number),
			"La plateforme d'assistance de votre académie va la prendre en charge ; un message vous sera envoyé dès qu'un technicien l'aura prise en compte.")
	case workflows.MailPickedUp:
		title = "prise en compte"
		paras = append(paras, fmt.Sprintf("Votre incident %s « %s » a été pris en compte par un technicien, qui va le traiter.", t.Number, subject))
	case workflows.MailAssigned:
		title = "incident attribué"
		paras = append(paras, fmt.Sprintf("L'incident %s « %s » vous a été attribué.", t.Number, subject))
		quote("Motif :", dataValue(about, "reason"))
	case workflows.MailOffered:
		title = "incident à prendre en charge"
		paras = append(paras, fmt.Sprintf("L'incident %s « %s » n'a pas été pris en charge dans le délai prévu. Il vous est proposé : vous êtes le technicien disponible le moins chargé de son groupe. Il reste visible dans la file du groupe.", t.Number, subject))
	case workflows.MailReply:
		title = "réponse du support"
		paras = append(paras, fmt.Sprintf("Le support a répondu au sujet de votre incident %s « %s ».", t.Number, subject))
		quote("Réponse :", body)
	case workflows.MailInfoRequested:
		title = "demande de précisions"
		paras = append(paras, fmt.Sprintf("Le technicien chargé de votre incident %s « %s » a besoin de précisions pour le traiter.", t.Number, subject))
		quote("Question :", body)
		paras = append(paras, "Répondez depuis la page de l'incident (« Ajouter une information ») ; le traitement reprendra dès votre réponse.")
	case workflows.MailWaitingReminder:
		title = "relance de la demande de précisions"
		paras = append(paras, fmt.Sprintf("Votre incident %s « %s » attend toujours les précisions demandées par le technicien.", t.Number, subject))
		if q, err := a.DB.LastTicketEvent(ctx, t.Number, workflows.EventInfoRequested); err == nil {
			quote("Question :", strings.TrimSpace(q.Body))
		}
		paras = append(paras, "Sans ces précisions, il ne peut pas être traité. Répondez depuis la page de l'incident (« Ajouter une information »).")
	case workflows.MailInfoAdded:
		title = "information ajoutée"
		paras = append(paras, fmt.Sprintf("Le demandeur a ajouté une information à l'incident %s « %s ».", t.Number, subject))
		quote("Information :", body)
	case workflows.MailResolved:
		title = "résolution — merci de valider"
		paras = append(paras, fmt.Sprintf("Votre incident %s « %s » a été résolu.", t.Number, subject))
		quote("Solution :", firstNonEmpty(t.Solution, body))
		paras = append(paras, "Merci d'accepter ou de refuser cette résolution depuis la page de l'incident et d'évaluer l'intervention."+a.deadline(t))
	case workflows.MailValidationReminder:
		title = "relance de validation"
		paras = append(paras, fmt.Sprintf("Votre incident %s « %s » a été résolu et attend votre validation.", t.Number, subject))
		quote("Solution :", t.Solution)
		paras = append(paras, "Merci d'accepter ou de refuser cette résolution depuis la page de l'incident."+a.deadline(t))
	case workflows.MailClosed:
		title = "clôture"
		if t.Validation == workflows.ValidationAuto {
			paras = append(paras, fmt.Sprintf("Votre incident %s « %s » a été clôturé automatiquement : sa résolution n'a pas été validée dans le délai prévu.", t.Number, subject))
		} else {
			paras = append(paras, fmt.Sprintf("Votre incident %s « %s » est clôturé. Merci d'avoir validé sa résolution.", t.Number, subject))
		}
		paras = append(paras, "Si le problème se reproduit, vous pouvez créer un nouvel incident en rappelant ce numéro.")
	case workflows.MailRefused:
		title = "validation refusée"
		paras = append(paras, fmt.Sprintf("Le demandeur a refusé la résolution de l'incident %s « %s ». L'incident est de nouveau en cours de traitement.", t.Number, subject))
		quote("Commentaire :", firstNonEmpty(body, t.ValidationComment))
	case workflows.MailCancelled:
		title = "incident annulé"
		paras = append(paras, fmt.Sprintf("L'incident %s « %s » a été annulé par le demandeur.", t.Number, subject))
		quote("Motif :", firstNonEmpty(body, dataValue(about, "reason")))
	case workflows.MailDuplicate:
		title = "doublon"
		paras = append(paras, fmt.Sprintf("Votre incident %s « %s » a été clôturé : il signale le même problème que l'incident %s, déjà ouvert.", t.Number, subject, t.DuplicateOf))
		if t.DuplicateOf != "" {
			paras = append(paras, "Suivez l'incident "+t.DuplicateOf+" : "+a.ticketURL(t.DuplicateOf))
		}
	case workflows.MailLate:
		title = "retard de prise en charge"
		due := ""
		if t.PickupDueAt != nil {
			due = " (échéance : " + frenchDateTime(*t.PickupDueAt, a.location()) + ")"
		}
		paras = append(paras, fmt.Sprintf("L'incident %s « %s » de l'académie %s n'a pas été pris en charge dans le délai%s.", t.Number, subject, t.AcademyCode, due),
			"Il reste dans la file de son groupe et a été proposé au technicien disponible le moins chargé.")
	default:
		return gmail.Message{}, badInput("notify %s: unknown mail kind %q", t.Number, in.Kind)
	}
	paras = append(paras, "Voir l'incident : "+link)
	if replyTo != "" {
		paras = append(paras, "Vous pouvez répondre à ce message pour compléter votre demande : votre réponse sera ajoutée à l'incident.")
	} else {
		paras = append(paras, "Ce message est envoyé automatiquement, merci de ne pas y répondre.")
	}
	text, html := render(paras, link)
	return gmail.Message{
		Subject: fmt.Sprintf("[Guichet] Incident %s — %s", t.Number, title),
		Text:    "Bonjour,\n\n" + text + "\n\n-- \nGuichet, l'assistance de votre académie\n",
		HTML:    html,
		ReplyTo: replyTo,
	}, nil
}

// deadline returns the sentence giving the automatic closure date, if set.
func (a *Activities) deadline(t *store.Ticket) string {
	if t.ValidationDueAt == nil {
		return ""
	}
	return " Sans réponse de votre part, il sera clôturé automatiquement le " +
		frenchDateTime(*t.ValidationDueAt, a.location()) + "."
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
