package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
)

// The rules table: for every ticket action, who may do it, from which
// states, and the limits of each field. The workflow's validators, the web
// forms, the API and the pages' buttons all read it (CONVENTIONS §13), so
// a limit or a state list is written here once.

// Text limits of user input carried in payloads (the table's values).
const (
	maxBody   = 20000 // replies, notes, questions, information, solutions
	maxReason = 2000  // reasons and validation comments
)

// Rating range of a validation (délai and qualité d'intervention).
const (
	RatingMin = 1
	RatingMax = 5
)

// Who says who may take an action.
type Who string

// Who may take an action.
const (
	// WhoSupport: a technician or a supervisor of the ticket's académie.
	WhoSupport Who = "support"
	// WhoTechnician: a technician (a supervisor alone may not).
	WhoTechnician Who = "technician"
	// WhoParty: the ticket's requester or beneficiary.
	WhoParty Who = "party"
	// WhoPartyOrSupervisor: the requester, the beneficiary or a supervisor.
	WhoPartyOrSupervisor Who = "party_or_supervisor"
)

// FieldKind says how a field's value is checked.
type FieldKind string

// Kinds of fields.
const (
	// FieldText is free text of at most Max characters (Max 0: no limit).
	FieldText FieldKind = "text"
	// FieldRating is a rating from Min to Max.
	FieldRating FieldKind = "rating"
	// FieldLevel is an urgency or impact level from Min to Max; 0 means
	// unchanged when the field is optional.
	FieldLevel FieldKind = "level"
	// FieldID is the identifier of something (a person, a group, an
	// article); negative values are unknown.
	FieldID FieldKind = "id"
)

// Contract names of the actions' fields: the names refusals carry (and the
// API's JSON names). Forms map them to their own field names.
const (
	FieldReason        = "reason"
	FieldBody          = "body"
	FieldQuestion      = "question"
	FieldSolution      = "solution"
	FieldComment       = "comment"
	FieldRatingDelay   = "rating_delay"
	FieldRatingQuality = "rating_quality"
	FieldUrgency       = "urgency"
	FieldImpact        = "impact"
	FieldTechnician    = "technician_id"
	FieldGroup         = "group_id"
	FieldArticle       = "article_id"
	FieldOf            = "of"
	// FieldAttachments is the documents of an action (their count), named
	// by Field.Or when a text may be empty because documents come along.
	FieldAttachments = "attachment_ids"
)

// Field is the rule of one field of an action.
type Field struct {
	Name string // contract name (Field… constants)
	Kind FieldKind
	// Required: the field must be given (non-blank text, non-zero number),
	// unless the field named Or is given.
	Required bool
	Or       string
	// Min and Max bound a number; Max is also the most characters of a text
	// (0: no limit).
	Min, Max int
}

// Rule is the rule of one action (an Update name).
type Rule struct {
	Action string
	Who    Who
	// States are the statuses the action is allowed from.
	States []string
	Fields []Field
}

// Field returns the rule of the field named name.
func (r Rule) Field(name string) (Field, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Allows reports whether the action is allowed from status.
func (r Rule) Allows(status string) bool { return slices.Contains(r.States, status) }

// openStatuses lists the statuses of a ticket that accepts actions.
func openStatuses() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}
}

// beforeResolution lists the statuses of an open, unresolved ticket.
func beforeResolution() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting}
}

