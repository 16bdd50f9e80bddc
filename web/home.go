package web

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
}

// home answers GET /: the académie's news (Actualités).
func (s *Server) home(c *fiber.Ctx) error {
	u := currentUser(c)
	news, err := s.db.PublishedNews(c.UserContext(), u.AcademyCode, time.Now(), homeNewsLimit)
	if err != nil {
		return err
	}
	v := homeView{News: news}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "home.title"))
	return s.render(c, fiber.StatusOK, "home", &v)
}
