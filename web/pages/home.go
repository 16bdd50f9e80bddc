package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// homeNewsLimit is how many news items the home page shows.
const homeNewsLimit = 10

// homeView is the home page's view model.
type homeView struct {
	Page
	News []store.News
	// SolvedWithoutTicket confirms a problem solved by an article
	// (?sans-ticket=1, kb_self_solved.go).
	SolvedWithoutTicket bool
}

// home answers GET /: the académie's news (Actualités).
func (s *Pages) home(c *fiber.Ctx) error {
	u := currentUser(c)
	news, err := s.db.PublishedNews(c.UserContext(), u.AcademyCode, time.Now(), homeNewsLimit)
	if err != nil {
		return err
	}
	v := homeView{News: news, SolvedWithoutTicket: c.Query(homeSolvedQuery) == "1"}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "home.title"))
	return s.render(c, fiber.StatusOK, "home", &v)
}
