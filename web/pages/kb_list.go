package pages

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// kbPageSize is how many articles a page of the knowledge base lists.
const kbPageSize = 20

// kbListView is the knowledge base list's view model.
type kbListView struct {
	Page
	Query      string
	Category   string
	Categories []string
	Articles   []kbListItem
	CanWrite   bool
	PageNum    int
	PrevHref   string
	NextHref   string
}

// kbListItem is an article of the list, with its excerpt when searched.
type kbListItem struct {
	store.Article
	Snippet []store.SnippetPart
}

// kbList answers GET /base-de-connaissances?categorie=…&q=…&page=N: the
// articles the person may read, by category, or found by keywords.
func (s *Pages) kbList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	view := kbListView{
		Query:    strings.TrimSpace(c.Query("q")),
		Category: strings.TrimSpace(c.Query("categorie")),
		PageNum:  max(c.QueryInt("page", 1), 1),
		CanWrite: s.canHere(c, PermKnowledgeWrite),
	}
	if view.Categories, err = s.db.ArticleCategories(ctx, v); err != nil {
		return err
	}
	offset := (view.PageNum - 1) * kbPageSize
	var more bool
	if view.Query != "" {
		hits, m, err := s.db.SearchArticles(ctx, v, store.ArticleSearch{
			Query: view.Query, Category: view.Category, Limit: kbPageSize, Offset: offset})
		if err != nil {
			return err
		}
		more = m
		for _, h := range hits {
			view.Articles = append(view.Articles, kbListItem{Article: h.Article, Snippet: h.Snippet})
		}
	} else {
		as, m, err := s.db.ListArticles(ctx, v, store.ArticleFilter{Category: view.Category, Limit: kbPageSize, Offset: offset})
		if err != nil {
			return err
		}
		more = m
		for _, a := range as {
			view.Articles = append(view.Articles, kbListItem{Article: a})
		}
	}
	href := func(page int) string {
		q := url.Values{}
		if view.Query != "" {
			q.Set("q", view.Query)
		}
		if view.Category != "" {
			q.Set("categorie", view.Category)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		if len(q) == 0 {
			return "/base-de-connaissances"
		}
		return "/base-de-connaissances?" + q.Encode()
	}
	if view.PageNum > 1 {
		view.PrevHref = href(view.PageNum - 1)
	}
	if more {
		view.NextHref = href(view.PageNum + 1)
	}
	view.Page = s.page(c, s.i18n.T(s.lang(c), "kb.title"))
	return s.render(c, fiber.StatusOK, "kb_list", &view)
}
