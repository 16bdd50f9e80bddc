package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Filters of the requester's ticket lists (Ouverts / Tous / Clôturés).
const (
	// FilterOpen keeps tickets that still accept actions.
	FilterOpen = "ouverts"
	// FilterAll keeps every ticket.
	FilterAll = "tous"
	// FilterClosed keeps closed and cancelled tickets.
	FilterClosed = "clotures"
)

// Sort keys of the ticket lists, one per sortable column.
const (
	SortCreated = "emise"   // Émise le
	SortNumber  = "numero"  // N° d'incident
	SortUrgency = "urgence" // Urgence
	SortStatus  = "statut"  // Statut
)

// DefaultPageSize is how many tickets a list page shows unless the user
// picks another of PageSizes.
const DefaultPageSize = 20

// PageSizes returns the page sizes a user may pick for ticket lists.
func PageSizes() []int { return []int{10, 20, 50, 100} }

// descriptionExcerpt is how many characters of the description a list row
// carries (the page truncates further).
const descriptionExcerpt = 160

// ListOptions says which page of a ticket list to show and in what order.
// The zero value is the first page of open tickets, newest first, 20 a page.
type ListOptions struct {
	Filter   string // FilterOpen (default), FilterAll, FilterClosed
	Sort     string // SortCreated (default), SortNumber, SortUrgency, SortStatus
	Desc     bool   // descending order
	Page     int    // 1-based; clamped to the last page
	PageSize int    // one of PageSizes; DefaultPageSize otherwise
}

// Normalized returns o with unknown or missing values replaced by defaults.
// A zero ListOptions lists newest first: Desc is forced for the default sort
// only when Sort was empty.
func (o ListOptions) Normalized() ListOptions {
	switch o.Filter {
	case FilterOpen, FilterAll, FilterClosed:
	default:
		o.Filter = FilterOpen
	}
	switch o.Sort {
	case SortCreated, SortNumber, SortUrgency, SortStatus:
	default:
		o.Sort, o.Desc = SortCreated, true
	}
	if !slices.Contains(PageSizes(), o.PageSize) {
		o.PageSize = DefaultPageSize
	}
	if o.Page < 1 {
		o.Page = 1
	}
	return o
}

// TicketRow is one line of a ticket list.
type TicketRow struct {
	Number          string     `bun:"number"`
	CreatedAt       time.Time  `bun:"created_at"`
	Description     string     `bun:"description"` // the first characters only
	CategoryPath    string     `bun:"category_path"`
	Urgency         int        `bun:"urgency"`
	Status          string     `bun:"status"`
	Private         bool       `bun:"private"`
	RequesterID     int64      `bun:"requester_id"`
	BeneficiaryID   int64      `bun:"beneficiary_id"`
	ValidationDueAt *time.Time `bun:"validation_due_at"`
	// LastEventKind and LastEventAt describe the latest public timeline
	// event (the Suivi column); LastEventKind is "" when there is none.
	LastEventKind string    `bun:"-"`
	LastEventAt   time.Time `bun:"-"`
}

// CountCap is how many tickets a list counts at most before it stops
// and says "more than CountCap" (TicketList.TotalCapped): counting every
// open ticket of a large académie would cost more than the page itself.
// Lists paged beyond CountCap count up to the end of the page asked.
const CountCap = 1000

// countBound is the count a list stops at for a page ending at end (an
// offset plus a page size).
func countBound(end int) int { return max(CountCap, end) }

// cappedCount counts the rows of q up to bound+1 (a LIMIT subquery, so
// the database stops reading there), and reports whether there are more
// than bound.
func (db *DB) cappedCount(ctx context.Context, q *bun.SelectQuery, bound int) (n int, capped bool, err error) {
	q = q.ExcludeColumn("*").ColumnExpr("1").Limit(bound + 1)
	err = db.NewSelect().ColumnExpr("COUNT(*)").TableExpr("(?) AS c", q).Scan(ctx, &n)
	if err != nil {
		return 0, false, err
	}
	if n > bound {
		return bound, true, nil
	}
	return n, false, nil
}