// rulesTable is the table itself, in the order of Actions.
func rulesTable() []Rule {
	text := func(name string, required bool, limit int) Field {
		return Field{Name: name, Kind: FieldText, Required: required, Max: limit}
	}
	rating := func(name string) Field {
		return Field{Name: name, Kind: FieldRating, Required: true, Min: RatingMin, Max: RatingMax}
	}
	level := func(name string) Field {
		return Field{Name: name, Kind: FieldLevel, Min: LevelHigh, Max: LevelLow}
	}
	return []Rule{
		{Action: UpdatePickUp, Who: WhoTechnician, States: beforeResolution()},
		{Action: UpdateAssign, Who: WhoSupport, States: beforeResolution(), Fields: []Field{
			{Name: FieldTechnician, Kind: FieldID, Required: true, Or: FieldGroup},
			{Name: FieldGroup, Kind: FieldID},
			text(FieldReason, false, maxReason),
		}},
		{Action: UpdateRequalify, Who: WhoSupport, States: beforeResolution(), Fields: []Field{
			level(FieldUrgency), level(FieldImpact), text(FieldReason, true, maxReason),
		}},
		{Action: UpdateReply, Who: WhoSupport, States: openStatuses(), Fields: []Field{text(FieldBody, true, maxBody)}},
		{Action: UpdateNote, Who: WhoSupport, States: openStatuses(), Fields: []Field{text(FieldBody, true, maxBody)}},
		{Action: UpdateRequestInfo, Who: WhoSupport, States: []string{StatusInProgress},
			Fields: []Field{text(FieldQuestion, true, maxBody)}},
		{Action: UpdateAddInfo, Who: WhoParty, States: openStatuses(), Fields: []Field{
			{Name: FieldBody, Kind: FieldText, Required: true, Or: FieldAttachments, Max: maxBody},
		}},
		{Action: UpdateResolve, Who: WhoSupport, States: []string{StatusInProgress}, Fields: []Field{
			text(FieldSolution, true, maxBody), {Name: FieldArticle, Kind: FieldID},
		}},
		{Action: UpdateAccept, Who: WhoParty, States: []string{StatusResolved}, Fields: []Field{
			rating(FieldRatingDelay), rating(FieldRatingQuality), text(FieldComment, false, maxReason),
		}},
		{Action: UpdateRefuse, Who: WhoParty, States: []string{StatusResolved}, Fields: []Field{
			rating(FieldRatingDelay), rating(FieldRatingQuality), text(FieldComment, true, maxReason),
		}},
		// SPEC §4: the requester withdraws the ticket before resolution;
		// the reason is optional.
		{Action: UpdateCancel, Who: WhoPartyOrSupervisor, States: beforeResolution(),
			Fields: []Field{text(FieldReason, false, maxReason)}},
		{Action: UpdateMarkDuplicate, Who: WhoSupport, States: beforeResolution(), Fields: []Field{
			text(FieldOf, true, 0), text(FieldReason, false, maxReason),
		}},
	}
}

// Actions lists every action of the rules table (the Update names).
func Actions() []string {
	var out []string
	for _, r := range rulesTable() {
		out = append(out, r.Action)
	}
	return out
}

// Rules returns the rule of an action (an Update… name); false for an
// unknown action.
func Rules(action string) (Rule, bool) {
	for _, r := range rulesTable() {
		if r.Action == action {
			return r, true
		}
	}
	return Rule{}, false
}

// StatusKey is the catalogue key of a status's label: "status.new".
func StatusKey(status string) string { return "status." + status }

// Facts are what the rules need to know of a ticket.
type Facts struct {
	Number        string
	Status        string
	RequesterID   int64
	BeneficiaryID int64
	TechnicianID  int64 // 0 = nobody
	GroupID       int64
	Urgency       int
	Impact        int
}

// Facts returns the rules' view of the state.
func (s TicketState) Facts() Facts {
	return Facts{Number: s.Number, Status: s.Status, RequesterID: s.RequesterID, BeneficiaryID: s.BeneficiaryID,
		TechnicianID: s.TechnicianID, GroupID: s.GroupID, Urgency: s.Urgency, Impact: s.Impact}
}

// IsParty reports whether the actor is the ticket's requester or beneficiary.
func (f Facts) IsParty(a Actor) bool {
	return a.PersonID != 0 && (a.PersonID == f.RequesterID || a.PersonID == f.BeneficiaryID)
}

