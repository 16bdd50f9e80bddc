package pages

import (
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// listExcerpt is how many characters of a description a list row shows.
const listExcerpt = 60

// listTarget is the id of the part of a list page that htmx refreshes
// (filters, table, pagination).
const listTarget = "liste-incidents"

// ticketListView is the view model of Suivi des incidents and Incidents de
// mon entité.
type ticketListView struct {
	Page
	// Base is the list's path ("/incidents" or "/incidents/entite").
	Base string
	// Kind is "suivi" or "entite": it picks headings and texts.
	Kind string
	// Selectable shows the selection checkboxes and the Actions menu.
	Selectable bool
	List       *store.TicketList
	Rows       []listRow
	Filters    []listLink
	Columns    []listColumn
	Sizes      []listSize
	Pager      listPager
	// Hidden are the list's current query values other than the page size,
	// carried by the page-size form.
	Hidden []hiddenField
	// Notice is a success message (after a cancellation); Error a problem
	// with the Actions menu.
	Notice string
	Error  string
}

// listRow is one ticket line of a list.
type listRow struct {
	Number      string
	Href        string
	CreatedAt   time.Time
	Excerpt     string
	Urgency     int
	Status      string
	Private     bool
	FollowKind  string // last public event; "" = none yet
	FollowAt    time.Time
	ValidDue    *time.Time
	Description string
}

// listLink is a filter choice (Ouverts / Tous / Clôturés).
type listLink struct {
	Value   string
	Href    string
	Current bool
}

// listColumn is a sortable column header.
type listColumn struct {
	Key  string // i18n key of the label
	Href string
	// Sort is the aria-sort value: "ascending", "descending" or "" (none).
	Sort string
}

// listSize is a choice of the page-size select.
type listSize struct {
	Value    int
	Selected bool
}

// listPager is the pagination of a list.
type listPager struct {
	Prev, Next string
	Pages      []listPage
}

// listPage is one link of the pagination.
type listPage struct {
	Num     int
	Href    string
	Current bool
	Gap     bool // an ellipsis instead of a link
}

// hiddenField is a name/value carried by a form.
type hiddenField struct{ Name, Value string }

// listOptions reads the list's query parameters: filtre, tri, ordre
// (asc/desc), page, taille.
func listOptions(c *fiber.Ctx) store.ListOptions {
	o := store.ListOptions{
		Filter:   c.Query("filtre"),
		Sort:     c.Query("tri"),
		Desc:     c.Query("ordre") == "desc",
		Page:     c.QueryInt("page", 1),
		PageSize: c.QueryInt("taille", store.DefaultPageSize),
	}
	if o.Sort == "" && c.Query("ordre") == "" {
		o.Desc = true // newest first
	}
	return o
}

// listQuery is the query string of a list page with options o.
func listQuery(o store.ListOptions) url.Values {
	q := url.Values{}
	q.Set("filtre", o.Filter)
	q.Set("tri", o.Sort)
	if o.Desc {
		q.Set("ordre", "desc")
	} else {
		q.Set("ordre", "asc")
	}
	if o.PageSize != store.DefaultPageSize {
		q.Set("taille", strconv.Itoa(o.PageSize))
	}
	if o.Page > 1 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	return q
}

// listHref is the URL of list base with options o.
func listHref(base string, o store.ListOptions) string {
	return base + "?" + listQuery(o).Encode()
}

// excerpt cuts text to n characters, with an ellipsis when cut.
func excerpt(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return string(r[:n]) + "…"
}

// buildList fills the list parts of v from l.
func (v *ticketListView) buildList(l *store.TicketList) {
	o := l.Options
	v.List = l
	for _, r := range l.Rows {
		v.Rows = append(v.Rows, listRow{
			Number: r.Number, Href: "/incidents/" + r.Number, CreatedAt: r.CreatedAt,
			Excerpt: excerpt(r.Description, listExcerpt), Description: r.Description,
			Urgency: r.Urgency, Status: r.Status, Private: r.Private,
			FollowKind: followKind(r.LastEventKind), FollowAt: r.LastEventAt, ValidDue: r.ValidationDueAt,
		})
	}
	for _, f := range []string{store.FilterOpen, store.FilterAll, store.FilterClosed} {
		fo := o
		fo.Filter, fo.Page = f, 1
		v.Filters = append(v.Filters, listLink{Value: f, Href: listHref(v.Base, fo), Current: f == o.Filter})
	}
	for _, col := range []struct{ sort, key string }{
		{store.SortCreated, "lists.col.created"}, {store.SortNumber, "lists.col.number"},
		{store.SortUrgency, "lists.col.urgency"}, {store.SortStatus, "lists.col.status"},
	} {
		co := o
		co.Sort, co.Page = col.sort, 1
		lc := listColumn{Key: col.key}
		if o.Sort == col.sort {
			lc.Sort = "ascending"
			if o.Desc {
				lc.Sort = "descending"
			}
			co.Desc = !o.Desc
		} else {
			// Dates and numbers start with the newest; urgency and status
			// with the most pressing.
			co.Desc = col.sort == store.SortCreated || col.sort == store.SortNumber
		}
		lc.Href = listHref(v.Base, co)
		v.Columns = append(v.Columns, lc)
	}
	for _, n := range store.PageSizes() {
		v.Sizes = append(v.Sizes, listSize{Value: n, Selected: n == o.PageSize})
	}
	dir := "asc"
	if o.Desc {
		dir = "desc"
	}
	v.Hidden = []hiddenField{{"filtre", o.Filter}, {"tri", o.Sort}, {"ordre", dir}}
	v.Pager = pager(v.Base, o, l.Pages)
}

// pager builds the pagination links: first, last, and two around the
// current page, with gaps.
func pager(base string, o store.ListOptions, pages int) listPager {
	var p listPager
	if pages <= 1 {
		return p
	}
	at := func(n int) string {
		po := o
		po.Page = n
		return listHref(base, po)
	}
	if o.Page > 1 {
		p.Prev = at(o.Page - 1)
	}
	if o.Page < pages {
		p.Next = at(o.Page + 1)
	}
	gap := false
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= o.Page-2 && n <= o.Page+2) {
			p.Pages = append(p.Pages, listPage{Num: n, Href: at(n), Current: n == o.Page})
			gap = false
		} else if !gap {
			p.Pages = append(p.Pages, listPage{Gap: true})
			gap = true
		}
	}
	return p
}

