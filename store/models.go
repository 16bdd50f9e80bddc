package store

import (
	"time"

	"github.com/uptrace/bun"
)

// Roles granted per académie.
const (
	RoleRequester     = "requester"
	RoleTechnician    = "technician"
	RoleSupervisor    = "supervisor"
	RoleAdministrator = "administrator"
)

// Academy is a tenant: one support platform with its own teams.
type Academy struct {
	bun.BaseModel `bun:"table:academies"`

	Code      string    `bun:"code,pk"`
	Name      string    `bun:"name,notnull"`
	Logo      string    `bun:"logo,notnull,default:''"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Person is an entry of the staff directory. A person with a password hash
// can sign in with a local account; others sign in through LDAP (later).
type Person struct {
	bun.BaseModel `bun:"table:people"`

	ID           int64     `bun:"id,pk,autoincrement"`
	AcademyCode  string    `bun:"academy_code,notnull"`
	Login        string    `bun:"login,notnull,unique"`
	LastName     string    `bun:"last_name,notnull"`
	FirstName    string    `bun:"first_name,notnull"`
	Email        string    `bun:"email,notnull,default:''"`
	Phone        string    `bun:"phone,notnull,default:''"`
	Location     string    `bun:"location,notnull,default:''"`
	Entity       string    `bun:"entity,notnull,default:''"`
	Service      string    `bun:"service,notnull,default:''"`
	Office       string    `bun:"office,notnull,default:''"`
	PasswordHash string    `bun:"password_hash,notnull,default:''"` // argon2id; empty: no local sign-in
	GlobalAdmin  bool      `bun:"global_admin,notnull,default:false"`
	Disabled     bool      `bun:"disabled,notnull,default:false"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
	UpdatedAt    time.Time `bun:"updated_at,notnull"`
	// NameKey is the accent- and case-folded "last first" name that
	// SearchPeople matches; the store computes it on every write.
	NameKey string `bun:"name_key,notnull"`
	// Lang is the language of the person's mails: LangFrench (the default
	// when empty) or LangEnglish; SetPersonLang changes it.
	Lang string `bun:"lang,notnull,default:'fr'"`
}

// Asset is a piece of equipment known for a person (fills the ticket form).
type Asset struct {
	bun.BaseModel `bun:"table:assets"`

	ID          int64  `bun:"id,pk,autoincrement"`
	PersonID    int64  `bun:"person_id,notnull"`
	Kind        string `bun:"kind,notnull"` // Matériel
	Brand       string `bun:"brand,notnull,default:''"`
	Model       string `bun:"model,notnull,default:''"`
	Serial      string `bun:"serial,notnull,default:''"`
	Maintenance string `bun:"maintenance,notnull,default:''"`
	Placement   string `bun:"placement,notnull,default:''"`
}

// RoleGrant gives a person a role in an académie.
type RoleGrant struct {
	bun.BaseModel `bun:"table:role_grants"`

	PersonID    int64  `bun:"person_id,pk"`
	AcademyCode string `bun:"academy_code,pk"`
	Role        string `bun:"role,pk"`
}

// Session is a server-side web session. ID is the SHA-256 (hex) of the
// cookie token, so a database leak does not leak usable cookies.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID         string    `bun:"id,pk"`
	PersonID   int64     `bun:"person_id,notnull"`
	CSRFToken  string    `bun:"csrf_token,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	LastSeenAt time.Time `bun:"last_seen_at,notnull"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	RemoteAddr string    `bun:"remote_addr,notnull,default:''"`
	UserAgent  string    `bun:"user_agent,notnull,default:''"`
}

// Group is a support team of an académie (level 1 platform or level 2).
type Group struct {
	bun.BaseModel `bun:"table:groups"`

	ID          int64  `bun:"id,pk,autoincrement"`
	AcademyCode string `bun:"academy_code,notnull"`
	Name        string `bun:"name,notnull"`
	Level       int    `bun:"level,notnull"`
	// Intake marks the level-1 group every new ticket of the académie goes to
	// unless a category routes it elsewhere.
	Intake bool `bun:"intake,notnull,default:false"`
}

// GroupMember puts a technician in a group.
type GroupMember struct {
	bun.BaseModel `bun:"table:group_members"`

	GroupID   int64 `bun:"group_id,pk"`
	PersonID  int64 `bun:"person_id,pk"`
	Available bool  `bun:"available,notnull"`
}