// Refusal codes: why an action is refused. Who-codes (the person may not),
// state codes (the ticket's state does not allow it; no Field) and input
// codes (a field is wrong; Field is set).
const (
	RefusedUnidentified   = "unidentified"    // no person
	RefusedSupportOnly    = "support_only"    // support only
	RefusedTechnicianOnly = "technician_only" // a technician only
	RefusedNotParty       = "not_party"       // requester or beneficiary (or supervisor, for cancel)
	RefusedState          = "state"           // not from this status (StatusKey, Ticket)
	RefusedAlreadyYours   = "already_yours"   // picked up by the actor already
	RefusedTaken          = "taken"           // picked up by another technician
	RefusedUnchanged      = "unchanged"       // an assignment or requalification changing nothing
	RefusedRequired       = "required"        // an empty required field
	RefusedTooLong        = "too_long"        // more than Limit characters
	RefusedRatingsRange   = "ratings_range"   // a rating outside Min…Limit
	RefusedLevelRange     = "level_range"     // a level outside Min…Limit
	RefusedUnknown        = "unknown"         // no such article or ticket (Ticket)
	RefusedSelf           = "self"            // a ticket as its own duplicate
	RefusedOtherAcademy   = "other_academy"   // a ticket of another académie (Ticket)
	RefusedNotOpen        = "not_open"        // a closed or cancelled ticket to follow (Ticket, StatusKey)
)

// Refusal is why the rules refuse an action: the details of the
// ErrRejected application error. Surfaces translate it from its code
// (catalogue keys rule.*), show it next to Field when set, and answer by
// its class (IsInput, IsWho, else state).
type Refusal struct {
	Action string `json:"action"`
	Code   string `json:"code"`
	// Field is the contract name of the field in error; empty for who and
	// state refusals.
	Field string `json:"field,omitempty"`
	// Limit is the most characters, or the highest value, of the field.
	Limit int `json:"limit,omitempty"`
	// Min is the lowest value of the field.
	Min int `json:"min,omitempty"`
	// StatusKey is the catalogue key of the status concerned (status.…).
	StatusKey string `json:"status_key,omitempty"`
	// Ticket is the number of the ticket concerned.
	Ticket string `json:"ticket,omitempty"`
}

// IsInput reports whether a field is wrong (a 422 for the API).
func (r *Refusal) IsInput() bool { return r.Field != "" }

// IsWho reports whether the person may not take the action at all.
func (r *Refusal) IsWho() bool {
	switch r.Code {
	case RefusedUnidentified, RefusedSupportOnly, RefusedTechnicianOnly, RefusedNotParty:
		return true
	}
	return false
}

// Error returns the French message (for logs and the Temporal UI; users
// read the catalogue's translation of the code).
func (r *Refusal) Error() string { return frenchRefusal(r) }

// Err returns the refusal as the ErrRejected application error the
// workflow answers, carrying the refusal as its details.
func (r *Refusal) Err() error {
	return temporal.NewApplicationError(frenchRefusal(r), ErrRejected, *r)
}

// RefusalOf returns the refusal carried by the error of an Update; false
// when err is no ErrRejected error with a refusal (a worker older than the
// rules table answers with its French message only).
func RefusalOf(err error) (*Refusal, bool) {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != ErrRejected || !app.HasDetails() {
		return nil, false
	}
	var r Refusal
	if app.Details(&r) != nil || r.Code == "" {
		return nil, false
	}
	return &r, true
}

// Allowed returns why actor may not take action on the ticket (who and
// state), or nil when they may. Pages show the buttons it allows.
func Allowed(action string, t Facts, a Actor) *Refusal {
	rule, ok := Rules(action)
	if !ok {
		return &Refusal{Action: action, Code: RefusedUnknown}
	}
	refuse := func(code string) *Refusal { return &Refusal{Action: action, Code: code} }
	if a.PersonID <= 0 {
		return refuse(RefusedUnidentified)
	}
	switch rule.Who {
	case WhoSupport:
		if !a.Support() {
			return refuse(RefusedSupportOnly)
		}
	case WhoTechnician:
		if !a.Support() {
			return refuse(RefusedSupportOnly)
		}
		if !a.Has(RoleTechnician) {
			return refuse(RefusedTechnicianOnly)
		}
	case WhoParty:
		if !t.IsParty(a) {
			return refuse(RefusedNotParty)
		}
	case WhoPartyOrSupervisor:
		if !t.IsParty(a) && !a.Has(RoleSupervisor) {
			return refuse(RefusedNotParty)
		}
	}
	if !rule.Allows(t.Status) {
		return &Refusal{Action: action, Code: RefusedState, StatusKey: StatusKey(t.Status), Ticket: t.Number}
	}
	if action == UpdatePickUp && t.Status != StatusNew && t.TechnicianID != 0 {
		if t.TechnicianID == a.PersonID {
			return refuse(RefusedAlreadyYours)
		}
		return refuse(RefusedTaken)
	}
	return nil
}

