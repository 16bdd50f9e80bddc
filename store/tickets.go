package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"
)

// EventCreated is the kind of the first timeline event of every ticket,
// written with the submission itself (seq 1), so a ticket waiting for
// Temporal already has its timeline. The workflow projects its own created
// event at seq 1 too: ApplyProjection merges it.
const EventCreated = "created"

// CreateTicket stores a submission: in one transaction it allocates the
// ticket number, inserts the ticket (status new, workflow not started yet),
// its attachments and the "created" timeline event (seq 1). It fills
// t.Number and returns it. The workflow is started afterwards by intake.
func (db *DB) CreateTicket(ctx context.Context, t *Ticket, files []Attachment) (string, error) {
	if t == nil {
		return "", fmt.Errorf("store: create ticket: nil ticket")
	}
	prepareTicket(t)
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return insertTicket(ctx, tx, t, files)
	})
	if err != nil {
		return "", fmt.Errorf("store: create ticket: %w", err)
	}
	return t.Number, nil
}

// prepareTicket sets the fields every new ticket starts with.
func prepareTicket(t *Ticket) {
	now := time.Now().UTC()
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.UpdatedAt = t.CreatedAt
	t.Status = StatusNew
	t.WorkflowStartedAt = nil
	t.ProjectedSeq = 1
	if t.BeneficiaryID == 0 {
		t.BeneficiaryID = t.RequesterID
	}
}

// insertTicket numbers and inserts a prepared ticket, its attachments and
// its created event in tx.
func insertTicket(ctx context.Context, tx bun.Tx, t *Ticket, files []Attachment) error {
	number, err := AllocateTicketNumber(ctx, tx, t.CreatedAt)
	if err != nil {
		return err
	}
	t.Number = number
	if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("insert ticket: %w", err)
	}
	if len(files) > 0 {
		for i := range files {
			files[i].ID = 0
			files[i].TicketNumber = number
			files[i].EventSeq = 1
			if files[i].UploaderID == 0 {
				files[i].UploaderID = t.RequesterID
			}
			if files[i].Size == 0 {
				files[i].Size = int64(len(files[i].Data))
			}
			if files[i].CreatedAt.IsZero() {
				files[i].CreatedAt = t.CreatedAt
			}
		}
		if _, err := tx.NewInsert().Model(&files).Exec(ctx); err != nil {
			return fmt.Errorf("insert attachments: %w", err)
		}
	}
	requester := t.RequesterID
	data := "{}"
	if t.FiledByID != nil {
		// Prise d'appel: the technician who filed it, beside the requester.
		data = fmt.Sprintf(`{"filed_by":"%d"}`, *t.FiledByID)
	}
	ev := &TicketEvent{
		TicketNumber: number, Seq: 1, Kind: EventCreated, ActorID: &requester,
		Public: true, Data: data, CreatedAt: t.CreatedAt,
	}
	if _, err := tx.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("insert created event: %w", err)
	}
	return nil
}

// GetTicket returns one ticket by number, or an error wrapping ErrNotFound.
func (db *DB) GetTicket(ctx context.Context, number string) (*Ticket, error) {
	t := new(Ticket)
	if err := db.NewSelect().Model(t).Where("number = ?", number).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: ticket %q: %w", number, notFound(err))
	}
	return t, nil
}

// MarkWorkflowStarted records that the ticket's workflow runs. It keeps the
// first recorded instant if called again.
func (db *DB) MarkWorkflowStarted(ctx context.Context, number string, at time.Time) error {
	res, err := db.NewUpdate().Model((*Ticket)(nil)).
		Set("workflow_started_at = ?", at.UTC()).
		Where("number = ?", number).
		Where("workflow_started_at IS NULL").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: mark workflow started %q: %w", number, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := db.GetTicket(ctx, number); err != nil {
			return fmt.Errorf("store: mark workflow started: %w", err)
		}
	}
	return nil
}

