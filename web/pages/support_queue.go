package pages

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// queuePageSize is the number of tickets a queue page shows.
const queuePageSize = 50

// supportRow is a ticket line of the queue and of Mes tickets.
type supportRow struct {
	store.QueueTicket
	Href        string
	Created     string
	CreatedISO  string
	Urgency     string
	Status      string
	StatusBadge string
	Countdown   *supportCountdown
	// Result is the outcome of a bulk action on this ticket, if any.
	Result *supportBulkResult
}

// supportBulkResult is the outcome of a bulk action on one ticket.
type supportBulkResult struct {
	Number  string
	OK      bool
	Message string
}

// supportFilter is the filter form of the queue, as typed.
type supportFilter struct {
	Group, Category, Urgency, Status string
	Late                             bool
	Page                             int
	// Academy is the ?academie= of someone working for several académies
	// (kept by the forms and links); empty for the home académie.
	Academy string
}

// supportChoice is an entry of a <select>.
type supportChoice struct {
	Value, Label string
	Selected     bool
}

// supportQueueView is the view model of the queue and of Mes tickets.
type supportQueueView struct {
	Page
	// Mine is true on Mes tickets (no filters, no bulk actions).
	Mine        bool
	AcademyCode string
	Rows        []supportRow
	Total       int
	// TotalCapped: the queue holds more than Total tickets (counting
	// stopped, see store.QueueTotalCapped).
	TotalCapped bool
	Filter      supportFilter
	Groups      []supportChoice
	Cats        []supportChoice
	Urgency     []supportChoice
	States      []supportChoice
	Staff       []supportChoice
	// BulkGroups are the groups offered by "Affecter à…".
	BulkGroups []supportChoice
	// Results of a bulk action, in the order asked.
	Results []supportBulkResult
	// BulkError is a message about the bulk form itself (nothing selected…).
	BulkError string
	// BulkAction is where the bulk form posts: the queue with the current
	// filter, so the page after the actions shows the same selection.
	BulkAction string
	PrevHref   string
	NextHref   string
	CanAssign  bool
	CanPickUp  bool
}

// parseSupportFilter reads the filter of the queue from the query string.
func parseSupportFilter(c *fiber.Ctx) supportFilter {
	f := supportFilter{
		Group: c.Query("groupe"), Category: c.Query("categorie"),
		Urgency: c.Query("urgence"), Status: c.Query("etat"),
		Late: c.Query("retard") == "1", Academy: c.Query("academie"),
	}
	f.Page, _ = strconv.Atoi(c.Query("page"))
	f.Page = max(f.Page, 1)
	return f
}

// query is the filter as a query string (without the page).
func (f supportFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"groupe": f.Group, "categorie": f.Category, "urgence": f.Urgency, "etat": f.Status, "academie": f.Academy} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Late {
		q.Set("retard", "1")
	}
	return q
}

// storeFilter turns the typed filter into a store filter; unreadable
// values are ignored.
func (f supportFilter) storeFilter(academy string) store.QueueFilter {
	id := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return max(v, 0) }
	u, _ := strconv.Atoi(f.Urgency)
	if u < 1 || u > 3 {
		u = 0
	}
	return store.QueueFilter{
		Academy: academy, GroupID: id(f.Group), CategoryID: id(f.Category), Urgency: u,
		Status: f.Status, LateOnly: f.Late,
		Limit: queuePageSize, Offset: (f.Page - 1) * queuePageSize,
	}
}

// supportQueue shows the académie's queue (GET /support/file).
func (s *Pages) supportQueue(c *fiber.Ctx) error {
	v, err := s.supportQueueView(c, false)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "support_queue", v)
}

// supportMine shows the open tickets assigned to the signed-in technician
// (GET /support/mes-tickets).
func (s *Pages) supportMine(c *fiber.Ctx) error {
	v, err := s.supportQueueView(c, true)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "support_queue", v)
}

// supportQueueView builds the queue (or Mes tickets) of the académie the request
// acts on.
func (s *Pages) supportQueueView(c *fiber.Ctx, mine bool) (*supportQueueView, error) {
	ctx := c.UserContext()
	lang := s.lang(c)
	academy := s.academyOf(c)
	title := "support.queue.title"
	if mine {
		title = "support.mine.title"
	}
	v := &supportQueueView{Page: s.page(c, s.i18n.T(lang, title)), Mine: mine, AcademyCode: academy}
	v.CanPickUp = s.canHere(c, PermTicketPickUp)
	v.CanAssign = s.canHere(c, PermTicketAssign)
	v.Filter = parseSupportFilter(c)
	var (
		tickets []store.QueueTicket
		total   int
		err     error
	)
	if mine {
		v.Filter = supportFilter{Page: v.Filter.Page, Academy: v.Filter.Academy}
		tickets, total, err = s.db.MyTickets(ctx, academy, currentUser(c).ID, queuePageSize, (v.Filter.Page-1)*queuePageSize)
	} else {
		tickets, total, err = s.db.SupportQueue(ctx, v.Filter.storeFilter(academy))
	}
	if err != nil {
		return nil, fmt.Errorf("web: queue: %w", err)
	}
	now := time.Now()
	v.Total = total
	if store.QueueTotalCapped(total, (v.Filter.Page-1)*queuePageSize, queuePageSize) {
		v.Total, v.TotalCapped = total-1, true
	}
	for _, t := range tickets {
		v.Rows = append(v.Rows, s.supportRow(lang, t, now))
	}
	q := v.Filter.query()
	v.BulkAction = "/support/file"
	if len(q) > 0 {
		v.BulkAction += "?" + q.Encode()
	}
	base := "/support/file"
	if mine {
		base = "/support/mes-tickets"
	}
	if v.Filter.Page > 1 {
		q.Set("page", strconv.Itoa(v.Filter.Page-1))
		v.PrevHref = base + "?" + q.Encode()
	}
	if v.Filter.Page*queuePageSize < total {
		q.Set("page", strconv.Itoa(v.Filter.Page+1))
		v.NextHref = base + "?" + q.Encode()
	}
	if err := s.queueOptions(c, v); err != nil {
		return nil, err
	}
	return v, nil
}

