package pages

import (
	"github.com/gofiber/fiber/v2"
)

// fromFormMarker is the query of the suggestion links of the new-incident
// form (?depuis=saisie): the article page then offers « Cet article a
// résolu mon problème » and remembers, for the session, that the article
// was read from the form.
const fromFormMarker = "saisie"

// kbDashboardTop is how many articles the supervisor's dashboard ranks.
const kbDashboardTop = 5

// homeSolvedQuery is the home page's query after a problem solved without
// a ticket: it shows « Tant mieux ! Aucun ticket n'a été créé. ».
const homeSolvedQuery = "sans-ticket"

// kbSolvedWithoutTicket answers POST /base-de-connaissances/:id/resolu
// (« Cet article a résolu mon problème »): the article is counted as
// having solved the person's problem without a ticket (once per person and
// article), then the home page confirms it.
func (s *Pages) kbSolvedWithoutTicket(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return Errorf(ENOTFOUND, "")
	}
	a, err := s.db.VisibleArticle(c.UserContext(), v, int64(id))
	if err != nil {
		return err
	}
	if _, err := s.db.CountSolvedWithoutTicket(c.UserContext(), currentSession(c).ID, currentUser(c).ID, a.ID); err != nil {
		return err
	}
	return c.Redirect("/?"+homeSolvedQuery+"=1", fiber.StatusSeeOther)
}

// incidentAbandon answers POST /incidents/nouveau/abandon, the Annuler
// button of the new-incident form: the suggested article read last from
// the form in this session, if any, is counted as having solved the
// problem without a ticket; then back to the home page.
func (s *Pages) incidentAbandon(c *fiber.Ctx) error {
	if _, _, err := s.db.AbandonIncidentForm(c.UserContext(), currentSession(c).ID, currentUser(c).ID); err != nil {
		return err
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}