// inputter is an Update input that gives its fields by contract name:
// strings for texts, ints for numbers and the attachments' count.
type inputter interface {
	action() string
	actor() Actor
	values() map[string]any
}

// CheckInput returns why the fields of an Update input (PickUpInput,
// CancelInput…) break the rules table, or nil: the first of CheckFields.
func CheckInput(in any) *Refusal {
	if rs := CheckFields(in); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// CheckFields returns a refusal for each field of an Update input that
// breaks the rules table, in the table's order. It checks the input alone,
// without the ticket: forms (which show every error at once) and the API
// call it before sending the Update.
func CheckFields(in any) []*Refusal {
	v, ok := in.(inputter)
	if !ok {
		return nil
	}
	var out []*Refusal
	rule, _ := Rules(v.action())
	values := v.values()
	given := func(name string) bool {
		switch x := values[name].(type) {
		case string:
			return strings.TrimSpace(x) != ""
		case int:
			return x != 0
		case int64:
			return x != 0
		}
		return false
	}
	for _, f := range rule.Fields {
		refuse := func(code string) *Refusal {
			r := &Refusal{Action: rule.Action, Code: code, Field: f.Name}
			if f.Kind != FieldText || code == RefusedTooLong {
				r.Limit = f.Max
			}
			if f.Kind == FieldRating || f.Kind == FieldLevel {
				r.Min = f.Min
			}
			return r
		}
		missing := f.Required && !given(f.Name) && (f.Or == "" || !given(f.Or))
		switch f.Kind {
		case FieldText:
			s, _ := values[f.Name].(string)
			if missing {
				out = append(out, refuse(RefusedRequired))
				continue
			}
			if f.Max > 0 && utf8.RuneCountInString(s) > f.Max {
				out = append(out, refuse(RefusedTooLong))
			}
		case FieldRating, FieldLevel:
			n := toInt(values[f.Name])
			outside := n < f.Min || n > f.Max
			if !f.Required && n == 0 {
				outside = false // an optional level left unchanged
			}
			if outside {
				if f.Kind == FieldRating {
					out = append(out, refuse(RefusedRatingsRange))
					continue
				}
				out = append(out, refuse(RefusedLevelRange))
			}
		case FieldID:
			if toInt(values[f.Name]) < 0 {
				out = append(out, refuse(RefusedUnknown))
				continue
			}
			if missing {
				out = append(out, refuse(RefusedRequired))
			}
		}
	}
	return out
}

// toInt reads a number of an input's values.
func toInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(max(min(x, 1<<31-1), -1<<31))
	}
	return 0
}

// Validate is the whole rule of an Update on a ticket: who and state
// (Allowed), the fields (CheckInput), then what depends on both (an
// assignment or requalification that changes nothing, a ticket as its own
// duplicate). The workflow's validators are this function.
func Validate(t Facts, in any) *Refusal {
	v, ok := in.(inputter)
	if !ok {
		return &Refusal{Code: RefusedUnknown}
	}
	if r := Allowed(v.action(), t, v.actor()); r != nil {
		return r
	}
	if r := CheckInput(in); r != nil {
		return r
	}
	switch x := in.(type) {
	case AssignInput:
		if (x.GroupID == 0 || x.GroupID == t.GroupID) && x.TechnicianID == t.TechnicianID {
			return &Refusal{Action: UpdateAssign, Code: RefusedUnchanged, Field: FieldTechnician}
		}
	case RequalifyInput:
		if (x.Urgency == 0 || x.Urgency == t.Urgency) && (x.Impact == 0 || x.Impact == t.Impact) {
			return &Refusal{Action: UpdateRequalify, Code: RefusedUnchanged, Field: FieldUrgency}
		}
	case MarkDuplicateInput:
		if strings.EqualFold(strings.TrimSpace(x.Of), t.Number) {
			return &Refusal{Action: UpdateMarkDuplicate, Code: RefusedSelf, Field: FieldOf, Ticket: t.Number}
		}
	}
	return nil
}

