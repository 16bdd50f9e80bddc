package pages

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// kbTitleMax is the longest article title accepted, in characters.
const kbTitleMax = 200

// ticketNumberRE matches a ticket number (I131101_0001).
var ticketNumberRE = regexp.MustCompile(`^[Ii]\d{6}_\d{4,}$`)

// kbForm is the article form as typed.
type kbForm struct {
	Title      string
	Body       string
	CategoryID int64
	Shared     bool
	Published  bool
	// Source is the number of the ticket the article comes from.
	Source string
}

// kbFormView is the article form's view model (new and edit).
type kbFormView struct {
	Page
	// ArticleID is 0 for a new article.
	ArticleID  int64
	Form       kbForm
	Categories []store.Category
	Errors     formErrors
	// Ticket is the number typed in the "from an incident" box.
	Ticket string
	// Prefilled names the ticket the form was just filled from.
	Prefilled string
}

// Action is where the form posts.
func (v *kbFormView) Action() string {
	if v.ArticleID == 0 {
		return "/base-de-connaissances"
	}
	return "/base-de-connaissances/" + strconv.FormatInt(v.ArticleID, 10)
}

// kbAcademy is the académie a new article of the signed-in person belongs
// to: their home académie if they are its support, else the first one they
// support.
func kbAcademy(u *store.Person, v store.Viewer) (string, bool) {
	if v.IsSupport(u.AcademyCode) {
		return u.AcademyCode, true
	}
	if len(v.SupportIn) > 0 {
		return v.SupportIn[0], true
	}
	return "", false
}

// renderKBForm shows the article form for académie academy.
func (s *Pages) renderKBForm(c *fiber.Ctx, status int, academy string, view *kbFormView) error {
	cats, err := s.db.Leaves(c.UserContext(), academy)
	if err != nil {
		return err
	}
	view.Categories = cats
	lang := s.lang(c)
	title := s.i18n.T(lang, "kb.form.new")
	if view.ArticleID != 0 {
		title = s.i18n.T(lang, "kb.form.edit")
	}
	if view.Errors.Any() {
		title = s.i18n.T(lang, "form.error.title.prefix") + title
	}
	view.Page = s.page(c, title)
	return s.render(c, status, "kb_form", view)
}

// kbNew answers GET /base-de-connaissances/nouvel-article: an empty form,
// published for the académie by default.
func (s *Pages) kbNew(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	academy, ok := kbAcademy(currentUser(c), v)
	if !ok {
		return Errorf(EFORBIDDEN, "")
	}
	return s.renderKBForm(c, fiber.StatusOK, academy, &kbFormView{Form: kbForm{Published: true}})
}

// kbFromTicket answers POST /base-de-connaissances/depuis-incident
// (field incident): the article form prefilled with a resolved ticket's
// category, problem and solution, to review and save.
func (s *Pages) kbFromTicket(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	academy, ok := kbAcademy(currentUser(c), v)
	if !ok {
		return Errorf(EFORBIDDEN, "")
	}
	lang := s.lang(c)
	number := strings.ToUpper(strings.TrimSpace(c.FormValue("incident")))
	view := &kbFormView{Form: kbForm{Published: true}, Ticket: number}
	t, err := s.sourceTicket(c, v, number)
	if err == nil && strings.TrimSpace(t.Solution) == "" {
		view.Errors.Add("incident", s.i18n.T(lang, "kb.err.unsolved", number))
		return s.renderKBForm(c, fiber.StatusUnprocessableEntity, academy, view)
	}
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != ENOTFOUND {
			return err
		}
		view.Errors.Add("incident", s.i18n.T(lang, "kb.err.ticket", number))
		return s.renderKBForm(c, fiber.StatusUnprocessableEntity, academy, view)
	}
	leaf := t.CategoryPath
	if i := strings.LastIndex(leaf, store.PathSeparator); i >= 0 {
		leaf = leaf[i+len(store.PathSeparator):]
	}
	summary := strings.TrimSpace(strings.SplitN(strings.TrimSpace(t.Description), "\n", 2)[0])
	if utf8.RuneCountInString(summary) > 120 {
		summary = string([]rune(summary)[:120]) + "…"
	}
	view.Form = kbForm{
		Title:      strings.TrimSpace(leaf + " : " + summary),
		Body:       s.i18n.T(lang, "kb.fromticket.body", strings.TrimSpace(t.Description), strings.TrimSpace(t.Solution)),
		CategoryID: t.CategoryID,
		Published:  true,
		Source:     t.Number,
	}
	if t.AcademyCode != academy {
		view.Form.CategoryID = 0 // another académie's tree
	}
	view.Prefilled = t.Number
	return s.renderKBForm(c, fiber.StatusOK, academy, view)
}