// supportRow builds the line of one ticket.
func (s *Pages) supportRow(lang string, t store.QueueTicket, now time.Time) supportRow {
	return supportRow{
		QueueTicket: t,
		Href:        "/support/incidents/" + t.Number,
		Created:     t.CreatedAt.In(s.paris).Format("02/01/2006 15:04"),
		CreatedISO:  t.CreatedAt.UTC().Format(time.RFC3339),
		Urgency:     s.supportLevel(lang, t.Urgency),
		Status:      s.statusLabel(lang, t.Status),
		StatusBadge: supportStatusBadge(t.Status),
		Countdown:   s.pickupCountdown(lang, t.Ticket, now),
	}
}

// queueOptions fills the filter's and the bulk form's choices.
func (s *Pages) queueOptions(c *fiber.Ctx, v *supportQueueView) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	groups, err := s.db.GroupsOf(ctx, v.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: queue: %w", err)
	}
	for _, g := range groups {
		id := strconv.FormatInt(g.ID, 10)
		v.Groups = append(v.Groups, supportChoice{Value: id, Label: g.Name, Selected: id == v.Filter.Group})
		v.BulkGroups = append(v.BulkGroups, supportChoice{Value: id, Label: g.Name})
	}
	tree, err := s.db.CategoryTree(ctx, v.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: queue: %w", err)
	}
	for _, n := range tree {
		id := strconv.FormatInt(n.ID, 10)
		v.Cats = append(v.Cats, supportChoice{Value: id, Label: n.Path, Selected: id == v.Filter.Category})
	}
	for _, u := range []int{1, 2, 3} {
		id := strconv.Itoa(u)
		v.Urgency = append(v.Urgency, supportChoice{Value: id, Label: s.supportLevel(lang, u), Selected: id == v.Filter.Urgency})
	}
	for _, st := range []string{store.StatusNew, store.StatusInProgress, store.StatusWaiting, store.StatusResolved} {
		v.States = append(v.States, supportChoice{Value: st, Label: s.statusLabel(lang, st), Selected: st == v.Filter.Status})
	}
	if v.Mine || !v.CanAssign {
		return nil
	}
	staff, err := s.db.SupportStaff(ctx, v.AcademyCode)
	if err != nil {
		return fmt.Errorf("web: queue: %w", err)
	}
	for _, m := range staff {
		v.Staff = append(v.Staff, supportChoice{Value: strconv.FormatInt(m.ID, 10),
			Label: s.i18n.T(lang, "support.staff.load", supportName(&m.Person), m.OpenTickets)})
	}
	return nil
}

// supportQueueCell answers the htmx poll of one queue row's follow-up cell
// (GET /support/file/suivi/:number): state, technician, pick-up countdown, late.
func (s *Pages) supportQueueCell(c *fiber.Ctx) error {
	t, err := s.supportTicketOf(c, c.Params("number"))
	if err != nil {
		return err
	}
	row := s.supportRow(s.lang(c), *t, time.Now())
	return s.renderFragment(c, fiber.StatusOK, "support_queue", "queue-cell", row)
}

// supportTicketOf returns a ticket of an académie where the signed-in
// person is support, with its names; any other ticket is reported missing
// (ENOTFOUND), so nobody learns that another académie's ticket exists.
func (s *Pages) supportTicketOf(c *fiber.Ctx, number string) (*store.QueueTicket, error) {
	notFound := func(err error) error {
		return &Error{Code: ENOTFOUND, Key: "ticket.notfound", Args: []any{number}, Err: err}
	}
	t, err := s.db.GetTicket(c.UserContext(), number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(err)
	}
	if err != nil {
		return nil, fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	ok, err := s.can(c, PermTicketViewAny, t.AcademyCode)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(fmt.Errorf("person %d is not support in %s", currentUser(c).ID, t.AcademyCode))
	}
	qt, err := s.db.QueueTicketOf(c.UserContext(), t.AcademyCode, number)
	if err != nil {
		return nil, fmt.Errorf("web: support ticket %s: %w", number, err)
	}
	return qt, nil
}
