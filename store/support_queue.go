package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Queue sizes: a default page and a hard cap, so a filter never loads an
// académie's whole history.
const (
	DefaultQueueLimit = 50
	MaxQueueLimit     = 500
)

// QueueFilter selects tickets of an académie's support queue. Zero values
// mean "any". The académie is mandatory: support never sees another
// académie's tickets through the queue.
type QueueFilter struct {
	Academy string
	GroupID int64
	// CategoryID keeps tickets of that category or of any category below it.
	CategoryID int64
	Urgency    int // 1…3
	// Status is one open status (new, in_progress, waiting, resolved);
	// empty means every open one. Closed and cancelled tickets are never in
	// the queue.
	Status string
	// LateOnly keeps tickets flagged late (pick-up deadline missed).
	LateOnly bool
	// TechnicianID keeps tickets assigned to that person (Mes tickets).
	TechnicianID int64
	// Limit defaults to DefaultQueueLimit and is capped at MaxQueueLimit.
	Limit  int
	Offset int
}

// QueueTicket is a ticket of the queue with the names the list shows.
type QueueTicket struct {
	Ticket
	// Requester and Beneficiary are "LASTNAME, Firstname"; Technician
	// likewise, empty when nobody holds the ticket; Group the group's name.
	Requester   string
	Beneficiary string
	Technician  string
	Group       string
}

// queueStatuses are the statuses of tickets support still works on.
var queueStatuses = []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}

// queueOrderExpr puts new tickets first in the support queue. It must stay
// the expression tickets_queue_order_idx was built on (frozen in
// ticketListAndQueueIndexes; TestQueueOrderMatchesItsIndex checks): the
// databases use the index only for the very same expression.
const queueOrderExpr = "CASE WHEN status = '" + StatusNew + "' THEN 0 ELSE 1 END"

// SupportQueue returns an académie's open tickets matching f, new tickets
// first (by priority, then oldest first), then the other open tickets (by
// priority, then oldest first), with the number of tickets matching f
// across all pages. That number is exact up to CountCap (or up to the end
// of the page asked, Offset+Limit, when further); past it, counting stops
// and the number returned is that bound plus one: read a total above
// max(CountCap, Offset+Limit) as "more than total-1" (QueueTotalCapped).
func (db *DB) SupportQueue(ctx context.Context, f QueueFilter) ([]QueueTicket, int, error) {
	if f.Academy == "" {
		return nil, 0, fmt.Errorf("store: support queue: no académie")
	}
	if f.Limit <= 0 {
		f.Limit = DefaultQueueLimit
	}
	f.Limit = min(f.Limit, MaxQueueLimit)
	f.Offset = max(f.Offset, 0)

	var ts []Ticket
	q := db.NewSelect().Model(&ts).Where("academy_code = ?", f.Academy)
	if f.Status != "" {
		if !slices.Contains(queueStatuses, f.Status) {
			return []QueueTicket{}, 0, nil
		}
		q = q.Where("status = ?", f.Status)
	} else {
		q = q.Where("status IN (?)", bun.In(queueStatuses))
	}
	if f.GroupID != 0 {
		q = q.Where("group_id = ?", f.GroupID)
	}
	if f.CategoryID != 0 {
		ids, err := db.categorySubtree(ctx, f.Academy, f.CategoryID)
		if err != nil {
			return nil, 0, err
		}
		if len(ids) == 0 {
			return []QueueTicket{}, 0, nil
		}
		q = q.Where("category_id IN (?)", bun.In(ids))
	}
	if f.Urgency != 0 {
		q = q.Where("urgency = ?", f.Urgency)
	}
	if f.LateOnly {
		q = q.Where("late = ?", true)
	}
	if f.TechnicianID != 0 {
		q = q.Where("technician_id = ?", f.TechnicianID)
	}
	total, capped, err := db.cappedCount(ctx, q.Clone(), countBound(f.Offset+f.Limit))
	if err != nil {
		return nil, 0, fmt.Errorf("store: support queue of %s: count: %w", f.Academy, err)
	}
	if capped {
		total++
	}
	// The order is tickets_queue_order_idx's: the first page is read in
	// index order instead of sorting every open ticket of the académie.
	err = q.OrderExpr(queueOrderExpr).
		Order("priority", "created_at", "number").
		Limit(f.Limit).Offset(f.Offset).Scan(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: support queue of %s: %w", f.Academy, err)
	}
	out, err := db.decorateTickets(ctx, ts)
	if err != nil {
		return nil, 0, fmt.Errorf("store: support queue of %s: %w", f.Academy, err)
	}
	return out, total, nil
}