// PendingTickets lists submissions whose workflow has not been started yet
// and that were created at least olderThan ago (so intake's own start is
// not raced), oldest first, at most limit of them.
func (db *DB) PendingTickets(ctx context.Context, olderThan time.Duration, limit int) ([]Ticket, error) {
	var ts []Ticket
	q := db.NewSelect().Model(&ts).
		Where("workflow_started_at IS NULL").
		Where("created_at <= ?", time.Now().UTC().Add(-olderThan)).
		Order("created_at", "number")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: pending tickets: %w", err)
	}
	return ts, nil
}

// TicketProjection is the workflow-owned part of a ticket row, as a whole
// snapshot: the workflow is the only writer of these columns. Zero IDs and
// zero times are stored as NULL.
type TicketProjection struct {
	// Seq is the last timeline sequence the snapshot includes.
	Seq               int64
	Status            string
	GroupID           int64
	TechnicianID      int64
	Urgency           int
	Impact            int
	Priority          int
	Late              bool
	Refusals          int
	Solution          string
	DuplicateOf       string
	PickupDueAt       time.Time
	PickedUpAt        time.Time
	ResolvedAt        time.Time
	ValidationDueAt   time.Time
	ClosedAt          time.Time
	Validation        string
	RatingDelay       int
	RatingQuality     int
	ValidationComment string
	UpdatedAt         time.Time
}

// ProjectedEvent is a timeline event to write and the stored attachments it
// brings (their event_seq is set to the event's Seq).
type ProjectedEvent struct {
	TicketEvent
	AttachmentIDs []int64
	// SolvedArticleID, on a resolved event, is the knowledge-base article
	// the ticket was resolved with: its solved count goes up by one when the
	// event is first written (in the same transaction, so a retried
	// projection never counts twice). An article gone meanwhile is skipped.
	SolvedArticleID int64
}

// apply adds the SET clauses of the snapshot to q.
func (p TicketProjection) apply(q *bun.UpdateQuery) *bun.UpdateQuery {
	id := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	tm := func(v time.Time) any {
		if v.IsZero() {
			return nil
		}
		return v.UTC()
	}
	updated := p.UpdatedAt
	if updated.IsZero() {
		updated = time.Now()
	}
	return q.
		Set("status = ?", p.Status).
		Set("group_id = ?", id(p.GroupID)).
		Set("technician_id = ?", id(p.TechnicianID)).
		Set("urgency = ?", p.Urgency).
		Set("impact = ?", p.Impact).
		Set("priority = ?", p.Priority).
		Set("late = ?", p.Late).
		Set("refusals = ?", p.Refusals).
		Set("solution = ?", p.Solution).
		Set("duplicate_of = ?", p.DuplicateOf).
		Set("pickup_due_at = ?", tm(p.PickupDueAt)).
		Set("picked_up_at = ?", tm(p.PickedUpAt)).
		Set("resolved_at = ?", tm(p.ResolvedAt)).
		Set("validation_due_at = ?", tm(p.ValidationDueAt)).
		Set("closed_at = ?", tm(p.ClosedAt)).
		Set("validation = ?", p.Validation).
		Set("rating_delay = ?", p.RatingDelay).
		Set("rating_quality = ?", p.RatingQuality).
		Set("validation_comment = ?", p.ValidationComment).
		Set("updated_at = ?", updated.UTC()).
		Set("projected_seq = ?", p.Seq)
}

