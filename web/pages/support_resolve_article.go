package pages

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// supportArticleChoices is how many articles the resolve form's list offers.
const supportArticleChoices = 100

// supportResolveArticleView is the view model of the resolve form's
// fragments (the article list, the solution text) sent to htmx.
type supportResolveArticleView struct {
	Page
	Ticket   store.QueueTicket
	Articles []supportChoice
	forms    map[string]*supportForm
}

// Form returns the resolve form's typed values (never nil).
func (v *supportResolveArticleView) Form(action string) *supportForm {
	if f := v.forms[action]; f != nil {
		return f
	}
	return &supportForm{}
}

// resolveArticleFor reports whether article a may resolve a ticket of
// académie academy: a published article the ticket's requester reads (of
// that académie, or shared).
func resolveArticleFor(a *store.Article, academy string) bool {
	return a != nil && a.Published && (a.Shared || a.AcademyCode == academy)
}

// supportArticles lists the articles the resolve form offers for a ticket
// of académie academy: the published ones the technician reads and the
// ticket's requester may read too, matching query when given (most recent
// first otherwise). The article already chosen (selected, an ID) stays in
// the list.
func (s *Pages) supportArticles(c *fiber.Ctx, academy, query, selected string) ([]supportChoice, error) {
	ctx := c.UserContext()
	v, err := s.viewer(c)
	if err != nil {
		return nil, err
	}
	var articles []store.Article
	if strings.TrimSpace(query) != "" {
		hits, _, err := s.db.SearchArticles(ctx, v, store.ArticleSearch{Query: query, Any: true, Limit: supportArticleChoices})
		if err != nil {
			return nil, fmt.Errorf("web: resolve articles: %w", err)
		}
		for _, h := range hits {
			articles = append(articles, h.Article)
		}
	} else {
		articles, _, err = s.db.ListArticles(ctx, v, store.ArticleFilter{Limit: supportArticleChoices})
		if err != nil {
			return nil, fmt.Errorf("web: resolve articles: %w", err)
		}
	}
	var out []supportChoice
	seen := false
	for i := range articles {
		a := &articles[i]
		if !resolveArticleFor(a, academy) {
			continue
		}
		id := strconv.FormatInt(a.ID, 10)
		seen = seen || id == selected
		out = append(out, supportChoice{Value: id, Label: articleLabel(a)})
	}
	if n, err := strconv.ParseInt(selected, 10, 64); err == nil && n > 0 && !seen {
		if a, err := s.db.VisibleArticle(ctx, v, n); err == nil && resolveArticleFor(a, academy) {
			out = append([]supportChoice{{Value: selected, Label: articleLabel(a)}}, out...)
		}
	}
	return out, nil
}

// articleLabel is an article as the resolve form's list names it.
func articleLabel(a *store.Article) string {
	return fmt.Sprintf("KB%d — %s", a.ID, a.Title)
}

// resolveArticleID reads the resolve form's article field: an ID ("42",
// or "KB42" as typed before the list existed), 0 when empty; ok is false
// for anything else.
func resolveArticleID(value string) (int64, bool) {
	a := strings.TrimSpace(value)
	if a == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(a), "KB"), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// checkResolveArticle returns the article chosen to resolve ticket t, or a
// catalogue key refusing it (unknown, unreadable, unpublished or not
// readable by the requester).
func (s *Pages) checkResolveArticle(c *fiber.Ctx, t *store.QueueTicket, value string) (*store.Article, string) {
	n, ok := resolveArticleID(value)
	if !ok {
		return nil, "support.resolve.article"
	}
	if n == 0 {
		return nil, ""
	}
	v, err := s.viewer(c)
	if err != nil {
		return nil, "support.resolve.article.unknown"
	}
	a, err := s.db.VisibleArticle(c.UserContext(), v, n)
	if err != nil || !resolveArticleFor(a, t.AcademyCode) {
		return nil, "support.resolve.article.unknown"
	}
	return a, ""
}

// articleSolution is the solution text with article a's text added after
// what was already typed.
func (s *Pages) articleSolution(lang, typed string, a *store.Article) string {
	url := strings.TrimRight(s.cfg.Web.BaseURL, "/") + "/base-de-connaissances/" + strconv.FormatInt(a.ID, 10)
	text := s.i18n.T(lang, "support.resolve.fromarticle", a.Title, strings.TrimSpace(a.Body), url)
	if typed = strings.TrimSpace(typed); typed != "" {
		return typed + "\n\n" + text
	}
	return text
}

// supportResolveFragment answers GET
// /support/incidents/:number/resolution/{articles,solution} for htmx:
// "articles" is the list of articles matching article_q; "solution" is the
// solution text (solution as typed) with the chosen article's text added.
// Without script, the form's Reprendre button does the same through
// supportResolveRefill.
func (s *Pages) supportResolveFragment(part string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := s.supportTicketOf(c, c.Params("number"))
		if err != nil {
			return err
		}
		if ok, err := s.can(c, PermTicketResolve, t.AcademyCode); err != nil {
			return err
		} else if !ok {
			return &Error{Code: EFORBIDDEN, Err: fmt.Errorf("person %d lacks %s in %s", currentUser(c).ID, PermTicketResolve, t.AcademyCode)}
		}
		values := map[string]string{"solution": c.Query("solution"), "article": c.Query("article"), "article_q": c.Query("article_q")}
		v := &supportResolveArticleView{Page: Page{Lang: s.lang(c)}, Ticket: *t,
			forms: map[string]*supportForm{sactResolve: {Values: values}}}
		switch part {
		case "articles":
			if v.Articles, err = s.supportArticles(c, t.AcademyCode, values["article_q"], values["article"]); err != nil {
				return err
			}
			return s.renderFragment(c, fiber.StatusOK, "support_ticket", "resolve-articles", v)
		default:
			if a, key := s.checkResolveArticle(c, t, values["article"]); key == "" && a != nil {
				values["solution"] = s.articleSolution(v.Lang, values["solution"], a)
			}
			return s.renderFragment(c, fiber.StatusOK, "support_ticket", "resolve-solution", v)
		}
	}
}

// supportResolveRefill shows the workspace again with the resolve form
// filled (the Reprendre button, without script): the articles matching
// the search, and the chosen article's text added to the solution.
func (s *Pages) supportResolveRefill(c *fiber.Ctx, t *store.QueueTicket, values map[string]string) error {
	v, err := s.supportTicketView(c, t.Number)
	if err != nil {
		return err
	}
	f := &supportForm{Values: values}
	a, key := s.checkResolveArticle(c, t, values["article"])
	switch {
	case key != "":
		f.Error = s.i18n.T(v.Lang, key)
	case a != nil:
		values["solution"] = s.articleSolution(v.Lang, values["solution"], a)
	}
	v.forms[sactResolve] = f
	if v.Articles, err = s.supportArticles(c, t.AcademyCode, values["article_q"], values["article"]); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "support_ticket", v)
}