// QueueTotalCapped reports whether a total returned by SupportQueue (or
// MyTickets) for a page starting at offset and holding limit tickets is a
// lower bound: the queue holds more than total-1 tickets, not counted.
func QueueTotalCapped(total, offset, limit int) bool {
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	return total > countBound(max(offset, 0)+min(limit, MaxQueueLimit))
}

// MyTickets returns the open tickets of an académie assigned to a person
// (Mes tickets), in queue order.
func (db *DB) MyTickets(ctx context.Context, academy string, personID int64, limit, offset int) ([]QueueTicket, int, error) {
	if personID == 0 {
		return []QueueTicket{}, 0, nil
	}
	return db.SupportQueue(ctx, QueueFilter{Academy: academy, TechnicianID: personID, Limit: limit, Offset: offset})
}

// QueueTicketOf returns one ticket of an académie with its names, or an
// error wrapping ErrNotFound when the number is unknown or belongs to
// another académie.
func (db *DB) QueueTicketOf(ctx context.Context, academy, number string) (*QueueTicket, error) {
	t := new(Ticket)
	err := db.NewSelect().Model(t).Where("number = ?", number).Where("academy_code = ?", academy).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: ticket %q of %s: %w", number, academy, notFound(err))
	}
	out, err := db.decorateTickets(ctx, []Ticket{*t})
	if err != nil {
		return nil, fmt.Errorf("store: ticket %q of %s: %w", number, academy, err)
	}
	return &out[0], nil
}

// RecentTicketsOf returns the latest tickets of an académie that a person
// filed or that were filed for them (any status), newest first, leaving out
// the ticket numbered except (the one being looked at). Limit defaults to 10.
func (db *DB) RecentTicketsOf(ctx context.Context, academy string, personID int64, except string, limit int) ([]QueueTicket, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxQueueLimit)
	var ts []Ticket
	q := db.NewSelect().Model(&ts).
		Where("academy_code = ?", academy).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("requester_id = ?", personID).WhereOr("beneficiary_id = ?", personID)
		})
	if except != "" {
		q = q.Where("number <> ?", except)
	}
	if err := q.OrderExpr("created_at DESC, number DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: recent tickets of person %d: %w", personID, err)
	}
	out, err := db.decorateTickets(ctx, ts)
	if err != nil {
		return nil, fmt.Errorf("store: recent tickets of person %d: %w", personID, err)
	}
	return out, nil
}

// StaffMember is a member of at least one of an académie's support groups,
// with their workload there.
type StaffMember struct {
	Person
	// GroupIDs lists the académie's groups the person belongs to.
	GroupIDs []int64
	// Available is true when the person is available in at least one group.
	Available bool
	// OpenTickets counts the académie's open tickets assigned to the person.
	OpenTickets int
}

// SupportStaff lists the enabled members of an académie's groups with their
// load (open tickets assigned to them in the académie), ordered by name:
// the people a ticket may be assigned to.
func (db *DB) SupportStaff(ctx context.Context, academy string) ([]StaffMember, error) {
	var rows []struct {
		GroupID   int64 `bun:"group_id"`
		PersonID  int64 `bun:"person_id"`
		Available bool  `bun:"available"`
	}
	err := db.NewSelect().TableExpr("group_members AS gm").
		ColumnExpr("gm.group_id, gm.person_id, gm.available").
		Join("JOIN groups AS g ON g.id = gm.group_id").
		Where("g.academy_code = ?", academy).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("store: support staff of %s: %w", academy, err)
	}
	if len(rows) == 0 {
		return []StaffMember{}, nil
	}
	members := map[int64]*StaffMember{}
	for _, r := range rows {
		m := members[r.PersonID]
		if m == nil {
			m = &StaffMember{}
			members[r.PersonID] = m
		}
		m.GroupIDs = append(m.GroupIDs, r.GroupID)
		m.Available = m.Available || r.Available
	}
	ids := make([]int64, 0, len(members))
	for id := range members {
		ids = append(ids, id)
	}
	var people []Person
	if err := db.NewSelect().Model(&people).Where("id IN (?)", bun.In(ids)).
		Where("disabled = ?", false).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: support staff of %s: %w", academy, err)
	}
	var loads []struct {
		TechnicianID int64 `bun:"technician_id"`
		N            int   `bun:"n"`
	}
	err = db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("technician_id, COUNT(*) AS n").
		Where("academy_code = ?", academy).
		Where("technician_id IN (?)", bun.In(ids)).
		Where("status IN (?)", bun.In(queueStatuses)).
		Group("technician_id").
		Scan(ctx, &loads)
	if err != nil {
		return nil, fmt.Errorf("store: loads of %s: %w", academy, err)
	}
	for _, l := range loads {
		members[l.TechnicianID].OpenTickets = l.N
	}
	out := make([]StaffMember, 0, len(people))
	for _, p := range people {
		m := members[p.ID]
		m.Person = p
		slices.Sort(m.GroupIDs)
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b StaffMember) int {
		return cmp.Or(strings.Compare(NameKey(a.LastName, a.FirstName), NameKey(b.LastName, b.FirstName)),
			cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// PeopleByID returns the people with these IDs (unknown IDs are left out).
func (db *DB) PeopleByID(ctx context.Context, ids []int64) (map[int64]Person, error) {
	out := map[int64]Person{}
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return out, nil
	}
	var people []Person
	if err := db.NewSelect().Model(&people).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: people by id: %w", err)
	}
	for _, p := range people {
		out[p.ID] = p
	}
	return out, nil
}