// ApplyProjection writes a workflow state change in one transaction: the
// timeline events (each (number, seq) written at most once: an event
// already there is skipped, with its attachments link — except the created
// event, seq 1, written by CreateTicket, whose details the workflow's
// created event fills in) and the ticket
// snapshot. The snapshot is written only if its Seq is not behind the row's
// projected_seq, so a late or retried activity never rewinds the ticket;
// an equal Seq rewrites the same state (a change without a new event).
// It returns how many events were newly written (0 on a retry).
func (db *DB) ApplyProjection(ctx context.Context, number string, p TicketProjection, events []ProjectedEvent) (int, error) {
	for _, ev := range events {
		if ev.Seq < 1 || ev.Kind == "" {
			return 0, fmt.Errorf("store: project %q: event seq %d kind %q: a positive sequence and a kind are required", number, ev.Seq, ev.Kind)
		}
	}
	if p.Status == "" {
		return 0, fmt.Errorf("store: project %q: empty status", number)
	}
	written := 0
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		exists, err := tx.NewSelect().Model((*Ticket)(nil)).Where("number = ?", number).Exists(ctx)
		if err != nil {
			return fmt.Errorf("check ticket: %w", err)
		}
		if !exists {
			return ErrNotFound
		}
		for _, pe := range events {
			ev := pe.TicketEvent
			ev.readyFor(number)
			if ev.Seq == 1 {
				if ev.Data, err = mergeCreatedData(ctx, tx, number, ev.Data); err != nil {
					return err
				}
			}
			q := tx.NewInsert().Model(&ev)
			if ev.Seq == 1 {
				// The submission wrote the created event (seq 1); the
				// workflow's own created event adds its details (group,
				// pick-up deadline) to the submission's (filed_by).
				q = q.On("CONFLICT (ticket_number, seq) DO UPDATE").Set("data = EXCLUDED.data")
			} else {
				q = q.On("CONFLICT (ticket_number, seq) DO NOTHING")
			}
			res, err := q.Exec(ctx)
			if err != nil {
				return fmt.Errorf("insert event %d: %w", ev.Seq, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // already projected by an earlier attempt
			}
			written++
			if len(pe.AttachmentIDs) > 0 {
				if _, err := tx.NewUpdate().Model((*Attachment)(nil)).
					Set("event_seq = ?", ev.Seq).
					Where("ticket_number = ?", number).
					Where("id IN (?)", bun.In(pe.AttachmentIDs)).
					Exec(ctx); err != nil {
					return fmt.Errorf("link attachments of event %d: %w", ev.Seq, err)
				}
			}
			if pe.SolvedArticleID > 0 {
				if _, err := tx.NewUpdate().Model((*Article)(nil)).
					Set("solved_count = solved_count + 1").
					Where("id = ?", pe.SolvedArticleID).
					Exec(ctx); err != nil {
					return fmt.Errorf("count article %d solved by event %d: %w", pe.SolvedArticleID, ev.Seq, err)
				}
			}
		}
		q := tx.NewUpdate().Model((*Ticket)(nil)).
			Where("number = ?", number).
			Where("projected_seq <= ?", p.Seq)
		if _, err := p.apply(q).Exec(ctx); err != nil {
			return fmt.Errorf("update ticket: %w", err)
		}
		// Keep the full-text index current (search.go).
		return reindexTicket(ctx, tx, number)
	})
	if err != nil {
		return 0, fmt.Errorf("store: project %q seq %d: %w", number, p.Seq, err)
	}
	return written, nil
}

// AddAttachments stores documents joined to an existing ticket after its
// submission (a reply, added information), not yet linked to an event
// (event_seq 0, until the projection links them), and sets their IDs.
func (db *DB) AddAttachments(ctx context.Context, number string, files []Attachment) error {
	if len(files) == 0 {
		return nil
	}
	if _, err := db.GetTicket(ctx, number); err != nil {
		return fmt.Errorf("store: add attachments: %w", err)
	}
	now := time.Now().UTC()
	for i := range files {
		files[i].ID = 0
		files[i].TicketNumber = number
		files[i].EventSeq = 0
		if files[i].Size == 0 {
			files[i].Size = int64(len(files[i].Data))
		}
		if files[i].CreatedAt.IsZero() {
			files[i].CreatedAt = now
		}
	}
	if _, err := db.NewInsert().Model(&files).Exec(ctx); err != nil {
		return fmt.Errorf("store: add attachments to %q: %w", number, err)
	}
	return nil
}