// cappedCountUnion is cappedCount for a list made of disjoint queries:
// each is counted up to bound+1, in one statement.
func (db *DB) cappedCountUnion(ctx context.Context, qs []*bun.SelectQuery, bound int) (n int, capped bool, err error) {
	parts := make([]string, len(qs))
	args := make([]any, len(qs))
	for i, q := range qs {
		parts[i] = fmt.Sprintf("(SELECT COUNT(*) FROM (?) AS c%d)", i)
		args[i] = q.ExcludeColumn("*").ColumnExpr("1").Limit(bound + 1)
	}
	if err := db.NewSelect().ColumnExpr(strings.Join(parts, " + "), args...).Scan(ctx, &n); err != nil {
		return 0, false, err
	}
	if n > bound {
		return bound, true, nil
	}
	return n, false, nil
}

// TicketList is one page of a ticket list.
type TicketList struct {
	Rows []TicketRow
	// Total counts the tickets of the whole list (every page), exactly up
	// to CountCap (or to the end of the page asked, when further); when
	// TotalCapped, there are more than Total.
	Total int
	// TotalCapped reports that the count stopped at Total: the list holds
	// more tickets than that (show "plus de …").
	TotalCapped bool
	// Pages is the number of pages (at least 1); when TotalCapped, it
	// counts one page past Total, so that the next page stays reachable.
	Pages int
	// Options are the normalized options used (Page clamped).
	Options ListOptions
}

// RequesterTickets lists the tickets v filed or that were filed for v (Suivi des
// incidents).
func (db *DB) RequesterTickets(ctx context.Context, v Viewer, o ListOptions) (*TicketList, error) {
	// Every ticket of v's own is visible to v: no visibility rule to add.
	l, err := db.listTickets(ctx, nil, o, partyScopes(v, nil)...)
	if err != nil {
		return nil, fmt.Errorf("store: tickets of person %d: %w", v.PersonID, err)
	}
	return l, nil
}

// EntityTickets lists the non-private tickets of v's entity in v's home
// académie (Incidents de mon entité): colleagues see what is already
// reported. A viewer without an entity gets an empty list.
func (db *DB) EntityTickets(ctx context.Context, v Viewer, o ListOptions) (*TicketList, error) {
	l, err := db.listTickets(ctx, &v, o, func(q *bun.SelectQuery) *bun.SelectQuery {
		if v.Entity == "" {
			return q.Where("1 = 0")
		}
		return q.Where("ticket.private = ?", false).
			Where("ticket.entity = ?", v.Entity).
			Where("ticket.academy_code = ?", v.AcademyCode)
	})
	if err != nil {
		return nil, fmt.Errorf("store: tickets of the entity of person %d: %w", v.PersonID, err)
	}
	return l, nil
}

// AwaitingValidation lists the resolved tickets v filed or that were filed
// for v: the ones waiting for v to accept or refuse the solution. The
// filter of o is ignored.
func (db *DB) AwaitingValidation(ctx context.Context, v Viewer, o ListOptions) (*TicketList, error) {
	o.Filter = FilterOpen
	l, err := db.listTickets(ctx, nil, o, partyScopes(v, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("ticket.status = ?", StatusResolved)
	})...)
	if err != nil {
		return nil, fmt.Errorf("store: tickets awaiting validation by person %d: %w", v.PersonID, err)
	}
	return l, nil
}

// partyOf keeps the tickets where v is requester or beneficiary.
func partyOf(v Viewer) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.WhereOr("ticket.requester_id = ?", v.PersonID).
				WhereOr("ticket.beneficiary_id = ?", v.PersonID)
		})
	}
}

// partyScopes returns the scopes of a list of the tickets where v is
// requester or beneficiary (as partyOf), each narrowed by extra when set,
// as two disjoint halves for listTickets: the tickets v filed, and those
// filed for v by someone else. Each half walks its own index in the list's
// order (tickets_requester_idx or tickets_requester_academy_idx, and the
// partial tickets_beneficiary_other_idx or tickets_beneficiary_idx) and
// stops after a page, where an OR of the two columns could use no ordered
// index and made the database fetch and sort every ticket of v first
// (docs/BENCHMARKS.md, "Reads at 1,000,000 tickets"). The term
// beneficiary_id <> requester_id is written as the partial index's
// predicate so that both databases match it. Every ticket of v's own is
// visible to v: lists built on these scopes need no visibility rule.
func partyScopes(v Viewer, extra func(*bun.SelectQuery) *bun.SelectQuery) []func(*bun.SelectQuery) *bun.SelectQuery {
	narrow := func(q *bun.SelectQuery) *bun.SelectQuery {
		if extra != nil {
			q = q.Apply(extra)
		}
		return q
	}
	return []func(*bun.SelectQuery) *bun.SelectQuery{
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return narrow(q.Where("ticket.requester_id = ?", v.PersonID))
		},
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return narrow(q.Where("ticket.beneficiary_id = ?", v.PersonID).Where("ticket.beneficiary_id <> ticket.requester_id"))
		},
	}
}

