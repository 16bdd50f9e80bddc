package pages

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// kbSuggestionLimit is how many articles the new-incident form suggests.
const kbSuggestionLimit = 5

// kbSuggestionsView is the suggestions fragment's view model.
type kbSuggestionsView struct {
	Page
	Articles []store.ArticleHit
}

// kbSuggestions answers GET /base-de-connaissances/suggestions?q=… (or the
// form's sujet and description fields, and categorie: the ID of the
// subject chosen on the new-incident form, whose name joins the words): an
// htmx fragment with the few published articles closest to the text being
// typed (any word matches, the last one as a prefix), or nothing.
// templates/incident_new.html asks for it into #suggestions-kb (hx-get with
// hx-include="#description, #categorie", on keyup of the description and
// change of the subject).
func (s *Pages) kbSuggestions(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	q := c.Query("q")
	if strings.TrimSpace(q) == "" {
		q = c.Query("sujet") + " " + c.Query("description")
	}
	view := kbSuggestionsView{}
	if len(q) > 2000 {
		q = q[len(q)-2000:] // the end of a long description: what is being typed
	}
	if id, err := strconv.ParseInt(c.Query("categorie"), 10, 64); err == nil && id > 0 {
		// The subject picked in the form: its name (the leaf of the tree)
		// is one more word, if it is a category of an académie the person
		// belongs to or supports.
		if cat, err := s.db.GetCategory(c.UserContext(), id); err == nil &&
			(cat.AcademyCode == v.AcademyCode || v.IsSupport(cat.AcademyCode)) {
			q = cat.Name + " " + q
		}
	}
	hits, _, err := s.db.SearchArticles(c.UserContext(), v, store.ArticleSearch{Query: q, Any: true, Limit: kbSuggestionLimit})
	if err != nil {
		return err
	}
	for _, h := range hits {
		// Requesters are pointed to published articles only, even when
		// support types a ticket.
		if h.Published {
			view.Articles = append(view.Articles, h)
		}
	}
	return s.renderFragment(c, fiber.StatusOK, "kb_suggestions", "suggestions", &view)
}
