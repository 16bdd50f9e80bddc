package pages

import (
	"github.com/gofiber/fiber/v2"
)

// validationsList answers GET /validations: the resolved tickets waiting
// for the person to accept or refuse the solution, each with its
// automatic-closure date and a link to the validation form. After a
// validation (?fait=acceptation|refus&n=…) it says what was recorded.
func (s *Pages) validationsList(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	o := listOptions(c)
	if c.Query("tri") == "" {
		o.Sort, o.Desc = "emise", false // oldest first: the closest deadline
	}
	l, err := s.db.AwaitingValidation(c.UserContext(), v, o)
	if err != nil {
		return err
	}
	view := ticketListView{Kind: "validations", Base: "/validations"}
	view.buildList(l)
	lang := s.lang(c)
	if n := c.Query("n"); selectedNumberRe.MatchString(n) {
		switch c.Query("fait") {
		case decisionAccept:
			view.Notice = s.i18n.T(lang, "validations.done.accept", n)
		case decisionRefuse:
			view.Notice = s.i18n.T(lang, "validations.done.refuse", n)
		}
	}
	view.Page = s.page(c, s.i18n.T(lang, "validations.title"))
	return s.render(c, fiber.StatusOK, "validations_list", &view)
}