// ticketOpenStatuses are the statuses of tickets that accept actions.
func ticketOpenStatuses() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}
}

// listTickets runs a list: the scope (which tickets), the visibility rule
// of v (unless everything the scope keeps is visible to v: pass nil), the
// filter, then one page in the asked order, with each row's last public
// event. Several scopes make one list of disjoint halves (partyScopes):
// each half is counted and read up to the page's end on its own, in the
// list's order, and the page is taken from their union.
func (db *DB) listTickets(ctx context.Context, v *Viewer, o ListOptions, scopes ...func(*bun.SelectQuery) *bun.SelectQuery) (*TicketList, error) {
	o = o.Normalized()
	base := func(scope func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
		q := db.NewSelect().Model((*Ticket)(nil)).Apply(scope)
		if v != nil {
			q = q.Apply(VisibleTickets(*v))
		}
		switch o.Filter {
		case FilterOpen:
			q = q.Where("ticket.status IN (?)", bun.In(ticketOpenStatuses()))
		case FilterClosed:
			q = q.Where("ticket.status IN (?)", bun.In([]string{StatusClosed, StatusCancelled}))
		}
		return q
	}
	bound := countBound(o.Page * o.PageSize)
	var total int
	var capped bool
	var err error
	if len(scopes) == 1 {
		total, capped, err = db.cappedCount(ctx, base(scopes[0]), bound)
	} else {
		qs := make([]*bun.SelectQuery, len(scopes))
		for i, s := range scopes {
			qs[i] = base(s)
		}
		total, capped, err = db.cappedCountUnion(ctx, qs, bound)
	}
	if err != nil {
		return nil, fmt.Errorf("count: %w", err)
	}
	l := &TicketList{Total: total, TotalCapped: capped, Pages: max(1, (total+o.PageSize-1)/o.PageSize)}
	if capped {
		l.Pages++
	}
	o.Page = min(o.Page, l.Pages)
	l.Options = o
	if total == 0 {
		return l, nil
	}
	dir := "ASC"
	if o.Desc {
		dir = "DESC"
	}
	order := func(q *bun.SelectQuery) *bun.SelectQuery {
		switch o.Sort {
		case SortNumber:
			q = q.OrderExpr("ticket.number " + dir)
		case SortUrgency:
			q = q.OrderExpr("ticket.urgency " + dir).OrderExpr("ticket.created_at DESC")
		case SortStatus:
			// Lifecycle order, not alphabetical: new, in progress, waiting,
			// resolved, closed, cancelled.
			q = q.OrderExpr("CASE ticket.status WHEN ? THEN 1 WHEN ? THEN 2 WHEN ? THEN 3 WHEN ? THEN 4 WHEN ? THEN 5 ELSE 6 END "+dir,
				StatusNew, StatusInProgress, StatusWaiting, StatusResolved, StatusClosed).
				OrderExpr("ticket.created_at DESC")
		default:
			q = q.OrderExpr("ticket.created_at " + dir)
		}
		// The number breaks ties, so pages never overlap nor skip a row.
		return q.OrderExpr("ticket.number " + dir)
	}
	page := func(scope func(*bun.SelectQuery) *bun.SelectQuery) *bun.SelectQuery {
		return order(base(scope).
			Column("number", "created_at", "category_path", "urgency", "status", "private",
				"requester_id", "beneficiary_id", "validation_due_at").
			ColumnExpr("SUBSTR(ticket.description, 1, ?) AS description", descriptionExcerpt))
	}
	var q *bun.SelectQuery
	if len(scopes) == 1 {
		q = page(scopes[0])
	} else {
		// Each half's rows up to the end of the page, in order (a subquery
		// keeps its ORDER BY and LIMIT on SQLite too), then the page of
		// their union.
		parts := make([]string, len(scopes))
		args := make([]any, len(scopes))
		for i, s := range scopes {
			parts[i] = fmt.Sprintf("SELECT * FROM (?) AS half%d", i)
			args[i] = page(s).Limit(o.Page * o.PageSize)
		}
		q = order(db.NewSelect().ColumnExpr("ticket.*").
			TableExpr("("+strings.Join(parts, " UNION ALL ")+") AS ticket", args...))
	}
	q = q.Limit(o.PageSize).Offset((o.Page - 1) * o.PageSize)
	if err := q.Scan(ctx, &l.Rows); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	if err := db.fillLastEvents(ctx, l.Rows); err != nil {
		return nil, err
	}
	return l, nil
}

