package workflows

import "time"

// Activity names. The activities helper implements each as a method of
// activities.Activities with exactly this name; the worker registers the
// struct, so the method name is the registered name. The workflow calls them
// by name and never imports activities/; since versionLocalActivities it
// runs them as local activities (same names, same registry), so each must
// stay short, idempotent and safe to run again after a worker crash.
const (
	// ActivityProject writes a state change: the ticket row (ProjectInput.Ticket)
	// and its timeline events, in one transaction, idempotently.
	ActivityProject = "Project"
	// ActivityRoute chooses the group of a new ticket from the category rules.
	ActivityRoute = "Route"
	// ActivityPickTechnician chooses the least-loaded available technician of
	// a group.
	ActivityPickTechnician = "PickTechnician"
	// ActivityNotify queues the mails of one event (outbox, dedupe key).
	ActivityNotify = "Notify"
	// ActivityLookupTicket reports whether another ticket exists and is open
	// (used to mark a duplicate).
	ActivityLookupTicket = "LookupTicket"
)

// Timeline event kinds (store.TicketEvent.Kind).
const (
	EventCreated        = "created"
	EventPickedUp       = "picked_up"
	EventAssigned       = "assigned"
	EventUrgencyChanged = "urgency_changed"
	EventImpactChanged  = "impact_changed"
	EventReply          = "reply"
	EventNote           = "note"
	EventInfoRequested  = "info_requested"
	EventInfoAdded      = "info_added"
	EventResolved       = "resolved"
	EventAccepted       = "accepted"
	EventRefused        = "refused"
	EventReminderSent   = "reminder_sent"
	EventLate           = "late"
	EventClosed         = "closed"
	EventCancelled      = "cancelled"
	EventDuplicate      = "duplicate"
	EventMailSent       = "mail_sent"
)

// Event is one timeline entry to write. Seq is allocated by the workflow:
// (ticket number, Seq) is unique, so a retried projection writes nothing twice.
type Event struct {
	Seq     int64
	Kind    string
	ActorID int64 // 0 = the system (timers)
	Public  bool  // visible to the requester
	Body    string
	// Data holds details (from/to values, reason, ratings, other ticket…),
	// stored as JSON. Keys are listed with each event kind's producer.
	Data map[string]string
	// AttachmentIDs are stored attachments to link to this event (their
	// event_seq is set to Seq).
	AttachmentIDs []int64
	At            time.Time
}

// ProjectInput is the input of ActivityProject: the whole ticket snapshot to
// write on the existing tickets row (status, group, technician, urgency,
// impact, priority, late, refusals, solution, duplicate_of, dates — zero time
// means NULL —, validation fields, updated_at = Ticket.UpdatedAt,
// projected_seq = max(projected_seq, Ticket.Seq)) and the events to insert
// (ON CONFLICT (ticket_number, seq) DO NOTHING). All in one transaction.
//
// The projection also records the webhook deliveries of the events (to the
// académie's active subscriptions that want them, idempotently). With
// ReturnWebhooks it returns the pending ones in
// ProjectResult.WebhookDeliveries for the workflow to start (as child
// workflows); without it (histories recorded before versionWebhookChildren,
// or a worker of the previous release scheduling it during a rolling
// deploy), the activity starts their delivery workflows itself, as the
// first releases did.
type ProjectInput struct {
	Ticket TicketState
	Events []Event
	// ReturnWebhooks: return the pending deliveries instead of starting
	// their workflows.
	ReturnWebhooks bool
}

// ProjectResult is the output of ActivityProject.
type ProjectResult struct {
	// WebhookDeliveries are the IDs of the pending webhook deliveries of
	// the projected events (new or recorded by an earlier attempt), oldest
	// first; set only with ProjectInput.ReturnWebhooks. Empty in the
	// results recorded by earlier releases.
	WebhookDeliveries []int64
}

// RouteInput is the input of ActivityRoute.
type RouteInput struct {
	Number     string
	Academy    string
	CategoryID int64
}

// RouteResult is the output of ActivityRoute: the group of the nearest
// category (or ancestor) with a group, else the académie's intake group;
// 0 when the académie has none.
type RouteResult struct {
	GroupID int64
}

// PickTechnicianInput is the input of ActivityPickTechnician.
type PickTechnicianInput struct {
	Academy string
	GroupID int64
}

// PickTechnicianResult is the output of ActivityPickTechnician: the available
// member of the group with the fewest open tickets (ties: least recently
// assigned, then lowest ID); 0 when none is available.
type PickTechnicianResult struct {
	TechnicianID int64
}

// LookupTicketInput is the input of ActivityLookupTicket.
type LookupTicketInput struct {
	Number string
}

// LookupTicketResult is the output of ActivityLookupTicket; Found is false
// (not an error) when no ticket has that number.
type LookupTicketResult struct {
	Found   bool
	Academy string
	Status  string
}

// Mail kinds (the activity composes the French mail of each kind).
const (
	MailCreated            = "created"             // accusé de réception
	MailPickedUp           = "picked_up"           // prise en compte
	MailAssigned           = "assigned"            // to the technician given the ticket
	MailOffered            = "offered"             // late ticket offered to a technician
	MailReply              = "reply"               // public answer from support
	MailInfoRequested      = "info_requested"      // demande de précisions
	MailWaitingReminder    = "waiting_reminder"    // relance de la demande de précisions
	MailInfoAdded          = "info_added"          // information ajoutée
	MailResolved           = "resolved"            // résolution — merci de valider
	MailValidationReminder = "validation_reminder" // relance de validation
	MailClosed             = "closed"              // clôture (accepted or auto)
	MailRefused            = "refused"             // validation refusée
	MailCancelled          = "cancelled"           // ticket annulé
	MailDuplicate          = "duplicate"           // doublon: which ticket to follow
	MailLate               = "late"                // retard de prise en charge
)

// Mail recipients, as roles the activity resolves to addresses.
const (
	// RecipientRequester is the requester and the beneficiary.
	RecipientRequester = "requester"
	// RecipientTechnician is the assigned technician (if any).
	RecipientTechnician = "technician"
	// RecipientGroup is the available members of the ticket's group.
	RecipientGroup = "group"
	// RecipientSupervisors is the supervisors of the ticket's académie.
	RecipientSupervisors = "supervisors"
)

// NotifyInput is the input of ActivityNotify. The activity reads the ticket
// row and the event AboutSeq (already projected) to compose the mails, never
// mails ExcludePersonID (the actor), and queues one mail per address with the
// dedupe key DedupeKey + ":" + address so a retry queues nothing twice. When
// Seq is positive it records one internal EventMailSent event with that
// sequence (Data: kind, recipients count) — idempotently.
type NotifyInput struct {
	Kind            string
	Number          string
	Academy         string
	Recipients      []string
	ExcludePersonID int64
	TechnicianID    int64 // the technician concerned (assigned, offered…)
	AboutSeq        int64
	Seq             int64
	DedupeKey       string
}

// NotifyResult is the output of ActivityNotify.
type NotifyResult struct {
	Queued int // mails queued by this call (0 on a retry)
}
