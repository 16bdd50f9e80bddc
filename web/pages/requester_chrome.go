package pages

import (
	"log/slog"
	"slices"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// Sizes of the side menu's personal lists.
const (
	favouritesShown = 100 // Mes favoris
	historyShown    = 10  // Mon historique
)

// requesterChrome fills the parts of every page that depend on the
// signed-in person's tickets: the header counters (Validations : n, En
// cours : Incidents : n) and the side menu's Mes favoris and Mon
// historique. A failure is logged and leaves them out: the page still shows.
func (s *Pages) requesterChrome(c *fiber.Ctx, p *Page) {
	if p.User == nil {
		return
	}
	ctx := c.UserContext()
	v, err := s.viewer(c)
	if err != nil {
		s.log.WarnContext(ctx, "requester chrome: viewer", slog.Any("error", err))
		return
	}
	if counters, err := s.db.CountersOf(ctx, v); err == nil {
		p.Counters = &counters
	} else {
		s.log.WarnContext(ctx, "requester chrome: counters", slog.Any("error", err))
	}
	if favs, err := s.db.Favourites(ctx, v, favouritesShown); err == nil {
		p.Favourites = favs
	} else {
		s.log.WarnContext(ctx, "requester chrome: favourites", slog.Any("error", err))
	}
	if hist, err := s.db.History(ctx, v, historyShown); err == nil {
		p.History = hist
	} else {
		s.log.WarnContext(ctx, "requester chrome: history", slog.Any("error", err))
	}
}

// IsFavourite reports whether the signed-in person starred ticket number
// (for the star button of the ticket page: {{if .IsFavourite .Ticket.Number}}).
func (p *Page) IsFavourite(number string) bool {
	return slices.ContainsFunc(p.Favourites, func(l store.TicketLink) bool { return l.Number == number })
}

// recordView notes that the signed-in person is looking at ticket number,
// for Mon historique. Call it from the ticket page handler once the ticket
// is known to be visible, before s.page builds the side menu. It never
// fails the page: errors are logged.
func (s *Pages) recordView(c *fiber.Ctx, number string) {
	v, err := s.viewer(c)
	if err == nil {
		err = s.db.RecordView(c.UserContext(), v, number)
	}
	if err != nil {
		s.log.WarnContext(c.UserContext(), "record ticket view", slog.String("ticket", number), slog.Any("error", err))
	}
}

// countersView is the view model of the counters fragment.
type countersView struct {
	Page
}

// counters answers GET /compteurs: the header's counters alone, which htmx
// fetches every 30 seconds to keep them live.
func (s *Pages) counters(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	n, err := s.db.CountersOf(c.UserContext(), v)
	if err != nil {
		return err
	}
	view := countersView{Page: Page{Lang: s.lang(c), User: currentUser(c), Counters: &n}}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderFragment(c, fiber.StatusOK, "incidents_list", "compteurs", &view)
}