// fillLastEvents sets each row's latest public timeline event.
func (db *DB) fillLastEvents(ctx context.Context, rows []TicketRow) error {
	if len(rows) == 0 {
		return nil
	}
	numbers := make([]string, len(rows))
	for i, r := range rows {
		numbers[i] = r.Number
	}
	var evs []TicketEvent
	err := db.NewSelect().Model(&evs).
		Column("ticket_number", "kind", "created_at", "seq").
		Where("ticket_event.ticket_number IN (?)", bun.In(numbers)).
		Where("ticket_event.public = ?", true).
		Where("ticket_event.seq = (SELECT MAX(e2.seq) FROM ticket_events AS e2 WHERE e2.ticket_number = ticket_event.ticket_number AND e2.public = ?)", true).
		Scan(ctx)
	if err != nil {
		return fmt.Errorf("last events: %w", err)
	}
	last := make(map[string]TicketEvent, len(evs))
	for _, e := range evs {
		last[e.TicketNumber] = e
	}
	for i := range rows {
		if e, ok := last[rows[i].Number]; ok {
			rows[i].LastEventKind, rows[i].LastEventAt = e.Kind, e.CreatedAt
		}
	}
	return nil
}

// RequesterCounters are the header's counters of a signed-in person.
type RequesterCounters struct {
	// Validations counts the resolved tickets waiting for the person to
	// accept or refuse the solution.
	Validations int `bun:"validations"`
	// InProgress counts the person's tickets not yet resolved (new, in
	// progress, waiting for information).
	InProgress int `bun:"in_progress"`
}

// CountersOf returns the header's counters of v (the tickets v filed or
// that were filed for v), in one query.
func (db *DB) CountersOf(ctx context.Context, v Viewer) (RequesterCounters, error) {
	var c struct {
		Validations int64 `bun:"validations"`
		InProgress  int64 `bun:"in_progress"`
	}
	err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("COALESCE(SUM(CASE WHEN ticket.status = ? THEN 1 ELSE 0 END), 0) AS validations", StatusResolved).
		ColumnExpr("COALESCE(SUM(CASE WHEN ticket.status <> ? THEN 1 ELSE 0 END), 0) AS in_progress", StatusResolved).
		Apply(partyOf(v)).
		Apply(VisibleTickets(v)).
		Where("ticket.status IN (?)", bun.In(ticketOpenStatuses())).
		Scan(ctx, &c)
	if err != nil {
		return RequesterCounters{}, fmt.Errorf("store: counters of person %d: %w", v.PersonID, err)
	}
	return RequesterCounters{Validations: int(c.Validations), InProgress: int(c.InProgress)}, nil
}