// Category is a node of an académie's category tree; tickets take leaves.
type Category struct {
	bun.BaseModel `bun:"table:categories"`

	ID          int64  `bun:"id,pk,autoincrement"`
	AcademyCode string `bun:"academy_code,notnull"`
	ParentID    *int64 `bun:"parent_id"`
	Name        string `bun:"name,notnull"`
	Path        string `bun:"path,notnull"` // "Matériel › Écran"
	Position    int    `bun:"position,notnull,default:0"`
	// GroupID routes new tickets of this category (and its children) to a group.
	GroupID *int64 `bun:"group_id"`
}

// News is an item of an académie's Actualités.
type News struct {
	bun.BaseModel `bun:"table:news"`

	ID          int64      `bun:"id,pk,autoincrement"`
	AcademyCode string     `bun:"academy_code,notnull"`
	Title       string     `bun:"title,notnull"`
	Body        string     `bun:"body,notnull"`
	AuthorID    *int64     `bun:"author_id"`
	PublishedAt time.Time  `bun:"published_at,notnull"`
	ExpiresAt   *time.Time `bun:"expires_at"`
	// Draft news is never shown to requesters, whatever its dates.
	Draft     bool       `bun:"draft,notnull"`
	UpdatedAt *time.Time `bun:"updated_at"`
}

// TicketCounter holds the last sequence allocated for one day (YYMMDD).
type TicketCounter struct {
	bun.BaseModel `bun:"table:ticket_counters"`

	Day     string `bun:"day,pk"`
	LastSeq int    `bun:"last_seq,notnull"`
}

// Ticket statuses (owned by the workflow, projected here).
const (
	StatusNew        = "new"
	StatusInProgress = "in_progress"
	StatusWaiting    = "waiting"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
	StatusCancelled  = "cancelled"
)

// Ticket is the projection of a ticket: the submission as filed plus the
// state the workflow owns.
type Ticket struct {
	bun.BaseModel `bun:"table:tickets"`

	Number        string `bun:"number,pk"`
	AcademyCode   string `bun:"academy_code,notnull"`
	RequesterID   int64  `bun:"requester_id,notnull"`
	BeneficiaryID int64  `bun:"beneficiary_id,notnull"`
	Location      string `bun:"location,notnull,default:''"`
	Entity        string `bun:"entity,notnull,default:''"`
	Phone         string `bun:"phone,notnull,default:''"`
	OtherPhone    string `bun:"other_phone,notnull,default:''"`
	Availability  string `bun:"availability,notnull,default:''"`
	Service       string `bun:"service,notnull,default:''"`
	Office        string `bun:"office,notnull,default:''"`
	CategoryID    int64  `bun:"category_id,notnull"`
	CategoryPath  string `bun:"category_path,notnull"`
	Equipment     string `bun:"equipment,notnull,default:''"`
	Brand         string `bun:"brand,notnull,default:''"`
	Model         string `bun:"model,notnull,default:''"`
	Serial        string `bun:"serial,notnull,default:''"`
	Maintenance   string `bun:"maintenance,notnull,default:''"`
	Placement     string `bun:"placement,notnull,default:''"`
	Urgency       int    `bun:"urgency,notnull"`  // 1 high, 2 medium, 3 low
	Impact        int    `bun:"impact,notnull"`   // 1 high, 2 medium, 3 low
	Priority      int    `bun:"priority,notnull"` // P1…P5
	Private       bool   `bun:"private,notnull,default:false"`
	Description   string `bun:"description,notnull"`

	Status          string     `bun:"status,notnull"`
	GroupID         *int64     `bun:"group_id"`
	TechnicianID    *int64     `bun:"technician_id"`
	Late            bool       `bun:"late,notnull,default:false"`
	Refusals        int        `bun:"refusals,notnull,default:0"`
	Solution        string     `bun:"solution,notnull,default:''"`
	DuplicateOf     string     `bun:"duplicate_of,notnull,default:''"`
	CreatedAt       time.Time  `bun:"created_at,notnull"`
	UpdatedAt       time.Time  `bun:"updated_at,notnull"`
	PickupDueAt     *time.Time `bun:"pickup_due_at"`
	PickedUpAt      *time.Time `bun:"picked_up_at"`
	ResolvedAt      *time.Time `bun:"resolved_at"`
	ValidationDueAt *time.Time `bun:"validation_due_at"`
	ClosedAt        *time.Time `bun:"closed_at"`

	// Validation outcome: accepted, refused (last refusal), auto.
	Validation        string `bun:"validation,notnull,default:''"`
	RatingDelay       int    `bun:"rating_delay,notnull,default:0"`
	RatingQuality     int    `bun:"rating_quality,notnull,default:0"`
	ValidationComment string `bun:"validation_comment,notnull,default:''"`

	// WorkflowStartedAt is nil while the submission waits for Temporal.
	WorkflowStartedAt *time.Time `bun:"workflow_started_at"`
	// FiledByID is the technician who files the ticket for the requester
	// (Prise d'appel); nil when the requester files it. It is not a column:
	// CreateTicket records it in the created event (data "filed_by"), which
	// is where pages read it from; a spooled submission carries it in JSON.
	FiledByID *int64 `bun:"-"`
	// ProjectedSeq is the last workflow event sequence projected here.
	ProjectedSeq int64 `bun:"projected_seq,notnull,default:0"`
	// WorkflowEndedStatus is the Temporal status of the ticket's workflow
	// when the reconciliation found it ended outside Guichet while the
	// ticket was open (Terminated, Canceled, TimedOut, Failed); empty for a
	// healthy ticket. WorkflowEndedAt is when it was found.
	WorkflowEndedStatus string     `bun:"workflow_ended_status,notnull,default:''"`
	WorkflowEndedAt     *time.Time `bun:"workflow_ended_at"`
}

