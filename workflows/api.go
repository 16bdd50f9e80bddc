// Package workflows holds every Temporal workflow of Guichet and its
// contract, and nothing else defines one (the import-graph and replay tests
// keep it so):
//
//   - the ticket workflow (ticket.go, handlers.go, timers.go): its names,
//     Updates, query and signal, input and result structs (api.go), the
//     rules table of its actions — who, from which states, each field's
//     limits, refusal codes, status label keys — that the web forms and the
//     API read too (rules.go), its activity names and payloads
//     (activities.go) and the search attributes it keeps current;
//   - the webhook delivery workflow the ticket starts as children
//     (webhooks.go);
//   - the directory synchronisation (directory.go) and the bench's empty
//     workflow (bench.go).
//
// web/ depends on this package (never on activities/), so it imports only
// the Temporal SDK, the Temporal API, the standard library and the French
// holiday calendar its deadlines need.
package workflows

import (
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// TaskQueue is the task queue the ticket worker polls.
const TaskQueue = "guichet-tickets"

// WorkflowName is the registered type name of the ticket workflow.
const WorkflowName = "TicketWorkflow"

// TicketWorkflowID returns the workflow ID of a ticket: its number.
func TicketWorkflowID(number string) string { return number }

// Update names: every user action on a ticket is an Update with a validator.
const (
	UpdatePickUp        = "pick-up"
	UpdateAssign        = "assign"
	UpdateRequalify     = "requalify"
	UpdateReply         = "reply"
	UpdateNote          = "note"
	UpdateRequestInfo   = "request-info"
	UpdateAddInfo       = "add-info"
	UpdateResolve       = "resolve"
	UpdateAccept        = "accept"
	UpdateRefuse        = "refuse"
	UpdateCancel        = "cancel"
	UpdateMarkDuplicate = "mark-duplicate"
)

// QueryState is the query returning the live TicketState.
const QueryState = "state"

// SignalMailReply is the fire-and-forget signal sent by the mail listener when
// the requester answers a mail: it adds information like UpdateAddInfo.
// Its payload is MailReplyInput.
const SignalMailReply = "mail-reply"

// Ticket statuses; the same strings as the store's Status… constants.
const (
	StatusNew        = "new"
	StatusInProgress = "in_progress"
	StatusWaiting    = "waiting"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
	StatusCancelled  = "cancelled"
)

// Roles an Actor may hold in the ticket's académie; the same strings as the
// store's Role… constants. Being the ticket's requester or beneficiary is not
// a role: the workflow knows it from the ticket.
const (
	RoleRequester  = "requester"
	RoleTechnician = "technician"
	RoleSupervisor = "supervisor"
)

// Validation outcomes recorded in TicketState.Validation.
const (
	ValidationAccepted = "accepted"
	ValidationRefused  = "refused"
	ValidationAuto     = "auto"
)

// ErrRejected is the ApplicationError type of every refused action (from a
// validator or from a handler that found the state changed meanwhile). Its
// details are a Refusal (a code and the field in error, see RefusalOf),
// which surfaces translate; its message is the French text, for logs and
// the Temporal UI.
const ErrRejected = "Rejected"

// Urgency and impact levels (1 high … 3 low) and their default.
const (
	LevelHigh    = 1
	LevelMedium  = 2
	LevelLow     = 3
	DefaultLevel = LevelLow
)

// Priority returns the ITIL priority (1 = P1 … 5 = P5) of an urgency and an
// impact, each 1 (high) … 3 (low).
func Priority(urgency, impact int) int {
	return min(max(urgency, 1), 3) + min(max(impact, 1), 3) - 1
}

// OpeningHours says when a support platform works (mirrors
// config.OpeningHours; the starter copies it so the workflow never reads
// configuration).
type OpeningHours struct {
	TimeZone string // IANA name, e.g. "Europe/Paris"
	Open     string // "08:00"
	Close    string // "18:00"
	Days     []int  // 1 = Monday … 7 = Sunday
	Holidays string // "fr" (French public holidays) or "none"
	// ClosedDays are extra closed dates of the platform ("2006-01-02"),
	// set by supervisors. Empty in histories recorded before they existed,
	// which keeps those histories' deadlines unchanged.
	ClosedDays []string
}

// Timers are the lifecycle durations of one ticket, passed by the starter.
type Timers struct {
	// PickupDeadline counts opening hours only (see PickupDeadline).
	PickupDeadline time.Duration
	// ValidationDeadline runs from resolution to automatic closure.
	ValidationDeadline time.Duration
	// ValidationReminder runs from resolution to the reminder mail; ignored
	// when zero or not shorter than ValidationDeadline.
	ValidationReminder time.Duration
	// WaitingReminder runs from the question to the single reminder mail.
	WaitingReminder time.Duration
	Hours           OpeningHours
}

// TicketInput starts a TicketWorkflow.
type TicketInput struct {
	Number        string
	Academy       string // académie code
	RequesterID   int64
	BeneficiaryID int64
	Urgency       int // 1…3, 0 = default (3)
	Impact        int // 1…3, 0 = default (3)
	CategoryID    int64
	// Subject is the category path ("Matériel › Écran"), kept in the memo so
	// the Temporal UI list is readable. No personal data.
	Subject   string
	Private   bool
	CreatedAt time.Time // submission time (the pick-up deadline runs from it)
	Timers    Timers

	// MaxUpdatesPerRun, when positive, continues-as-new after that many
	// state changes (actions, timers, the creation itself) in one run; tests
	// use it. 0 = only when Temporal suggests it.
	MaxUpdatesPerRun int
	// Resume carries the state across continue-as-new; nil on first start.
	Resume *TicketState
}

// StartOptions returns the options to start the workflow of a ticket:
// workflow ID = number, duplicates rejected forever (a retried intake never
// starts a second workflow), memo and initial search attributes set.
func StartOptions(in TicketInput) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       TicketWorkflowID(in.Number),
		TaskQueue:                TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		Memo:                     map[string]any{MemoSubject: in.Subject},
		TypedSearchAttributes: temporal.NewSearchAttributes(
			SearchAcademy.ValueSet(in.Academy),
			SearchStatus.ValueSet(StatusNew),
			SearchUrgency.ValueSet(int64(orDefault(in.Urgency))),
			SearchPriority.ValueSet(int64(Priority(orDefault(in.Urgency), orDefault(in.Impact)))),
			SearchLate.ValueSet(false),
		),
	}
}

