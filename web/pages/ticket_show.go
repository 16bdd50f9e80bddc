package pages

import (
	"encoding/json"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// ticketField is one labelled value of the ticket page ("N/A" when empty).
type ticketField struct {
	ID, Label, Value string
}

// documentView is an attachment as the ticket page lists it.
type documentView struct {
	ID       int64
	Filename string
	Size     string
	Type     string
	Href     string
	// Preview is the inline URL of an image that may be shown.
	Preview string
	At      time.Time
}

// eventView is a timeline entry.
type eventView struct {
	Seq       int64
	At        time.Time
	Label     string
	Actor     string
	Body      template.HTML
	Internal  bool
	Documents []documentView
	// FiledBy, on the created event of a ticket filed through Prise
	// d'appel, is « Saisi par NOM, Prénom (prise d'appel) ».
	FiledBy string
}

// ticketView is the ticket page's view model.
type ticketView struct {
	Page
	Ticket      *store.Ticket
	StatusLabel string
	Identity    []ticketField
	Request     []ticketField
	Equipment   []ticketField
	Tracking    []ticketField
	Description template.HTML
	Documents   []documentView
	Timeline    []eventView
	Support     bool
	// Requester actions.
	CanAddInfo  bool
	CanCancel   bool
	CanValidate bool
	// ValidationDue is the date the resolved ticket closes by itself.
	ValidationDue *time.Time
	// Notice is a confirmation after an action (?information=1, ?annule=1).
	Notice string
}

// ticketShow answers GET /incidents/:number: the whole ticket, its
// documents, its timeline (internal notes for support only) and the
// requester's actions.
func (s *Pages) ticketShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	t, v, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return err
	}
	support := v.IsSupport(t.AcademyCode)
	ids := []int64{t.RequesterID, t.BeneficiaryID}
	if t.TechnicianID != nil {
		ids = append(ids, *t.TechnicianID)
	}
	events, err := s.db.Timeline(ctx, t.Number, support)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		if id := filedBy(e); id != 0 {
			ids = append(ids, id)
		}
	}
	people, err := s.db.PeopleByIDs(ctx, ids)
	if err != nil {
		return err
	}
	na := s.i18n.T(lang, "na")
	val := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return na
		}
		return s
	}
	name := func(id int64) string {
		if p := people[id]; p != nil {
			return personName(p)
		}
		return na
	}
	tv := &ticketView{Ticket: t, Support: support, StatusLabel: s.statusLabel(lang, t.Status)}
	tv.Identity = []ticketField{
		{"f-demandeur", s.i18n.T(lang, "ticket.requester"), name(t.RequesterID)},
		{"f-beneficiaire", s.i18n.T(lang, "ticket.beneficiary"), name(t.BeneficiaryID)},
		{"f-localisation", s.i18n.T(lang, "ticket.location"), val(t.Location)},
		{"f-entite", s.i18n.T(lang, "ticket.entity"), val(t.Entity)},
		{"f-telephone", s.i18n.T(lang, "ticket.phone"), val(t.Phone)},
		{"f-autre-telephone", s.i18n.T(lang, "ticket.otherphone"), val(t.OtherPhone)},
		{"f-disponibilite", s.i18n.T(lang, "ticket.availability"), val(t.Availability)},
		{"f-service", s.i18n.T(lang, "ticket.service"), val(t.Service)},
		{"f-bureau", s.i18n.T(lang, "ticket.office"), val(t.Office)},
	}
	private := s.i18n.T(lang, "no")
	if t.Private {
		private = s.i18n.T(lang, "yes")
	}
	tv.Request = []ticketField{
		{"f-objet", s.i18n.T(lang, "ticket.subject"), val(t.CategoryPath)},
		{"f-urgence", s.i18n.T(lang, "ticket.urgency"), s.i18n.T(lang, "urgency."+strconv.Itoa(t.Urgency))},
		{"f-prive", s.i18n.T(lang, "ticket.private"), private},
	}
	tv.Equipment = []ticketField{
		{"f-materiel", s.i18n.T(lang, "ticket.equipment"), val(t.Equipment)},
		{"f-marque", s.i18n.T(lang, "ticket.brand"), val(t.Brand)},
		{"f-modele", s.i18n.T(lang, "ticket.model"), val(t.Model)},
		{"f-numero-serie", s.i18n.T(lang, "ticket.serial"), val(t.Serial)},
		{"f-maintenance", s.i18n.T(lang, "ticket.maintenance"), val(t.Maintenance)},
		{"f-emplacement", s.i18n.T(lang, "ticket.placement"), val(t.Placement)},
	}
	tech := na
	if t.TechnicianID != nil {
		tech = name(*t.TechnicianID)
	}
	group := na
	if t.GroupID != nil {
		if g, err := s.db.GetGroup(ctx, *t.GroupID); err == nil {
			group = g.Name
		}
	}
	dt := func(p *time.Time) string {
		if p == nil {
			return na
		}
		return p.In(s.paris).Format("02/01/2006 15:04:05")
	}
	tv.Tracking = []ticketField{
		{"f-statut", s.i18n.T(lang, "ticket.status"), tv.StatusLabel},
		{"f-emise", s.i18n.T(lang, "ticket.created"), dt(&t.CreatedAt)},
		{"f-groupe", s.i18n.T(lang, "ticket.group"), group},
		{"f-technicien", s.i18n.T(lang, "ticket.technician"), tech},
		{"f-prise-en-charge", s.i18n.T(lang, "ticket.pickedup"), dt(t.PickedUpAt)},
		{"f-resolu", s.i18n.T(lang, "ticket.resolved"), dt(t.ResolvedAt)},
		{"f-cloture", s.i18n.T(lang, "ticket.closed"), dt(t.ClosedAt)},
	}
	if t.Impact > 0 {
		tv.Tracking = append(tv.Tracking,
			ticketField{"f-impact", s.i18n.T(lang, "ticket.impact"), s.i18n.T(lang, "urgency."+strconv.Itoa(t.Impact))},
			ticketField{"f-priorite", s.i18n.T(lang, "ticket.priority"), "P" + strconv.Itoa(t.Priority)})
	}
	tv.Description = linkify(t.Description)

	docs, err := s.db.AttachmentInfos(ctx, t.Number)
	if err != nil {
		return err
	}
	bySeq := map[int64][]documentView{}
	shown := map[int64]bool{} // the events this viewer sees (internal notes for support only)
	for _, e := range events {
		shown[e.Seq] = true
	}
	for _, d := range docs {
		if !shown[d.EventSeq] {
			continue // a document of an internal note stays with support
		}
		dv := documentView{ID: d.ID, Filename: d.Filename, Size: kit.FormatBytes(d.Size), Type: d.ContentType, At: d.CreatedAt,
			Href: "/incidents/" + url.PathEscape(t.Number) + "/documents/" + strconv.FormatInt(d.ID, 10)}
		if tickets.Previewable(d.ContentType) {
			dv.Preview = dv.Href + "?apercu=1"
		}
		tv.Documents = append(tv.Documents, dv)
		bySeq[d.EventSeq] = append(bySeq[d.EventSeq], dv)
	}
	for _, e := range events {
		ev := eventView{Seq: e.Seq, At: e.CreatedAt, Label: s.eventLabel(lang, e.Kind), Internal: !e.Public,
			Body: linkify(e.Body), Documents: bySeq[e.Seq]}
		if e.ActorID != nil {
			ev.Actor = name(*e.ActorID)
		}
		if id := filedBy(e); id != 0 {
			ev.FiledBy = s.i18n.T(lang, "event.filedby", name(id))
		}
		tv.Timeline = append(tv.Timeline, ev)
	}

	// The requester's buttons: the rules table decides (who, state).
	actor, err := s.ticketActor(c, t.AcademyCode)
	if err != nil {
		return err
	}
	tv.CanAddInfo = actionOffered(workflows.UpdateAddInfo, t, actor)
	tv.CanCancel = actionOffered(workflows.UpdateCancel, t, actor)
	tv.CanValidate = actionOffered(workflows.UpdateAccept, t, actor)
	if t.Status == store.StatusResolved {
		tv.ValidationDue = t.ValidationDueAt
	}
	switch {
	case c.Query("information") == "1":
		tv.Notice = s.i18n.T(lang, "addinfo.done")
	case c.Query("annule") == "1":
		tv.Notice = s.i18n.T(lang, "cancel.done")
	}
	s.recordView(c, t.Number) // Mon historique (requester_chrome.go), before the side menu is built
	tv.Page = s.page(c, s.i18n.T(lang, "ticket.title", t.Number))
	return s.render(c, fiber.StatusOK, "ticket_show", tv)
}