// queueName is how lists show a person: "LASTNAME, Firstname" (seed).
func queueName(p Person) string {
	switch {
	case p.LastName == "":
		return p.FirstName
	case p.FirstName == "":
		return strings.ToUpper(p.LastName)
	}
	return strings.ToUpper(p.LastName) + ", " + p.FirstName
}

// PickupRemaining is how long is left before the ticket's pick-up deadline
// at now (negative once passed); ok is false when the ticket has none or is
// no longer new.
func (t Ticket) PickupRemaining(now time.Time) (d time.Duration, ok bool) {
	if t.Status != StatusNew || t.PickupDueAt == nil {
		return 0, false
	}
	return t.PickupDueAt.Sub(now), true
}

// decorateTickets adds people's and groups' names to tickets, in two
// queries whatever the number of tickets.
func (db *DB) decorateTickets(ctx context.Context, ts []Ticket) ([]QueueTicket, error) {
	out := make([]QueueTicket, len(ts))
	if len(ts) == 0 {
		return out, nil
	}
	ids, groupIDs := ticketParties(ts)
	people, err := db.PeopleByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups, err := db.groupNames(ctx, groupIDs)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}
	for i, t := range ts {
		q := QueueTicket{Ticket: t,
			Requester:   queueName(people[t.RequesterID]),
			Beneficiary: queueName(people[t.BeneficiaryID]),
		}
		if t.TechnicianID != nil {
			q.Technician = queueName(people[*t.TechnicianID])
		}
		if t.GroupID != nil {
			q.Group = groups[*t.GroupID]
		}
		out[i] = q
	}
	return out, nil
}

// categorySubtree returns the ID of a category of the académie and of every
// category below it; none when the category is not the académie's.
func (db *DB) categorySubtree(ctx context.Context, academy string, root int64) ([]int64, error) {
	var cats []Category
	if err := db.NewSelect().Model(&cats).Column("id", "parent_id").
		Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: categories of %s: %w", academy, err)
	}
	children := map[int64][]int64{}
	found := false
	for _, c := range cats {
		if c.ID == root {
			found = true
		}
		if c.ParentID != nil {
			children[*c.ParentID] = append(children[*c.ParentID], c.ID)
		}
	}
	if !found {
		return nil, nil
	}
	out := []int64{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// ticketParties returns the people the tickets name (requesters,
// beneficiaries, technicians) and their groups, as they come.
func ticketParties(ts []Ticket) (people, groups []int64) {
	for _, t := range ts {
		people = append(people, t.RequesterID, t.BeneficiaryID)
		if t.TechnicianID != nil {
			people = append(people, *t.TechnicianID)
		}
		if t.GroupID != nil {
			groups = append(groups, *t.GroupID)
		}
	}
	return people, groups
}

// groupNames returns the names of the groups ids, by ID, in one query (none
// when there are no IDs).
func (db *DB) groupNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	names := map[int64]string{}
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return names, nil
	}
	var gs []Group
	if err := db.NewSelect().Model(&gs).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, g := range gs {
		names[g.ID] = g.Name
	}
	return names, nil
}

// uniqueIDs returns the distinct non-zero IDs, sorted.
func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TicketDocuments returns the documents of a ticket without their bytes
// (for lists), in upload order.
func (db *DB) TicketDocuments(ctx context.Context, number string) ([]Attachment, error) {
	var as []Attachment
	if err := db.NewSelect().Model(&as).ExcludeColumn("data").
		Where("ticket_number = ?", number).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: documents of %q: %w", number, err)
	}
	return as, nil
}

// DeleteUnlinkedAttachments removes documents stored for an action that
// did not happen (the workflow refused it): only those with these IDs that
// no timeline event has taken (event_seq 0) are deleted.
func (db *DB) DeleteUnlinkedAttachments(ctx context.Context, number string, ids []int64) error {
	if ids = uniqueIDs(ids); len(ids) == 0 {
		return nil
	}
	if _, err := db.NewDelete().Model((*Attachment)(nil)).
		Where("ticket_number = ?", number).Where("event_seq = 0").
		Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete unlinked documents of %q: %w", number, err)
	}
	return nil
}