// Favourite is a ticket a person starred (Mes favoris).
type Favourite struct {
	bun.BaseModel `bun:"table:favourites"`

	PersonID     int64     `bun:"person_id,pk"`
	TicketNumber string    `bun:"ticket_number,pk"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
}

// TicketView records the last time a person looked at a ticket (Mon
// historique).
type TicketView struct {
	bun.BaseModel `bun:"table:ticket_views"`

	PersonID     int64     `bun:"person_id,pk"`
	TicketNumber string    `bun:"ticket_number,pk"`
	ViewedAt     time.Time `bun:"viewed_at,notnull"`
}

// TicketLink is a ticket in a short list of the side menu.
type TicketLink struct {
	Number       string    `bun:"number"`
	Status       string    `bun:"status"`
	CategoryPath string    `bun:"category_path"`
	At           time.Time `bun:"at"` // starred or last viewed
}

// historyKept is how many viewed tickets are kept per person.
const historyKept = 20

// ToggleFavourite stars the ticket for v, or unstars it if starred, and
// reports whether it is now a favourite. A ticket v may not see is
// reported as ErrNotFound.
func (db *DB) ToggleFavourite(ctx context.Context, v Viewer, number string) (bool, error) {
	if _, err := db.VisibleTicket(ctx, v, number); err != nil {
		return false, fmt.Errorf("store: toggle favourite: %w", err)
	}
	starred := false
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Favourite)(nil)).
			Where("person_id = ?", v.PersonID).Where("ticket_number = ?", number).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		starred = true
		f := &Favourite{PersonID: v.PersonID, TicketNumber: number, CreatedAt: time.Now().UTC()}
		_, err = tx.NewInsert().Model(f).On("CONFLICT (person_id, ticket_number) DO NOTHING").Exec(ctx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: toggle favourite %q of person %d: %w", number, v.PersonID, err)
	}
	return starred, nil
}

// IsFavourite reports whether the person starred the ticket.
func (db *DB) IsFavourite(ctx context.Context, personID int64, number string) (bool, error) {
	ok, err := db.NewSelect().Model((*Favourite)(nil)).
		Where("person_id = ?", personID).Where("ticket_number = ?", number).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("store: favourite %q of person %d: %w", number, personID, err)
	}
	return ok, nil
}

// Favourites returns v's starred tickets that v may still see, most
// recently starred first, at most limit.
func (db *DB) Favourites(ctx context.Context, v Viewer, limit int) ([]TicketLink, error) {
	links, err := db.ticketLinks(ctx, v, "favourites", "created_at", limit)
	if err != nil {
		return nil, fmt.Errorf("store: favourites of person %d: %w", v.PersonID, err)
	}
	return links, nil
}

// RecordView notes that v looked at the ticket now (Mon historique); only
// the latest views of each person are kept. It records nothing for a
// ticket v may not see.
func (db *DB) RecordView(ctx context.Context, v Viewer, number string) error {
	return db.recordViewAt(ctx, v, number, time.Now())
}

func (db *DB) recordViewAt(ctx context.Context, v Viewer, number string, at time.Time) error {
	if _, err := db.VisibleTicket(ctx, v, number); err != nil {
		return fmt.Errorf("store: record view: %w", err)
	}
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		view := &TicketView{PersonID: v.PersonID, TicketNumber: number, ViewedAt: at.UTC()}
		if _, err := tx.NewInsert().Model(view).
			On("CONFLICT (person_id, ticket_number) DO UPDATE").
			Set("viewed_at = EXCLUDED.viewed_at").Exec(ctx); err != nil {
			return err
		}
		keep := tx.NewSelect().Model((*TicketView)(nil)).Column("ticket_number").
			Where("person_id = ?", v.PersonID).
			OrderExpr("viewed_at DESC, ticket_number DESC").Limit(historyKept)
		_, err := tx.NewDelete().Model((*TicketView)(nil)).
			Where("person_id = ?", v.PersonID).
			Where("ticket_number NOT IN (?)", keep).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record view of %q by person %d: %w", number, v.PersonID, err)
	}
	return nil
}

// History returns the tickets v looked at last that v may still see, most
// recent first, at most limit.
func (db *DB) History(ctx context.Context, v Viewer, limit int) ([]TicketLink, error) {
	links, err := db.ticketLinks(ctx, v, "ticket_views", "viewed_at", limit)
	if err != nil {
		return nil, fmt.Errorf("store: history of person %d: %w", v.PersonID, err)
	}
	return links, nil
}

// ticketLinks lists the visible tickets of v's rows in table (favourites
// or ticket_views), newest column value first.
func (db *DB) ticketLinks(ctx context.Context, v Viewer, table, column string, limit int) ([]TicketLink, error) {
	var links []TicketLink
	q := db.NewSelect().
		TableExpr("? AS l", bun.Ident(table)).
		Join("JOIN tickets AS ticket ON ticket.number = l.ticket_number").
		ColumnExpr("ticket.number, ticket.status, ticket.category_path").
		ColumnExpr("l.? AS at", bun.Ident(column)).
		Where("l.person_id = ?", v.PersonID).
		Apply(VisibleTickets(v)).
		OrderExpr("l.? DESC, ticket.number DESC", bun.Ident(column))
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(ctx, &links); err != nil {
		return nil, err
	}
	return links, nil
}