// filedBy returns the technician who filed the ticket for its requester
// (Prise d'appel), from the created event's data; 0 when there is none.
func filedBy(e store.TicketEvent) int64 {
	if e.Kind != store.EventCreated {
		return 0
	}
	var data struct {
		FiledBy string `json:"filed_by"`
	}
	if json.Unmarshal([]byte(e.Data), &data) != nil {
		return 0
	}
	id, _ := strconv.ParseInt(data.FiledBy, 10, 64)
	return max(id, 0)
}

// eventLabel is the label of a timeline event kind in lang.
func (s *Pages) eventLabel(lang, kind string) string {
	key := "event." + kind
	if s.i18n.Has(key) {
		return s.i18n.T(lang, key)
	}
	return kind
}

// urlPattern finds web links in plain text.
var urlPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkify renders plain text as HTML: everything escaped, line breaks kept
// as <br>, http(s) links made clickable. It never lets HTML of the text
// through.
func linkify(text string) template.HTML {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		// Trailing punctuation belongs to the sentence, not the link.
		for end > start && strings.ContainsRune(".,;:!?)]»", rune(text[end-1])) {
			end--
		}
		b.WriteString(escapeLines(text[last:start]))
		link := text[start:end]
		if u, err := url.Parse(link); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			b.WriteString(`<a href="` + template.HTMLEscapeString(u.String()) + `" rel="noopener noreferrer nofollow">` +
				template.HTMLEscapeString(link) + `</a>`)
		} else {
			b.WriteString(template.HTMLEscapeString(link))
		}
		last = end
	}
	b.WriteString(escapeLines(text[last:]))
	return template.HTML(b.String()) // #nosec G203 -- built only from HTMLEscapeString output and fixed markup
}

// escapeLines escapes text and turns its line breaks into <br>.
func escapeLines(s string) string {
	return strings.ReplaceAll(template.HTMLEscapeString(s), "\n", "<br>")
}