// Timeline returns a ticket's events in order. Requesters see only public
// events (includeInternal false); support sees all.
func (db *DB) Timeline(ctx context.Context, number string, includeInternal bool) ([]TicketEvent, error) {
	var evs []TicketEvent
	q := db.NewSelect().Model(&evs).Where("ticket_number = ?", number).Order("seq")
	if !includeInternal {
		q = q.Where("public = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: timeline %q: %w", number, err)
	}
	return evs, nil
}

// Attachments returns the documents of a ticket (metadata and bytes), in
// upload order.
func (db *DB) Attachments(ctx context.Context, number string) ([]Attachment, error) {
	var as []Attachment
	if err := db.NewSelect().Model(&as).Where("ticket_number = ?", number).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: attachments of %q: %w", number, err)
	}
	return as, nil
}

// TechnicianLoad is the workload of one available member of a group.
type TechnicianLoad struct {
	PersonID int64
	// OpenTickets counts the tickets assigned to the person that are not
	// closed or cancelled (in any académie or group).
	OpenTickets int
	// LastAssignedAt is when the person last took a ticket (pick-up, or
	// creation for tickets assigned without one); nil if never.
	LastAssignedAt *time.Time
}

// TechnicianLoads returns the available, enabled members of a group with
// their workload, least loaded first: fewest open tickets, then least
// recently assigned (never assigned first), then lowest ID — so ties are
// broken fairly and deterministically.
func (db *DB) TechnicianLoads(ctx context.Context, groupID int64) ([]TechnicianLoad, error) {
	var members []struct {
		PersonID int64 `bun:"person_id"`
	}
	err := db.NewSelect().TableExpr("group_members AS gm").
		ColumnExpr("gm.person_id").
		Join("JOIN people AS p ON p.id = gm.person_id").
		Where("gm.group_id = ?", groupID).
		Where("gm.available = ?", true).
		Where("p.disabled = ?", false).
		Scan(ctx, &members)
	if err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", groupID, err)
	}
	if len(members) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(members))
	loads := make(map[int64]*TechnicianLoad, len(members))
	for i, m := range members {
		ids[i] = m.PersonID
		loads[m.PersonID] = &TechnicianLoad{PersonID: m.PersonID}
	}
	var rows []struct {
		TechnicianID int64      `bun:"technician_id"`
		Status       string     `bun:"status"`
		PickedUpAt   *time.Time `bun:"picked_up_at"`
		CreatedAt    time.Time  `bun:"created_at"`
	}
	// Per-ticket rows rather than SQL aggregates: MAX over timestamps comes
	// back untyped from SQLite, and a technician holds few tickets.
	err = db.NewSelect().Model((*Ticket)(nil)).
		Column("technician_id", "status", "picked_up_at", "created_at").
		Where("technician_id IN (?)", bun.In(ids)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: loads of group %d: %w", groupID, err)
	}
	for _, r := range rows {
		l := loads[r.TechnicianID]
		if r.Status != StatusClosed && r.Status != StatusCancelled {
			l.OpenTickets++
		}
		at := r.CreatedAt
		if r.PickedUpAt != nil {
			at = *r.PickedUpAt
		}
		if l.LastAssignedAt == nil || at.After(*l.LastAssignedAt) {
			at := at
			l.LastAssignedAt = &at
		}
	}
	out := make([]TechnicianLoad, 0, len(loads))
	for _, id := range ids {
		out = append(out, *loads[id])
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.OpenTickets != b.OpenTickets {
			return a.OpenTickets < b.OpenTickets
		}
		switch {
		case a.LastAssignedAt == nil && b.LastAssignedAt != nil:
			return true
		case a.LastAssignedAt != nil && b.LastAssignedAt == nil:
			return false
		case a.LastAssignedAt != nil && !a.LastAssignedAt.Equal(*b.LastAssignedAt):
			return a.LastAssignedAt.Before(*b.LastAssignedAt)
		}
		return a.PersonID < b.PersonID
	})
	return out, nil
}