// Actor is the person performing an action, as established by the web app
// (or the mail listener) from the session.
type Actor struct {
	PersonID int64
	// Roles held in the ticket's académie (RoleTechnician, RoleSupervisor…).
	Roles []string
	// Name is for logs only; it is never put in search attributes or events.
	Name string
}

// Has reports whether the actor holds role in the ticket's académie.
func (a Actor) Has(role string) bool { return slices.Contains(a.Roles, role) }

// Support reports whether the actor works on the support platform.
func (a Actor) Support() bool { return a.Has(RoleTechnician) || a.Has(RoleSupervisor) }

// PickUpInput: a technician takes a ticket of the queue for themself.
type PickUpInput struct {
	Actor Actor
}

// AssignInput: support gives the ticket to a technician and/or a group.
// TechnicianID 0 with a GroupID puts it back in that group's queue.
type AssignInput struct {
	Actor        Actor
	GroupID      int64 // 0 = keep the group
	TechnicianID int64 // 0 = nobody (the group's queue)
	Reason       string
}

// RequalifyInput: support changes urgency and/or impact, with a reason.
type RequalifyInput struct {
	Actor   Actor
	Urgency int // 1…3, 0 = unchanged
	Impact  int // 1…3, 0 = unchanged
	Reason  string
}

// ReplyInput: a public answer from support, visible to the requester.
type ReplyInput struct {
	Actor         Actor
	Body          string
	AttachmentIDs []int64 // stored beforehand by the web app
}

// NoteInput: an internal note, visible to support only.
type NoteInput struct {
	Actor         Actor
	Body          string
	AttachmentIDs []int64
}

// RequestInfoInput: support asks the requester a question (→ waiting).
type RequestInfoInput struct {
	Actor    Actor
	Question string
}

// AddInfoInput: the requester (or beneficiary) adds information.
type AddInfoInput struct {
	Actor         Actor
	Body          string
	AttachmentIDs []int64
}

// MailReplyInput is the payload of SignalMailReply. The mail listener has
// already checked the signed reply address and that the sender is the
// requester or beneficiary.
type MailReplyInput struct {
	PersonID      int64
	Body          string
	AttachmentIDs []int64
	MessageID     string // of the incoming mail, for the record
}

// ResolveInput: support resolves with a solution (→ resolved).
type ResolveInput struct {
	Actor     Actor
	Solution  string
	ArticleID int64 // optional knowledge-base article
	// AttachmentIDs are documents joined to the solution, stored beforehand
	// by the web app (optional; linked to the resolved event like a reply's).
	AttachmentIDs []int64
}

// AcceptInput: the requester accepts the resolution (→ closed).
type AcceptInput struct {
	Actor         Actor
	RatingDelay   int // délai d'intervention, 1…5
	RatingQuality int // qualité d'intervention, 1…5
	Comment       string
}

// RefuseInput: the requester refuses the resolution (→ in_progress, same
// technician); the comment is mandatory.
type RefuseInput struct {
	Actor         Actor
	RatingDelay   int
	RatingQuality int
	Comment       string
}

// CancelInput: the requester withdraws the ticket before resolution.
type CancelInput struct {
	Actor  Actor
	Reason string
}

// MarkDuplicateInput: support closes the ticket as a duplicate of another
// open ticket of the same académie.
type MarkDuplicateInput struct {
	Actor  Actor
	Of     string // the ticket number to follow
	Reason string
}