// TicketEvent is one entry of a ticket's append-only timeline. (TicketNumber,
// Seq) is unique: Seq is assigned by the workflow, so a retried projection
// writes nothing twice.
type TicketEvent struct {
	bun.BaseModel `bun:"table:ticket_events"`

	ID           int64     `bun:"id,pk,autoincrement"`
	TicketNumber string    `bun:"ticket_number,notnull"`
	Seq          int64     `bun:"seq,notnull"`
	Kind         string    `bun:"kind,notnull"`
	ActorID      *int64    `bun:"actor_id"`
	Public       bool      `bun:"public,notnull"`
	Body         string    `bun:"body,notnull,default:''"`
	Data         string    `bun:"data,notnull,default:'{}'"` // JSON details
	CreatedAt    time.Time `bun:"created_at,notnull"`
}

// Attachment is a document joined to a ticket; the bytes live here, never in
// Temporal payloads.
type Attachment struct {
	bun.BaseModel `bun:"table:attachments"`

	ID           int64     `bun:"id,pk,autoincrement"`
	TicketNumber string    `bun:"ticket_number,notnull"`
	EventSeq     int64     `bun:"event_seq,notnull,default:0"`
	UploaderID   int64     `bun:"uploader_id,notnull"`
	Filename     string    `bun:"filename,notnull"`
	ContentType  string    `bun:"content_type,notnull"`
	Size         int64     `bun:"size,notnull"`
	Data         []byte    `bun:"data,notnull"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
}

// Mail is an outgoing message: the outbox for the SMTP relay and the
// built-in mailbox of the embedded default. DedupeKey is unique so a retried
// activity never queues a mail twice.
type Mail struct {
	bun.BaseModel `bun:"table:mails"`

	ID           int64      `bun:"id,pk,autoincrement"`
	DedupeKey    string     `bun:"dedupe_key,notnull,unique"`
	TicketNumber string     `bun:"ticket_number,notnull,default:''"`
	ToAddr       string     `bun:"to_addr,notnull"`
	Subject      string     `bun:"subject,notnull"`
	TextBody     string     `bun:"text_body,notnull"`
	HTMLBody     string     `bun:"html_body,notnull,default:''"`
	MessageID    string     `bun:"message_id,notnull"`
	Raw          []byte     `bun:"raw"` // the full RFC 5322 message as sent
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	SentAt       *time.Time `bun:"sent_at"`
	Attempts     int        `bun:"attempts,notnull,default:0"`
	LastError    string     `bun:"last_error,notnull,default:''"`
}
