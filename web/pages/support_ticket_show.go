package pages

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/workflows"
)

// Actions of the ticket workspace: the last segment of their POST URL
// (/support/incidents/:number/<action>) and the key of their form.
const (
	sactPickUp    = "prendre"
	sactAssign    = "affecter"
	sactRequalify = "requalifier"
	sactReply     = "repondre"
	sactNote      = "noter"
	sactAsk       = "questionner"
	sactResolve   = "resoudre"
	sactDuplicate = "doublon"
)

// supportForm is one action form of the workspace: its values as typed and
// the message of a refusal.
type supportForm struct {
	Error string
	// Field is the form's name of the field in error, if the refusal is
	// about one (the template marks it aria-invalid).
	Field  string
	Values map[string]string
}

// V returns the typed value of a field.
func (f *supportForm) V(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// supportField is a label and a value of the ticket's detail list.
type supportField struct {
	Label, Value string
}

// supportEvent is an event of the ticket's timeline as shown to support.
type supportEvent struct {
	store.TicketEvent
	Label     string
	Actor     string
	When      string
	WhenISO   string
	Details   []string
	Documents []store.Attachment
	Anchor    string
}

// supportCard is a person of the ticket (beneficiary, requester) as the
// workspace shows them.
type supportCard struct {
	Role   string
	Name   string
	Fields []supportField
}

// supportTicketView is the view model of the ticket workspace.
type supportTicketView struct {
	Page
	Ticket      store.QueueTicket
	StatusLabel string
	StatusBadge string
	Countdown   *supportCountdown
	// Cards: the beneficiary, then the requester when someone else.
	Cards []supportCard
	// Recent are the beneficiary's other recent tickets.
	Recent      []supportRow
	Fields      []supportField
	Description []string
	Solution    []string
	Timeline    []supportEvent
	Documents   []store.Attachment
	TemporalURL string
	// Notice confirms the action just done (after the redirect).
	Notice string
	// ActionsError is the refusal of an action whose form is no longer
	// shown (the ticket closed meanwhile).
	ActionsError string
	forms        map[string]*supportForm

	Staff    []supportChoice
	Groups   []supportChoice
	Levels   []supportChoice
	CanAct   map[string]bool
	Open     bool
	MaxFiles string
	// Articles are the knowledge-base articles the resolve form offers
	// (support_resolve_article.go); CanWriteArticle shows Transformer en
	// article on a ticket with a solution.
	Articles        []supportChoice
	CanWriteArticle bool
}

// Form returns the form of an action (never nil).
func (v *supportTicketView) Form(action string) *supportForm {
	if f := v.forms[action]; f != nil {
		return f
	}
	return &supportForm{}
}

// supportTicket shows the ticket workspace (GET /support/incidents/:number).
func (s *Pages) supportTicket(c *fiber.Ctx) error {
	v, err := s.supportTicketView(c, c.Params("number"))
	if err != nil {
		return err
	}
	if key := "support.done." + c.Query("fait"); c.Query("fait") != "" && s.i18n.Has(key) {
		v.Notice = s.i18n.T(v.Lang, key)
	}
	return s.render(c, fiber.StatusOK, "support_ticket", v)
}

// supportTicketView builds the workspace of a ticket the signed-in person
// supports (ENOTFOUND otherwise).
func (s *Pages) supportTicketView(c *fiber.Ctx, number string) (*supportTicketView, error) {
	ctx := c.UserContext()
	lang := s.lang(c)
	t, err := s.supportTicketOf(c, number)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	v := &supportTicketView{
		Page:        s.page(c, s.i18n.T(lang, "support.ticket.title", t.Number)),
		Ticket:      *t,
		StatusLabel: s.statusLabel(lang, t.Status),
		StatusBadge: supportStatusBadge(t.Status),
		Countdown:   s.pickupCountdown(lang, t.Ticket, now),
		Description: paragraphs(t.Description),
		Solution:    paragraphs(t.Solution),
		Open:        t.Status != store.StatusClosed && t.Status != store.StatusCancelled,
		forms:       map[string]*supportForm{},
		CanAct:      map[string]bool{},
		MaxFiles:    kit.FormatBytes(s.supportMaxFile()),
	}
	// A form shows when the person has the permission and the rules table
	// allows the action (who, state) on the ticket as it stands.
	actor, err := s.ticketActor(c, t.AcademyCode)
	if err != nil {
		return nil, err
	}
	for action, act := range supportActions() {
		ok, err := s.can(c, act.perm, t.AcademyCode)
		if err != nil {
			return nil, err
		}
		v.CanAct[action] = ok && actionOffered(act.update, &t.Ticket, actor)
	}
	if ok, err := s.can(c, PermWorkflowHistory, t.AcademyCode); err == nil && ok {
		v.TemporalURL = s.temporalWorkflowURL(t.Number)
	}

	people, err := s.db.PeopleByID(ctx, []int64{t.BeneficiaryID, t.RequesterID})
	if err != nil {
		return nil, fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	ben := people[t.BeneficiaryID]
	v.Cards = append(v.Cards, s.supportCard(lang, "support.card.beneficiary", &ben, &t.Ticket))
	if t.RequesterID != t.BeneficiaryID {
		req := people[t.RequesterID]
		v.Cards = append(v.Cards, s.supportCard(lang, "support.card.requester", &req, nil))
	}
	recent, err := s.db.RecentTicketsOf(ctx, t.AcademyCode, t.BeneficiaryID, t.Number, 5)
	if err != nil {
		return nil, fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	for _, r := range recent {
		v.Recent = append(v.Recent, s.supportRow(lang, r, now))
	}
	v.Fields = s.supportTicketFields(lang, t)

	if err := s.supportTimeline(c, v); err != nil {
		return nil, err
	}
	if err := s.supportChoices(c, v); err != nil {
		return nil, err
	}
	if v.CanAct[sactResolve] {
		if v.Articles, err = s.supportArticles(c, t.AcademyCode, "", ""); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(t.Solution) != "" {
		if ok, err := s.can(c, PermKnowledgeWrite, t.AcademyCode); err == nil && ok {
			v.CanWriteArticle = true
		}
	}
	// Requalification starts from the current levels.
	v.forms[sactRequalify] = &supportForm{Values: map[string]string{
		"urgence": strconv.Itoa(t.Urgency), "impact": strconv.Itoa(t.Impact)}}
	return v, nil
}

// supportCard builds the card of a person; the beneficiary's card shows
// the contact details copied into the ticket.
func (s *Pages) supportCard(lang, role string, p *store.Person, t *store.Ticket) supportCard {
	card := supportCard{Role: s.i18n.T(lang, role), Name: supportName(p)}
	if card.Name == "" {
		card.Name = s.i18n.T(lang, "support.na")
	}
	add := func(key, value string) {
		card.Fields = append(card.Fields, supportField{Label: s.i18n.T(lang, key), Value: s.supportNA(lang, value)})
	}
	phone, location, entity, service, office := p.Phone, p.Location, p.Entity, p.Service, p.Office
	if t != nil {
		phone, location, entity = supportOr(t.Phone, phone), supportOr(t.Location, location), supportOr(t.Entity, entity)
		service, office = supportOr(t.Service, service), supportOr(t.Office, office)
	}
	add("support.field.login", p.Login)
	add("support.field.email", p.Email)
	add("support.field.phone", phone)
	if t != nil {
		add("support.field.otherphone", t.OtherPhone)
		add("support.field.availability", t.Availability)
	}
	add("support.field.location", location)
	add("support.field.entity", entity)
	add("support.field.service", service)
	add("support.field.office", office)
	return card
}

// or returns a, or b when a is empty.
func supportOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// supportTicketFields lists every field of the ticket (§3), N/A when empty.
func (s *Pages) supportTicketFields(lang string, t *store.QueueTicket) []supportField {
	stamp := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(s.paris).Format("02/01/2006 15:04:05")
	}
	yesNo := func(b bool) string {
		if b {
			return s.i18n.T(lang, "support.yes")
		}
		return s.i18n.T(lang, "support.no")
	}
	created := t.CreatedAt
	var fs []supportField
	add := func(key, value string) {
		fs = append(fs, supportField{Label: s.i18n.T(lang, key), Value: s.supportNA(lang, value)})
	}
	add("support.field.number", t.Number)
	add("support.field.created", stamp(&created))
	add("support.field.subject", t.CategoryPath)
	add("support.field.urgency", s.supportLevel(lang, t.Urgency))
	add("support.field.impact", s.supportLevel(lang, t.Impact))
	add("support.field.priority", fmt.Sprintf("P%d", t.Priority))
	add("support.field.private", yesNo(t.Private))
	add("support.field.status", s.statusLabel(lang, t.Status))
	add("support.field.group", t.Group)
	add("support.field.technician", t.Technician)
	add("support.field.requester", t.Requester)
	add("support.field.beneficiary", t.Beneficiary)
	add("support.field.equipment", t.Equipment)
	add("support.field.brand", t.Brand)
	add("support.field.model", t.Model)
	add("support.field.serial", t.Serial)
	add("support.field.maintenance", t.Maintenance)
	add("support.field.placement", t.Placement)
	add("support.field.pickupdue", stamp(t.PickupDueAt))
	add("support.field.late", yesNo(t.Late))
	add("support.field.pickedup", stamp(t.PickedUpAt))
	add("support.field.resolved", stamp(t.ResolvedAt))
	add("support.field.validationdue", stamp(t.ValidationDueAt))
	add("support.field.closed", stamp(t.ClosedAt))
	add("support.field.refusals", strconv.Itoa(t.Refusals))
	if t.DuplicateOf != "" {
		add("support.field.duplicateof", t.DuplicateOf)
	}
	if t.Validation != "" {
		add("support.field.validation", s.i18n.T(lang, "support.validation."+t.Validation))
		add("support.field.ratingdelay", fmt.Sprintf("%d / 5", t.RatingDelay))
		add("support.field.ratingquality", fmt.Sprintf("%d / 5", t.RatingQuality))
		add("support.field.validationcomment", t.ValidationComment)
	}
	return fs
}

// supportTimeline adds the full timeline (public and internal) and the
// documents of the ticket.
func (s *Pages) supportTimeline(c *fiber.Ctx, v *supportTicketView) error {
	ctx := c.UserContext()
	lang := v.Lang
	number := v.Ticket.Number
	events, err := s.db.Timeline(ctx, number, true)
	if err != nil {
		return fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	docs, err := s.db.TicketDocuments(ctx, number)
	if err != nil {
		return fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	v.Documents = docs
	bySeq := map[int64][]store.Attachment{}
	for _, d := range docs {
		bySeq[d.EventSeq] = append(bySeq[d.EventSeq], d)
	}
	var ids []int64
	dataOf := make([]map[string]string, len(events))
	for i, e := range events {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		data := map[string]string{}
		_ = json.Unmarshal([]byte(e.Data), &data) // details are optional
		dataOf[i] = data
		for _, k := range []string{"technician", "from_technician", "filed_by"} {
			if id, err := strconv.ParseInt(data[k], 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	people, err := s.db.PeopleByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	groups, err := s.db.GroupsOf(ctx, v.Ticket.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	groupName := map[string]string{}
	for _, g := range groups {
		groupName[strconv.FormatInt(g.ID, 10)] = g.Name
	}
	personOf := func(id string) string {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return ""
		}
		p := people[n]
		return supportName(&p)
	}
	for i, e := range events {
		entry := supportEvent{
			TicketEvent: e,
			Label:       s.supportEventLabel(lang, e.Kind),
			When:        e.CreatedAt.In(s.paris).Format("02/01/2006 15:04:05"),
			WhenISO:     e.CreatedAt.UTC().Format(time.RFC3339),
			Documents:   bySeq[e.Seq],
			Anchor:      "evenement-" + strconv.FormatInt(e.Seq, 10),
		}
		if e.ActorID != nil {
			p := people[*e.ActorID]
			entry.Actor = supportName(&p)
		} else {
			entry.Actor = s.i18n.T(lang, "support.event.system")
		}
		entry.Details = s.supportEventDetails(lang, e.Kind, dataOf[i], personOf, groupName)
		v.Timeline = append(v.Timeline, entry)
	}
	return nil
}

// supportEventLabel is the label of an event kind.
func (s *Pages) supportEventLabel(lang, kind string) string {
	key := "support.event." + kind
	if s.i18n.Has(key) {
		return s.i18n.T(lang, key)
	}
	return kind
}

// supportEventDetails turns an event's data into readable lines.
func (s *Pages) supportEventDetails(lang, kind string, data map[string]string, personOf func(string) string, groups map[string]string) []string {
	var out []string
	add := func(key string, args ...any) { out = append(out, s.i18n.T(lang, key, args...)) }
	level := func(v string) string { n, _ := strconv.Atoi(v); return s.supportLevel(lang, n) }
	stamp := func(v string) string {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return v
		}
		return t.In(s.paris).Format("02/01/2006 15:04")
	}
	switch kind {
	case workflows.EventCreated:
		if p := personOf(data["filed_by"]); p != "" {
			add("event.filedby", p)
		}
		if g := groups[data["group"]]; g != "" {
			add("support.detail.group", g)
		}
		if d := data["pickup_due"]; d != "" {
			add("support.detail.pickupdue", stamp(d))
		}
	case workflows.EventPickedUp:
		if p := personOf(data["technician"]); p != "" {
			add("support.detail.technician", p)
		}
	case workflows.EventAssigned:
		if g := groups[data["group"]]; g != "" {
			add("support.detail.group", g)
		}
		if p := personOf(data["technician"]); p != "" {
			add("support.detail.technician", p)
		} else {
			add("support.detail.nobody")
		}
		if data["offered"] == "true" {
			add("support.detail.offered")
		}
	case workflows.EventUrgencyChanged:
		add("support.detail.urgency", level(data["from"]), level(data["to"]))
	case workflows.EventImpactChanged:
		add("support.detail.impact", level(data["from"]), level(data["to"]))
	case workflows.EventResolved:
		if d := data["validation_due"]; d != "" {
			add("support.detail.validationdue", stamp(d))
		}
		if a := data["article"]; a != "" && a != "0" {
			add("support.detail.article", a)
		}
	case workflows.EventAccepted, workflows.EventRefused:
		if data["rating_delay"] != "" {
			add("support.detail.ratings", data["rating_delay"], data["rating_quality"])
		}
	case workflows.EventDuplicate:
		add("support.detail.duplicate", data["of"])
	case workflows.EventLate:
		if d := data["pickup_due"]; d != "" {
			add("support.detail.pickupdue", stamp(d))
		}
	case workflows.EventClosed:
		if data["auto"] == "true" {
			add("support.detail.autoclosed")
		}
	case workflows.EventMailSent:
		if k := data["kind"]; k != "" {
			if s.i18n.Has("support.mail." + k) {
				k = s.i18n.T(lang, "support.mail."+k)
			}
			add("support.detail.mail", k, data["recipients"])
		}
	case workflows.EventInfoAdded:
		if data["via"] == "mail" {
			add("support.detail.viamail")
		}
	}
	return out
}

// supportChoices fills the choices of the assignment and requalification
// forms: the académie's groups and support staff (with their load).
func (s *Pages) supportChoices(c *fiber.Ctx, v *supportTicketView) error {
	ctx := c.UserContext()
	lang := v.Lang
	groups, err := s.db.GroupsOf(ctx, v.Ticket.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: support ticket: %w", err)
	}
	for _, g := range groups {
		v.Groups = append(v.Groups, supportChoice{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
	}
	staff, err := s.db.SupportStaff(ctx, v.Ticket.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: support ticket: %w", err)
	}
	sort.SliceStable(staff, func(i, j int) bool { return staff[i].OpenTickets < staff[j].OpenTickets })
	for _, m := range staff {
		v.Staff = append(v.Staff, supportChoice{Value: strconv.FormatInt(m.ID, 10),
			Label: s.i18n.T(lang, "support.staff.load", supportName(&m.Person), m.OpenTickets)})
	}
	for _, l := range []int{1, 2, 3} {
		v.Levels = append(v.Levels, supportChoice{Value: strconv.Itoa(l), Label: s.supportLevel(lang, l)})
	}
	return nil
}

// supportMaxFile is the largest accepted document.
func (s *Pages) supportMaxFile() int64 {
	if n := s.cfg.Tickets.MaxFileBytes; n > 0 {
		return n
	}
	return 10 << 20
}