// UpdateResult is returned by every update once the change is projected in
// the database.
type UpdateResult struct {
	Status string
	Seq    int64 // sequence of the last timeline event written
}

// TicketState is the live state of a ticket: the query result, the snapshot
// projected into the database, and what continue-as-new carries. Zero times
// mean "not set".
type TicketState struct {
	Number        string
	Academy       string
	RequesterID   int64
	BeneficiaryID int64
	CategoryID    int64
	Subject       string
	Private       bool
	CreatedAt     time.Time

	Status       string
	GroupID      int64
	TechnicianID int64
	Urgency      int
	Impact       int
	Priority     int
	Late         bool
	Refusals     int
	Solution     string
	ArticleID    int64
	DuplicateOf  string

	PickupDueAt     time.Time
	PickedUpAt      time.Time
	ResolvedAt      time.Time
	ValidationDueAt time.Time
	ClosedAt        time.Time
	WaitingSince    time.Time
	UpdatedAt       time.Time

	Validation        string // ValidationAccepted / ValidationRefused / ValidationAuto
	RatingDelay       int
	RatingQuality     int
	ValidationComment string

	ValidationReminded bool // reminder sent for the current resolution
	WaitingReminded    bool // reminder sent for the current question

	// Seq is the last timeline event sequence allocated (the events count).
	Seq int64
}

// Open reports whether the ticket still accepts actions.
func (s TicketState) Open() bool { return s.Status != StatusClosed && s.Status != StatusCancelled }

// Memo key holding the ticket's subject (category path).
const MemoSubject = "subject"

// Search attributes kept current by the workflow (ids and codes only, never
// personal data). Group and technician are Keywords holding decimal IDs
// because SQL visibility offers only three Int attributes.
var (
	SearchAcademy    = temporal.NewSearchAttributeKeyKeyword("GuichetAcademy")
	SearchStatus     = temporal.NewSearchAttributeKeyKeyword("GuichetStatus")
	SearchUrgency    = temporal.NewSearchAttributeKeyInt64("GuichetUrgency")
	SearchPriority   = temporal.NewSearchAttributeKeyInt64("GuichetPriority")
	SearchGroup      = temporal.NewSearchAttributeKeyKeyword("GuichetGroup")
	SearchTechnician = temporal.NewSearchAttributeKeyKeyword("GuichetTechnician")
	SearchLate       = temporal.NewSearchAttributeKeyBool("GuichetLate")
)

// SearchAttributeTypes returns the custom search attributes to register in
// the namespace (operator service AddSearchAttributes).
func SearchAttributeTypes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		SearchAcademy.GetName():    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchStatus.GetName():     enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchUrgency.GetName():    enumspb.INDEXED_VALUE_TYPE_INT,
		SearchPriority.GetName():   enumspb.INDEXED_VALUE_TYPE_INT,
		SearchGroup.GetName():      enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchTechnician.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		SearchLate.GetName():       enumspb.INDEXED_VALUE_TYPE_BOOL,
	}
}

// searchUpdates returns the search attribute values of a state.
func searchUpdates(s TicketState) []temporal.SearchAttributeUpdate {
	return []temporal.SearchAttributeUpdate{
		SearchAcademy.ValueSet(s.Academy),
		SearchStatus.ValueSet(s.Status),
		SearchUrgency.ValueSet(int64(s.Urgency)),
		SearchPriority.ValueSet(int64(s.Priority)),
		idKeyword(SearchGroup, s.GroupID),
		idKeyword(SearchTechnician, s.TechnicianID),
		SearchLate.ValueSet(s.Late),
	}
}

// changedSearchUpdates returns the search attribute values of next that
// differ from prev.
func changedSearchUpdates(prev, next TicketState) []temporal.SearchAttributeUpdate {
	var out []temporal.SearchAttributeUpdate
	if prev.Academy != next.Academy {
		out = append(out, SearchAcademy.ValueSet(next.Academy))
	}
	if prev.Status != next.Status {
		out = append(out, SearchStatus.ValueSet(next.Status))
	}
	if prev.Urgency != next.Urgency {
		out = append(out, SearchUrgency.ValueSet(int64(next.Urgency)))
	}
	if prev.Priority != next.Priority {
		out = append(out, SearchPriority.ValueSet(int64(next.Priority)))
	}
	if prev.GroupID != next.GroupID {
		out = append(out, idKeyword(SearchGroup, next.GroupID))
	}
	if prev.TechnicianID != next.TechnicianID {
		out = append(out, idKeyword(SearchTechnician, next.TechnicianID))
	}
	if prev.Late != next.Late {
		out = append(out, SearchLate.ValueSet(next.Late))
	}
	return out
}

func idKeyword(key temporal.SearchAttributeKeyKeyword, id int64) temporal.SearchAttributeUpdate {
	if id == 0 {
		return key.ValueUnset()
	}
	return key.ValueSet(fmt.Sprint(id))
}

func orDefault(level int) int {
	if level < 1 || level > 3 {
		return DefaultLevel
	}
	return level
}