// followKind is the event kind shown in the Suivi column: the creation
// itself is no follow-up ("-").
func followKind(kind string) string {
	if kind == store.EventCreated {
		return ""
	}
	return kind
}

// incidentsList answers GET /incidents: Suivi des incidents, the tickets
// the person filed or that were filed for them.
func (s *Pages) incidentsList(c *fiber.Ctx) error {
	return s.showTicketList(c, "suivi", "", fiber.StatusOK)
}

// entityList answers GET /incidents/entite: Incidents de mon entité, the
// non-private tickets of the person's entity.
func (s *Pages) entityList(c *fiber.Ctx) error {
	return s.showTicketList(c, "entite", "", fiber.StatusOK)
}

// showTicketList renders one of the two lists, with an optional error of
// the Actions menu. An htmx request aimed at the list gets the list part
// only.
func (s *Pages) showTicketList(c *fiber.Ctx, kind, actionError string, status int) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	o := listOptions(c)
	view := ticketListView{Kind: kind, Error: actionError}
	var l *store.TicketList
	if kind == "entite" {
		view.Base = "/incidents/entite"
		l, err = s.db.EntityTickets(c.UserContext(), v, o)
	} else {
		view.Base = "/incidents"
		view.Selectable = true
		l, err = s.db.RequesterTickets(c.UserContext(), v, o)
	}
	if err != nil {
		return err
	}
	view.buildList(l)
	lang := s.lang(c)
	if n := c.QueryInt("annules", 0); n > 0 && kind == "suivi" {
		view.Notice = s.i18n.T(lang, "lists.cancel.done", n)
	}
	if c.Get("HX-Request") == "true" && c.Get("HX-Target") == listTarget {
		view.Page = Page{Lang: lang, User: currentUser(c)}
		c.Set(fiber.HeaderVary, "HX-Request")
		return s.renderFragment(c, status, "incidents_list", "list", &view)
	}
	view.Page = s.page(c, s.i18n.T(lang, "lists."+kind+".title"))
	c.Set(fiber.HeaderVary, "HX-Request")
	return s.render(c, status, "incidents_list", &view)
}
