package pages

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// kbShowView is an article page's view model.
type kbShowView struct {
	Page
	Article *store.Article
	// HTML is the article's body, rendered and sanitised.
	HTML    template.HTML
	CanEdit bool
	// Saved shows the confirmation after an edit (?enregistre=1).
	Saved bool
	// FromForm is set when the article was opened from the suggestions of
	// the new-incident form (?depuis=saisie): the page offers « Cet
	// article a résolu mon problème ».
	FromForm bool
	// Counts, for support, are the problems solved with and without a
	// ticket.
	Counts *store.SolvedCounts
}

// kbShow answers GET /base-de-connaissances/:id: one article, its Markdown
// rendered safely.
func (s *Pages) kbShow(c *fiber.Ctx) error {
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
	html, err := newMarkdown().render(a.Body)
	if err != nil {
		return err
	}
	view := kbShowView{Article: a, HTML: html, CanEdit: v.CanEditArticle(a), Saved: c.Query("enregistre") == "1"}
	if c.Query("depuis") == fromFormMarker && a.Published {
		view.FromForm = true
		if err := s.db.RecordSuggestionView(c.UserContext(), currentSession(c).ID, currentUser(c).ID, a.ID); err != nil {
			return err
		}
	}
	if view.CanEdit {
		counts, err := s.db.ArticleSolvedCounts(c.UserContext(), a.ID)
		if err != nil {
			return err
		}
		view.Counts = &counts
	}
	view.Page = s.page(c, a.Title)
	return s.render(c, fiber.StatusOK, "kb_show", &view)
}