// TicketEventAt returns the event seq of a ticket, or an error wrapping
// ErrNotFound.
func (db *DB) TicketEventAt(ctx context.Context, number string, seq int64) (*TicketEvent, error) {
	ev := new(TicketEvent)
	err := db.NewSelect().Model(ev).Where("ticket_number = ?", number).Where("seq = ?", seq).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: event %d of %q: %w", seq, number, notFound(err))
	}
	return ev, nil
}

// LastTicketEvent returns the latest event of this kind of a ticket, or an
// error wrapping ErrNotFound.
func (db *DB) LastTicketEvent(ctx context.Context, number, kind string) (*TicketEvent, error) {
	ev := new(TicketEvent)
	err := db.NewSelect().Model(ev).Where("ticket_number = ?", number).Where("kind = ?", kind).
		OrderExpr("seq DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: last %s event of %q: %w", kind, number, notFound(err))
	}
	return ev, nil
}

// AppendEvent adds one timeline event without touching the ticket row (a
// record such as "mail sent"). It is idempotent on (number, ev.Seq) and
// reports whether the event was new.
func (db *DB) AppendEvent(ctx context.Context, number string, ev TicketEvent) (bool, error) {
	if ev.Seq <= 1 || ev.Kind == "" {
		return false, fmt.Errorf("store: append event to %q: seq %d kind %q: sequence 1 is the submission's and a kind is required", number, ev.Seq, ev.Kind)
	}
	ev.readyFor(number)
	res, err := db.NewInsert().Model(&ev).On("CONFLICT (ticket_number, seq) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: append event %d to %q: %w", ev.Seq, number, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RoleHolders lists the enabled people holding role in an académie (for
// example its supervisors, to mail them), ordered by ID.
func (db *DB) RoleHolders(ctx context.Context, academy, role string) ([]Person, error) {
	var people []Person
	err := db.NewSelect().Model(&people).
		Where("id IN (?)", db.NewSelect().Model((*RoleGrant)(nil)).Column("person_id").
			Where("academy_code = ?", academy).Where("role = ?", role)).
		Where("disabled = ?", false).
		Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: %s of %s: %w", role, academy, err)
	}
	return people, nil
}

// readyFor makes ev a new event of ticket number to insert: no ID yet, the
// creation time now if unset and in UTC, empty data as "{}". The insert of
// ApplyProjection and AppendEvent.
func (ev *TicketEvent) readyFor(number string) {
	ev.ID = 0
	ev.TicketNumber = number
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = time.Now()
	}
	ev.CreatedAt = ev.CreatedAt.UTC()
	if ev.Data == "" {
		ev.Data = "{}"
	}
}

// mergeCreatedData returns the data of the workflow's created event with
// the keys the submission wrote and the workflow does not know (filed_by)
// kept: the workflow's details win where both have a key. Without a stored
// created event, data is returned as is.
func mergeCreatedData(ctx context.Context, tx bun.Tx, number, data string) (string, error) {
	var stored string
	err := tx.NewSelect().Model((*TicketEvent)(nil)).Column("data").
		Where("ticket_number = ?", number).Where("seq = 1").Scan(ctx, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return data, nil
	}
	if err != nil {
		return "", fmt.Errorf("read created event: %w", err)
	}
	old := map[string]any{}
	if json.Unmarshal([]byte(stored), &old) != nil || len(old) == 0 {
		return data, nil
	}
	next := map[string]any{}
	if err := json.Unmarshal([]byte(data), &next); err != nil {
		return data, nil // not an object: written as the workflow sent it
	}
	for k, v := range old {
		if _, ok := next[k]; !ok {
			next[k] = v
		}
	}
	b, err := json.Marshal(next) // keys sorted: the same bytes on every retry
	if err != nil {
		return "", fmt.Errorf("merge created event data: %w", err)
	}
	return string(b), nil
}
