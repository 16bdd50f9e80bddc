package pages

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// newsRow is a news item in the management list.
type newsRow struct {
	store.News
	State      string // catalogue key of the state
	CanPublish bool
	CanExpire  bool
}

// newsListView is the view model of the news list.
type newsListView struct {
	AdminPage
	Items []newsRow
}

// newsFormView is the view model of the news form (new or edit).
type newsFormView struct {
	AdminPage
	ID                     int64
	Action                 string
	Heading                string
	Title, Body            string
	PublishedAt, ExpiresAt string
	Draft                  bool
}

// newsDateLayout is how dates are typed in the form (datetime-local).
const newsDateLayout = "2006-01-02T15:04"

// newsList answers GET /pilotage/actualites.
func (s *Pages) newsList(c *fiber.Ctx) error {
	items, err := s.db.NewsOf(c.UserContext(), s.academyOf(c))
	if err != nil {
		return err
	}
	now := time.Now()
	v := &newsListView{AdminPage: s.adminPage(c, PermNewsManage, s.i18n.T(s.lang(c), "news.title"))}
	for _, n := range items {
		st := n.State(now)
		v.Items = append(v.Items, newsRow{News: n, State: "news.state." + st,
			CanPublish: st != store.NewsPublished, CanExpire: st == store.NewsPublished || st == store.NewsScheduled})
	}
	return s.render(c, fiber.StatusOK, "pilotage_news", v)
}

// newsNew answers GET /pilotage/actualites/nouvelle.
func (s *Pages) newsNew(c *fiber.Ctx) error {
	return s.renderNewsForm(c, &newsFormView{}, "", fiber.StatusOK)
}

// newsEdit answers GET /pilotage/actualites/:id.
func (s *Pages) newsEdit(c *fiber.Ctx) error {
	n, err := s.db.GetNews(c.UserContext(), s.academyOf(c), paramID(c, "id"))
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(ENOTFOUND, "")
	} else if err != nil {
		return err
	}
	v := &newsFormView{ID: n.ID, Title: n.Title, Body: n.Body, Draft: n.Draft,
		PublishedAt: n.PublishedAt.In(s.paris).Format(newsDateLayout)}
	if n.ExpiresAt != nil {
		v.ExpiresAt = n.ExpiresAt.In(s.paris).Format(newsDateLayout)
	}
	return s.renderNewsForm(c, v, "", fiber.StatusOK)
}

func (s *Pages) renderNewsForm(c *fiber.Ctx, v *newsFormView, errKey string, status int) error {
	lang := s.lang(c)
	heading := s.i18n.T(lang, "news.new")
	if v.ID != 0 {
		heading = s.i18n.T(lang, "news.edit")
	}
	v.AdminPage = s.adminPage(c, PermNewsManage, heading)
	v.Error = errKey
	v.Action = "/pilotage/actualites"
	if v.ID != 0 {
		v.Action += "/" + strconv.FormatInt(v.ID, 10)
	}
	v.Action += v.Q
	return s.render(c, status, "pilotage_news_form", v)
}

// newsCreate answers POST /pilotage/actualites.
func (s *Pages) newsCreate(c *fiber.Ctx) error { return s.newsSave(c, 0) }

// newsUpdate answers POST /pilotage/actualites/:id.
func (s *Pages) newsUpdate(c *fiber.Ctx) error { return s.newsSave(c, paramID(c, "id")) }

func (s *Pages) newsSave(c *fiber.Ctx, id int64) error {
	v := &newsFormView{ID: id, Title: c.FormValue("titre"), Body: c.FormValue("texte"),
		PublishedAt: strings.TrimSpace(c.FormValue("publication")), ExpiresAt: strings.TrimSpace(c.FormValue("expiration")),
		Draft: c.FormValue("brouillon") == "1"}
	n := &store.News{ID: id, Title: v.Title, Body: v.Body, Draft: v.Draft}
	if v.PublishedAt != "" {
		t, err := time.ParseInLocation(newsDateLayout, v.PublishedAt, s.paris)
		if err != nil {
			return s.renderNewsForm(c, v, "news.error.date", fiber.StatusUnprocessableEntity)
		}
		n.PublishedAt = t
	}
	if v.ExpiresAt != "" {
		t, err := time.ParseInLocation(newsDateLayout, v.ExpiresAt, s.paris)
		if err != nil {
			return s.renderNewsForm(c, v, "news.error.date", fiber.StatusUnprocessableEntity)
		}
		n.ExpiresAt = &t
	}
	if err := s.db.SaveNews(c.UserContext(), s.editor(c), n); err != nil {
		if key, ok := changeError(err, "news.error.required"); ok {
			return s.renderNewsForm(c, v, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/actualites")
}

// newsPublish answers POST /pilotage/actualites/:id/publier.
func (s *Pages) newsPublish(c *fiber.Ctx) error {
	return s.newsAction(c, func(by store.Editor, id int64) error {
		return s.db.PublishNews(c.UserContext(), by, id, time.Now())
	})
}

// newsExpire answers POST /pilotage/actualites/:id/retirer.
func (s *Pages) newsExpire(c *fiber.Ctx) error {
	return s.newsAction(c, func(by store.Editor, id int64) error {
		return s.db.ExpireNews(c.UserContext(), by, id, time.Now())
	})
}

// newsDelete answers POST /pilotage/actualites/:id/supprimer.
func (s *Pages) newsDelete(c *fiber.Ctx) error {
	return s.newsAction(c, func(by store.Editor, id int64) error {
		return s.db.DeleteNews(c.UserContext(), by, id)
	})
}

func (s *Pages) newsAction(c *fiber.Ctx, do func(store.Editor, int64) error) error {
	if err := do(s.editor(c), paramID(c, "id")); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Errorf(ENOTFOUND, "")
		}
		return err
	}
	return s.backTo(c, "/pilotage/actualites")
}