// sourceTicket returns the ticket an article may be written from: a ticket
// the person sees and supports. Anything else is ENOTFOUND.
func (s *Pages) sourceTicket(c *fiber.Ctx, v store.Viewer, number string) (*store.Ticket, error) {
	if !ticketNumberRE.MatchString(number) {
		return nil, Errorf(ENOTFOUND, "")
	}
	t, err := s.db.VisibleTicket(c.UserContext(), v, number)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !v.IsSupport(t.AcademyCode)) {
		return nil, &Error{Code: ENOTFOUND, Err: err}
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// parseKBForm reads and checks the article form; the errors are keyed by
// field id.
func (s *Pages) parseKBForm(c *fiber.Ctx, v store.Viewer, academy string) (kbForm, *store.Category, formErrors, error) {
	lang := s.lang(c)
	f := kbForm{
		Title:     strings.TrimSpace(c.FormValue("titre")),
		Body:      strings.TrimSpace(strings.ReplaceAll(c.FormValue("corps"), "\r\n", "\n")),
		Shared:    c.FormValue("mutualise") == "1",
		Published: c.FormValue("publie") == "1",
		Source:    strings.ToUpper(strings.TrimSpace(c.FormValue("incident_source"))),
	}
	var errs formErrors
	switch {
	case f.Title == "":
		errs.Add("titre", s.i18n.T(lang, "kb.err.title"))
	case utf8.RuneCountInString(f.Title) > kbTitleMax:
		errs.Add("titre", s.i18n.T(lang, "kb.err.title.long"))
	}
	if f.Body == "" {
		errs.Add("corps", s.i18n.T(lang, "kb.err.body"))
	}
	var cat *store.Category
	if raw := c.FormValue("categorie"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err == nil {
			f.CategoryID = id
			cat, err = s.db.GetCategory(c.UserContext(), id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return f, nil, errs, err
			}
		}
		if cat == nil || cat.AcademyCode != academy {
			cat = nil
			errs.Add("categorie", s.i18n.T(lang, "kb.err.category"))
		}
	}
	if f.Source != "" {
		if _, err := s.sourceTicket(c, v, f.Source); err != nil {
			var ae *Error
			if !errors.As(err, &ae) || ae.Code != ENOTFOUND {
				return f, nil, errs, err
			}
			f.Source = "" // not a ticket this person may cite: dropped
		}
	}
	return f, cat, errs, nil
}

// apply copies the form onto an article.
func (f kbForm) apply(a *store.Article, cat *store.Category) {
	a.Title, a.Body, a.Shared, a.Published = f.Title, f.Body, f.Shared, f.Published
	a.CategoryID, a.CategoryPath = nil, ""
	if cat != nil {
		id := cat.ID
		a.CategoryID, a.CategoryPath = &id, cat.Path
	}
}

// kbCreate answers POST /base-de-connaissances: a new article of the
// person's académie; the form comes back with the messages if invalid.
func (s *Pages) kbCreate(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	academy, ok := kbAcademy(u, v)
	if !ok {
		return Errorf(EFORBIDDEN, "")
	}
	f, cat, errs, err := s.parseKBForm(c, v, academy)
	if err != nil {
		return err
	}
	if errs.Any() {
		return s.renderKBForm(c, fiber.StatusUnprocessableEntity, academy, &kbFormView{Form: f, Errors: errs})
	}
	author := u.ID
	a := &store.Article{AcademyCode: academy, AuthorID: &author, SourceTicket: f.Source}
	f.apply(a, cat)
	if err := s.db.CreateArticle(c.UserContext(), a); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/base-de-connaissances/%d?enregistre=1", a.ID), fiber.StatusSeeOther)
}

// editableArticle loads article :id for its académie's support; others
// get a 404 (or a 403 when they may read it).
func (s *Pages) editableArticle(c *fiber.Ctx) (*store.Article, store.Viewer, error) {
	v, err := s.viewer(c)
	if err != nil {
		return nil, v, err
	}
	id, err := c.ParamsInt("id")
	if err != nil {
		return nil, v, Errorf(ENOTFOUND, "")
	}
	a, err := s.db.VisibleArticle(c.UserContext(), v, int64(id))
	if err != nil {
		return nil, v, err
	}
	if !v.CanEditArticle(a) {
		return nil, v, Errorf(EFORBIDDEN, "")
	}
	return a, v, nil
}

// kbEdit answers GET /base-de-connaissances/:id/modifier.
func (s *Pages) kbEdit(c *fiber.Ctx) error {
	a, _, err := s.editableArticle(c)
	if err != nil {
		return err
	}
	f := kbForm{Title: a.Title, Body: a.Body, Shared: a.Shared, Published: a.Published, Source: a.SourceTicket}
	if a.CategoryID != nil {
		f.CategoryID = *a.CategoryID
	}
	return s.renderKBForm(c, fiber.StatusOK, a.AcademyCode, &kbFormView{ArticleID: a.ID, Form: f})
}

// kbUpdate answers POST /base-de-connaissances/:id: saves an edit.
func (s *Pages) kbUpdate(c *fiber.Ctx) error {
	a, v, err := s.editableArticle(c)
	if err != nil {
		return err
	}
	f, cat, errs, err := s.parseKBForm(c, v, a.AcademyCode)
	if err != nil {
		return err
	}
	f.Source = a.SourceTicket // kept as written
	if errs.Any() {
		return s.renderKBForm(c, fiber.StatusUnprocessableEntity, a.AcademyCode, &kbFormView{ArticleID: a.ID, Form: f, Errors: errs})
	}
	f.apply(a, cat)
	if err := s.db.UpdateArticle(c.UserContext(), a); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/base-de-connaissances/%d?enregistre=1", a.ID), fiber.StatusSeeOther)
}
