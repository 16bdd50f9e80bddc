package pages

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// favouriteToggle answers POST /incidents/:number/favori: it stars the
// ticket for the signed-in person (Mes favoris), or unstars it, then goes
// back to the page the form names in "suite" (the ticket page by default).
func (s *Pages) favouriteToggle(c *fiber.Ctx) error {
	number := c.Params("number")
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	if _, err := s.db.ToggleFavourite(c.UserContext(), v, number); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &Error{Code: ENOTFOUND, Key: "ticket.notfound", Args: []any{number}, Err: err}
		}
		return err
	}
	back := "/incidents/" + url.PathEscape(number)
	if suite := c.FormValue("suite"); suite != "" {
		back = safeSuite(suite)
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// globalSearch answers GET /aller?q=…, the header's search box: a ticket
// number the person may see opens the ticket; anything else goes to the
// full-text search.
func (s *Pages) globalSearch(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if n := strings.ToUpper(q); selectedNumberRe.MatchString(n) {
		if _, _, err := s.visibleTicket(c, n); err != nil {
			return err
		}
		return c.Redirect("/incidents/"+url.PathEscape(n), fiber.StatusSeeOther)
	}
	if q == "" {
		return c.Redirect("/recherche", fiber.StatusSeeOther)
	}
	return c.Redirect("/recherche?"+url.Values{"q": {q}}.Encode(), fiber.StatusSeeOther)
}