func (in PickUpInput) actor() Actor        { return in.Actor }
func (PickUpInput) action() string         { return UpdatePickUp }
func (PickUpInput) values() map[string]any { return nil }

func (in AssignInput) actor() Actor { return in.Actor }
func (AssignInput) action() string  { return UpdateAssign }
func (in AssignInput) values() map[string]any {
	return map[string]any{FieldTechnician: in.TechnicianID, FieldGroup: in.GroupID, FieldReason: in.Reason}
}

func (in RequalifyInput) actor() Actor { return in.Actor }
func (RequalifyInput) action() string  { return UpdateRequalify }
func (in RequalifyInput) values() map[string]any {
	return map[string]any{FieldUrgency: in.Urgency, FieldImpact: in.Impact, FieldReason: in.Reason}
}

func (in ReplyInput) actor() Actor { return in.Actor }
func (ReplyInput) action() string  { return UpdateReply }
func (in ReplyInput) values() map[string]any {
	return map[string]any{FieldBody: in.Body, FieldAttachments: len(in.AttachmentIDs)}
}

func (in NoteInput) actor() Actor { return in.Actor }
func (NoteInput) action() string  { return UpdateNote }
func (in NoteInput) values() map[string]any {
	return map[string]any{FieldBody: in.Body, FieldAttachments: len(in.AttachmentIDs)}
}

func (in RequestInfoInput) actor() Actor { return in.Actor }
func (RequestInfoInput) action() string  { return UpdateRequestInfo }
func (in RequestInfoInput) values() map[string]any {
	return map[string]any{FieldQuestion: in.Question}
}

func (in AddInfoInput) actor() Actor { return in.Actor }
func (AddInfoInput) action() string  { return UpdateAddInfo }
func (in AddInfoInput) values() map[string]any {
	return map[string]any{FieldBody: in.Body, FieldAttachments: len(in.AttachmentIDs)}
}

func (in ResolveInput) actor() Actor { return in.Actor }
func (ResolveInput) action() string  { return UpdateResolve }
func (in ResolveInput) values() map[string]any {
	return map[string]any{FieldSolution: in.Solution, FieldArticle: in.ArticleID, FieldAttachments: len(in.AttachmentIDs)}
}

func (in AcceptInput) actor() Actor { return in.Actor }
func (AcceptInput) action() string  { return UpdateAccept }
func (in AcceptInput) values() map[string]any {
	return map[string]any{FieldRatingDelay: in.RatingDelay, FieldRatingQuality: in.RatingQuality, FieldComment: in.Comment}
}

func (in RefuseInput) actor() Actor { return in.Actor }
func (RefuseInput) action() string  { return UpdateRefuse }
func (in RefuseInput) values() map[string]any {
	return map[string]any{FieldRatingDelay: in.RatingDelay, FieldRatingQuality: in.RatingQuality, FieldComment: in.Comment}
}

func (in CancelInput) actor() Actor { return in.Actor }
func (CancelInput) action() string  { return UpdateCancel }
func (in CancelInput) values() map[string]any {
	return map[string]any{FieldReason: in.Reason}
}

func (in MarkDuplicateInput) actor() Actor { return in.Actor }
func (MarkDuplicateInput) action() string  { return UpdateMarkDuplicate }
func (in MarkDuplicateInput) values() map[string]any {
	return map[string]any{FieldOf: in.Of, FieldReason: in.Reason}
}

// frenchStatus is the French label of a status, for the refusals' French
// messages only (users read the catalogue's status.* labels).
func frenchStatus(key string) string {
	switch key {
	case StatusKey(StatusNew):
		return "Nouveau"
	case StatusKey(StatusInProgress):
		return "En cours de traitement"
	case StatusKey(StatusWaiting):
		return "En attente d'information"
	case StatusKey(StatusResolved):
		return "Résolu — en attente de validation"
	case StatusKey(StatusClosed):
		return "Clôturé"
	case StatusKey(StatusCancelled):
		return "Annulé"
	}
	return strings.TrimPrefix(key, "status.")
}

