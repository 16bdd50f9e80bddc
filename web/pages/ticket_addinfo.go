package pages

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// addInfoFields names the add-info form's fields after the contract's.
func addInfoFields() map[string]string { return map[string]string{workflows.FieldBody: "information"} }

// addInfoView is the view model of Mise à jour de l'incident.
type addInfoView struct {
	Page
	Ticket *store.Ticket
	Body   string
	Drafts []store.DraftUpload
	Errors *formErrors
	// Refusal is the French message of an action the workflow refused (or
	// could not take), shown above the form.
	Refusal   string
	MaxFile   string
	MaxTicket string
}

// DraftSize formats a kept file's size.
func (v *addInfoView) DraftSize(d store.DraftUpload) string { return kit.FormatBytes(d.Size) }

// addInfoShow answers GET /incidents/:number/informations.
func (s *Pages) addInfoShow(c *fiber.Ctx) error {
	t, _, err := s.partyTicket(c, PermTicketAddInfo)
	if err != nil {
		return err
	}
	return s.renderAddInfo(c, fiber.StatusOK, t, "", nil, &formErrors{}, "")
}

// addInfoSubmit answers POST /incidents/:number/informations: the text and
// documents go to the workflow's add-info Update. Refusals come back on the
// form with what was typed and the files kept.
func (s *Pages) addInfoSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	t, _, err := s.partyTicket(c, PermTicketAddInfo)
	if err != nil {
		return err
	}
	body := cleanText(c.FormValue("information"))
	errs := &formErrors{}
	up, err := s.collectUploads(c, "documents", formInts(c, "brouillon"), errs)
	if err != nil {
		return err
	}
	// The drafts stand for the documents the Update will carry.
	s.addFieldRefusals(lang, errs, workflows.AddInfoInput{Body: body, AttachmentIDs: draftIDs(up.Drafts)}, addInfoFields())
	moveLast(errs, "documents")
	if errs.Any() {
		return s.renderAddInfo(c, fiber.StatusUnprocessableEntity, t, body, up.Drafts, errs, "")
	}
	sess := currentSession(c)
	ids := draftIDs(up.Drafts)
	drafts, err := s.db.DraftUploads(ctx, sess.ID, ids, true)
	if err != nil {
		return err
	}
	files := make([]store.Attachment, len(drafts))
	for i, d := range drafts {
		files[i] = d.Attachment()
	}
	// The documents are stored first (the Update carries their IDs); they
	// show on the ticket only once the workflow has linked them to its event.
	if err := s.db.AddAttachments(ctx, t.Number, files); err != nil {
		return err
	}
	attIDs := make([]int64, len(files))
	for i, f := range files {
		attIDs[i] = f.ID
	}
	_, err = s.updateTicket(c, t, workflows.UpdateAddInfo, func(a workflows.Actor) any {
		return workflows.AddInfoInput{Actor: a, Body: body, AttachmentIDs: attIDs}
	})
	var ae *tickets.ActionError
	if errors.As(err, &ae) {
		return s.renderAddInfo(c, fiber.StatusUnprocessableEntity, t, body, up.Drafts, errs, placeRefusal(errs, ae, addInfoFields()))
	}
	if err != nil {
		return err
	}
	if err := s.db.DeleteDraftUploads(ctx, sess.ID, ids); err != nil {
		s.log.WarnContext(ctx, "delete draft uploads", "ticket", t.Number, "error", err)
	}
	return c.Redirect("/incidents/"+url.PathEscape(t.Number)+"?information=1", fiber.StatusSeeOther)
}

// renderAddInfo renders the Mise à jour form.
func (s *Pages) renderAddInfo(c *fiber.Ctx, status int, t *store.Ticket, body string, drafts []store.DraftUpload, errs *formErrors, refusal string) error {
	lang := s.lang(c)
	v := &addInfoView{Ticket: t, Body: body, Drafts: drafts, Errors: errs, Refusal: refusal,
		MaxFile: kit.FormatBytes(s.maxFileBytes()), MaxTicket: kit.FormatBytes(s.maxUpload)}
	v.Page = s.page(c, s.i18n.T(lang, "addinfo.page", t.Number))
	if errs.Any() || refusal != "" {
		v.Page.Title = s.i18n.T(lang, "form.error.title.prefix") + v.Page.Title
	}
	return s.render(c, status, "ticket_addinfo", v)
}

// partyTicket loads the ticket of the route for an action of its requester
// or beneficiary: hidden tickets are not found; the permission perm is
// checked in the ticket's académie. Whether this person may act on it is
// the workflow's call (its refusal is shown on the form).
func (s *Pages) partyTicket(c *fiber.Ctx, perm Permission) (*store.Ticket, store.Viewer, error) {
	t, v, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return nil, v, err
	}
	ok, err := s.can(c, perm, t.AcademyCode)
	if err != nil {
		return nil, v, err
	}
	if !ok && !v.IsParty(t) {
		return nil, v, &Error{Code: EFORBIDDEN}
	}
	return t, v, nil
}
