package pages

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// Search result page sizes: a few of each kind on the combined page, more
// when one kind is asked for.
const (
	searchMixedSize = 10
	searchPageSize  = 20
)

// Search result kinds (the type parameter).
const (
	searchAll      = "tout"
	searchTickets  = "incidents"
	searchArticles = "articles"
)

// searchStatuses are the states the search may filter on, in order.
var searchStatuses = []string{store.StatusNew, store.StatusInProgress, store.StatusWaiting,
	store.StatusResolved, store.StatusClosed, store.StatusCancelled}

// searchView is the search page's view model.
type searchView struct {
	Page
	Query  string
	Type   string
	Status string
	From   string // YYYY-MM-DD as the date input sends it
	To     string
	// Searched is false until a query with a meaningful word is given.
	Searched bool
	Errors   formErrors
	Statuses []searchOption

	Tickets      []searchTicket
	Articles     []store.ArticleHit
	ShowTickets  bool
	ShowArticles bool
	// MoreTicketsHref / MoreArticlesHref lead from the combined page to the
	// full list of one kind.
	MoreTicketsHref  string
	MoreArticlesHref string
	PageNum          int
	PrevHref         string
	NextHref         string
}

// searchOption is an entry of a select.
type searchOption struct {
	Value, Label string
	Selected     bool
}

// searchTicket is a ticket result with its state's label.
type searchTicket struct {
	store.TicketHit
	StatusLabel string
}

// search answers GET /recherche?q=…&type=tout|incidents|articles&etat=…
// &du=…&au=…&page=N: tickets the person may see and articles they may read,
// French-aware, best first, with highlighted excerpts. A ticket number
// opens the ticket when the person may see it.
func (s *Pages) search(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	view := searchView{
		Query:   strings.TrimSpace(c.Query("q")),
		Type:    c.Query("type", searchAll),
		Status:  c.Query("etat"),
		From:    strings.TrimSpace(c.Query("du")),
		To:      strings.TrimSpace(c.Query("au")),
		PageNum: max(c.QueryInt("page", 1), 1),
	}
	if len(view.Query) > 500 {
		view.Query = view.Query[:500]
	}
	if view.Type != searchTickets && view.Type != searchArticles {
		view.Type = searchAll
	}
	if !slices.Contains(searchStatuses, view.Status) {
		view.Status = ""
	}
	view.Statuses = append(view.Statuses, searchOption{Value: "", Label: s.i18n.T(lang, "search.status.any"), Selected: view.Status == ""})
	for _, st := range searchStatuses {
		view.Statuses = append(view.Statuses, searchOption{Value: st, Label: s.statusLabel(lang, st), Selected: st == view.Status})
	}
	if ticketNumberRE.MatchString(view.Query) {
		number := strings.ToUpper(view.Query)
		if _, err := s.db.VisibleTicket(ctx, v, number); err == nil {
			return c.Redirect("/incidents/"+number, fiber.StatusSeeOther)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	ts := store.TicketSearch{Query: view.Query, Status: view.Status}
	if ts.From, err = s.searchDate(view.From); err != nil {
		view.Errors.Add("du", s.i18n.T(lang, "search.err.date"))
	}
	if ts.To, err = s.searchDate(view.To); err != nil {
		view.Errors.Add("au", s.i18n.T(lang, "search.err.date"))
	} else if !ts.To.IsZero() {
		ts.To = ts.To.AddDate(0, 0, 1) // the whole day
	}
	view.ShowTickets = view.Type != searchArticles
	view.ShowArticles = view.Type != searchTickets
	size, offset := searchPageSize, (view.PageNum-1)*searchPageSize
	if view.Type == searchAll {
		size, offset = searchMixedSize, 0
		view.PageNum = 1
	}
	var moreTickets, moreArticles bool
	if view.Query != "" && !view.Errors.Any() {
		if view.ShowTickets {
			ts.Limit, ts.Offset = size, offset
			hits, more, err := s.db.SearchTickets(ctx, v, ts)
			if err != nil {
				return err
			}
			moreTickets = more
			for _, h := range hits {
				view.Tickets = append(view.Tickets, searchTicket{TicketHit: h, StatusLabel: s.statusLabel(lang, h.Status)})
			}
		}
		if view.ShowArticles {
			hits, more, err := s.db.SearchArticles(ctx, v, store.ArticleSearch{Query: view.Query, Limit: size, Offset: offset})
			if err != nil {
				return err
			}
			moreArticles = more
			view.Articles = hits
		}
		view.Searched = true
	}
	href := func(kind string, page int) string {
		q := url.Values{"q": {view.Query}}
		if kind != searchAll {
			q.Set("type", kind)
		}
		for k, val := range map[string]string{"etat": view.Status, "du": view.From, "au": view.To} {
			if val != "" {
				q.Set(k, val)
			}
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		return "/recherche?" + q.Encode()
	}
	if view.Type == searchAll {
		if moreTickets {
			view.MoreTicketsHref = href(searchTickets, 1)
		}
		if moreArticles {
			view.MoreArticlesHref = href(searchArticles, 1)
		}
	} else {
		if view.PageNum > 1 {
			view.PrevHref = href(view.Type, view.PageNum-1)
		}
		if moreTickets || moreArticles {
			view.NextHref = href(view.Type, view.PageNum+1)
		}
	}
	title := s.i18n.T(lang, "search.title")
	if view.Query != "" {
		title = s.i18n.T(lang, "search.results", view.Query)
	}
	view.Page = s.page(c, title)
	status := fiber.StatusOK
	if view.Errors.Any() {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "search", &view)
}

// searchDate parses a date filter (YYYY-MM-DD from a date input, or
// DD/MM/YYYY typed by hand) as midnight in Paris; "" is the zero time.
func (s *Pages) searchDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, v, s.paris); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("web: bad date")
}