// frenchRefusal is the French message of a refusal, for logs and the
// Temporal UI; the web's catalogue (rule.*) holds the same texts in French
// and English.
func frenchRefusal(r *Refusal) string {
	switch r.Code {
	case RefusedUnidentified:
		return "Action refusée : personne non identifiée."
	case RefusedSupportOnly:
		return "Action réservée à l'équipe de support."
	case RefusedTechnicianOnly:
		return "Seul un technicien peut prendre un ticket en charge."
	case RefusedNotParty:
		if r.Action == UpdateCancel {
			return "Seul le demandeur peut annuler son ticket."
		}
		return "Action réservée au demandeur ou au bénéficiaire du ticket."
	case RefusedState:
		switch {
		case r.StatusKey == StatusKey(StatusClosed):
			return fmt.Sprintf("Le ticket %s est clôturé : il n'accepte plus aucune action.", r.Ticket)
		case r.StatusKey == StatusKey(StatusCancelled):
			return fmt.Sprintf("Le ticket %s est annulé : il n'accepte plus aucune action.", r.Ticket)
		case r.Action == UpdateCancel && r.StatusKey == StatusKey(StatusResolved):
			return "Le ticket est résolu : acceptez ou refusez la solution au lieu de l'annuler."
		}
		return fmt.Sprintf("Action impossible : le ticket est « %s ».", frenchStatus(r.StatusKey))
	case RefusedAlreadyYours:
		return "Vous avez déjà pris ce ticket en charge."
	case RefusedTaken:
		return "Ce ticket est déjà pris en charge par un autre technicien."
	case RefusedUnchanged:
		if r.Action == UpdateRequalify {
			return "Rien à requalifier : l'urgence et l'impact sont inchangés."
		}
		return "Le ticket est déjà affecté ainsi."
	case RefusedRequired:
		switch r.Action + "/" + r.Field {
		case UpdateAssign + "/" + FieldTechnician:
			return "Choisissez un technicien ou un groupe."
		case UpdateRequalify + "/" + FieldReason:
			return "Indiquez le motif de la requalification."
		case UpdateReply + "/" + FieldBody:
			return "La réponse est vide."
		case UpdateNote + "/" + FieldBody:
			return "La note est vide."
		case UpdateRequestInfo + "/" + FieldQuestion:
			return "Posez votre question au demandeur."
		case UpdateAddInfo + "/" + FieldBody:
			return "L'information ajoutée est vide."
		case UpdateResolve + "/" + FieldSolution:
			return "Décrivez la solution apportée."
		case UpdateRefuse + "/" + FieldComment:
			return "Un refus doit être motivé : indiquez ce qui ne convient pas."
		case UpdateMarkDuplicate + "/" + FieldOf:
			return "Indiquez le numéro du ticket à suivre."
		}
		return "Ce champ est obligatoire."
	case RefusedTooLong:
		return fmt.Sprintf("Le texte est trop long (%d caractères au plus).", r.Limit)
	case RefusedRatingsRange:
		return fmt.Sprintf("Les notes de délai et de qualité d'intervention vont de %d à %d.", r.Min, r.Limit)
	case RefusedLevelRange:
		if r.Field == FieldImpact {
			return "L'impact doit valoir 1 (haute), 2 (moyenne) ou 3 (faible)."
		}
		return "L'urgence doit valoir 1 (haute), 2 (moyenne) ou 3 (faible)."
	case RefusedUnknown:
		if r.Field == FieldOf {
			return fmt.Sprintf("Le ticket %s n'existe pas.", r.Ticket)
		}
		if r.Field == FieldArticle {
			return "Article de la base de connaissances inconnu."
		}
		if r.Field == FieldTechnician || r.Field == FieldGroup {
			return "Technicien ou groupe inconnu."
		}
		return "Action inconnue."
	case RefusedSelf:
		return "Un ticket ne peut pas être le doublon de lui-même."
	case RefusedOtherAcademy:
		return fmt.Sprintf("Le ticket %s appartient à une autre académie.", r.Ticket)
	case RefusedNotOpen:
		return fmt.Sprintf("Le ticket %s est %s : choisissez un ticket ouvert.", r.Ticket, strings.ToLower(frenchStatus(r.StatusKey)))
	}
	return "Action refusée."
}
