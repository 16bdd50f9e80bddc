package pages

import (
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// Page is what the layout needs; every page's view model embeds it.
type Page struct {
	Lang  string
	Title string
	// User is the signed-in person (nil on the sign-in and error pages of
	// anonymous visitors); Academy their home académie (nil if unknown).
	User    *store.Person
	Academy *store.Academy
	// CSRF is the token every form of the page carries (field _csrf).
	CSRF string
	// Nonce identifies this rendering of the page's forms (field _nonce):
	// the ticket actions they send are applied once however often they are
	// resent (idempotency.go).
	Nonce string
	// HXHeaders is the JSON of the headers htmx adds to its requests
	// (the CSRF token), set on <body hx-headers>.
	HXHeaders string
	// Path is the current URL (path and query), where the language switch
	// comes back to.
	Path string
	// Menu is the side menu: only the pages the person may open.
	Menu []MenuItem
	// Counters, Favourites and History are the signed-in person's header
	// counters and side-menu lists (requester_chrome.go).
	Counters   *store.RequesterCounters
	Favourites []store.TicketLink
	History    []store.TicketLink
}

// MenuItem is an entry of the side menu.
type MenuItem struct {
	Label  string
	Href   string
	Active bool
}

// UserName is the signed-in person's display name ("Claire MARTIN").
func (p *Page) UserName() string {
	if p.User == nil {
		return ""
	}
	return strings.TrimSpace(p.User.FirstName + " " + strings.ToUpper(p.User.LastName))
}

// page builds the layout's data for the current request. It never fails:
// the error page uses it too, so a missing académie or token is left out
// (and logged) rather than turned into another error.
func (s *Pages) page(c *fiber.Ctx, title string) Page {
	p := Page{Lang: s.lang(c), Title: title, User: currentUser(c), Path: c.OriginalURL(), Nonce: pageNonce(c)}
	ctx := c.UserContext()
	tok, err := s.csrfToken(c)
	if err != nil {
		s.log.ErrorContext(ctx, "csrf token", slog.Any("error", err))
	}
	p.CSRF = tok
	if tok != "" && p.User != nil {
		b, _ := json.Marshal(map[string]string{csrfHeader: tok})
		p.HXHeaders = string(b)
	}
	if p.User != nil {
		if a, err := s.db.GetAcademy(ctx, p.User.AcademyCode); err == nil {
			p.Academy = a
		} else {
			s.log.WarnContext(ctx, "académie of signed-in person", slog.String("academy", p.User.AcademyCode), slog.Any("error", err))
		}
		p.Menu = s.menu(c)
		s.requesterChrome(c, &p)
	}
	return p
}

// menu lists the side-menu entries the signed-in person may open, marking
// the current one. Screens of later issues add their entry here.
func (s *Pages) menu(c *fiber.Ctx) []MenuItem {
	lang := s.lang(c)
	items := []MenuItem{{Label: s.i18n.T(lang, "menu.home"), Href: "/"}}
	if s.canHere(c, PermTicketCreate) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.incident.new"), Href: "/incidents/nouveau"})
	}
	if s.canHere(c, PermTicketViewOwn) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "lists.menu.suivi"), Href: "/incidents"},
			MenuItem{Label: s.i18n.T(lang, "lists.menu.entite"), Href: "/incidents/entite"})
	}
	if s.canHere(c, PermTicketValidate) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "lists.menu.validations"), Href: "/validations"})
	}
	if s.canHere(c, PermKnowledgeRead) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "lists.menu.kb"), Href: "/base-de-connaissances"})
	}
	if s.canHere(c, PermSearch) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "lists.menu.search"), Href: "/recherche"})
	}
	if ok, err := s.canSeeMailbox(c); err == nil && ok {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.mailbox"), Href: "/outils/boite-mail"})
	}
	if s.canHere(c, PermAcademySettings) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.directory"), Href: "/admin/annuaire"})
	}
	items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.account"), Href: "/compte"})
	if s.canHere(c, PermQueueView) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.support.queue"), Href: "/support/file"},
			MenuItem{Label: s.i18n.T(lang, "menu.support.mine"), Href: "/support/mes-tickets"})
	}
	if s.canHere(c, PermCallIntake) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.call"), Href: "/prise-appel"})
	}
	items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.tokens"), Href: "/compte/jetons"})
	if s.canHere(c, PermAcademySettings) {
		items = append(items, MenuItem{Label: s.i18n.T(lang, "menu.webhooks"), Href: "/admin/webhooks"})
	}
	items = append(items, s.menuAdmin(c)...)
	// The current entry is the longest one the path falls under
	// (/incidents/entite is not also Suivi des incidents).
	path, best := c.Path(), -1
	for i, it := range items {
		h := it.Href
		if (path == h || (h != "/" && strings.HasPrefix(path, h+"/"))) && (best < 0 || len(h) > len(items[best].Href)) {
			best = i
		}
	}
	if best >= 0 {
		items[best].Active = true
	}
	return items
}
