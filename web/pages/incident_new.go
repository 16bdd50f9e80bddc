package pages

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/workflows"
)

// incidentView is the view model of the new-incident form (and of the
// technician's Prise d'appel, Caller true).
type incidentView struct {
	Page
	Caller bool
	// Action is where the form posts (/incidents/nouveau or /prise-appel).
	Action      string
	Form        incidentForm
	Requester   *store.Person
	Beneficiary *store.Person
	Assets      []store.Asset
	Categories  []categoryGroup
	Urgencies   []urgencyOption
	Drafts      []store.DraftUpload
	// Results of the directory search; Searched says a search ran.
	Results  []store.Person
	Searched bool
	Errors   *formErrors
	// Notice is a message for the whole form (e.g. creation unavailable).
	Notice    string
	MaxFile   string
	MaxTicket string
}

// DraftSize formats a kept file's size.
func (v *incidentView) DraftSize(d store.DraftUpload) string { return kit.FormatBytes(d.Size) }

// incidentNew answers GET /incidents/nouveau: the form, the identity card
// filled from the directory, the signed-in person as beneficiary.
func (s *Pages) incidentNew(c *fiber.Ctx) error {
	u := currentUser(c)
	f := incidentForm{BeneficiaryID: u.ID, Urgency: workflows.DefaultLevel}
	fillIdentity(&f, u)
	return s.renderIncident(c, fiber.StatusOK, false, f, &formErrors{}, nil)
}

// callNew answers GET /prise-appel: the same form for a technician who
// files a ticket for a caller, to be found in the directory first.
func (s *Pages) callNew(c *fiber.Ctx) error {
	f := incidentForm{Urgency: workflows.DefaultLevel}
	return s.renderIncident(c, fiber.StatusOK, true, f, &formErrors{}, nil)
}

// incidentCreate answers POST /incidents/nouveau.
func (s *Pages) incidentCreate(c *fiber.Ctx) error { return s.incidentPost(c, false) }

// callCreate answers POST /prise-appel.
func (s *Pages) callCreate(c *fiber.Ctx) error { return s.incidentPost(c, true) }

// fillIdentity puts a person's directory contact details in the form.
func fillIdentity(f *incidentForm, p *store.Person) {
	f.Phone, f.Service, f.Office = p.Phone, p.Service, p.Office
}

// incidentPost handles every button of the form: Rechercher (directory
// search), Choisir (a beneficiary), Remplir (an asset) and Envoyer. Files
// sent with any of them are kept as drafts.
func (s *Pages) incidentPost(c *fiber.Ctx, caller bool) error {
	ctx := c.UserContext()
	lang := s.lang(c)
	f := parseIncidentForm(c)
	errs := &formErrors{}
	up, err := s.collectUploads(c, "documents", f.Drafts, errs)
	if err != nil {
		return err
	}
	f.Drafts = draftIDs(up.Drafts)
	f.Filled = true

	action := c.FormValue("action")
	if id := formInt(c, "choisir"); id > 0 {
		action = "choisir"
		p, err := s.allowedBeneficiary(c, id, caller)
		if err != nil {
			return err
		}
		if p == nil {
			errs.Add("recherche", s.i18n.T(lang, "incident.error.beneficiary"))
		} else {
			f.BeneficiaryID = p.ID
			fillIdentity(&f, p)
			f.AssetID = 0
			f.Search = ""
		}
	}
	var results []store.Person
	searched := false
	switch action {
	case "rechercher":
		searched = true
		if f.Search == "" {
			errs.Add("recherche", s.i18n.T(lang, "incident.error.search.empty"))
		} else if results, err = s.db.SearchPeople(ctx, currentUser(c).AcademyCode, f.Search, directoryResultsLimit); err != nil {
			return err
		}
	case "materiel":
		if err := s.fillAsset(c, &f); err != nil {
			return err
		}
	}
	if action == "rechercher" || action == "choisir" || action == "materiel" {
		return s.renderIncidentWith(c, fiber.StatusOK, caller, f, errs, nil, func(v *incidentView) {
			v.Results, v.Searched = results, searched
		})
	}

	// Envoyer: validate everything, then submit.
	ben, leaf, err := s.validateIncident(c, caller, &f, errs)
	if err != nil {
		return err
	}
	if errs.Any() {
		return s.renderIncident(c, fiber.StatusUnprocessableEntity, caller, f, errs, nil)
	}
	if s.intake == nil {
		return s.renderIncident(c, fiber.StatusServiceUnavailable, caller, f, errs, func(v *incidentView) {
			v.Notice = s.i18n.T(lang, "incident.error.unavailable")
		})
	}
	sess := currentSession(c)
	drafts, err := s.db.DraftUploads(ctx, sess.ID, f.Drafts, true)
	if err != nil {
		return err
	}
	files := make([]store.Attachment, len(drafts))
	for i, d := range drafts {
		files[i] = d.Attachment()
	}
	filer := currentUser(c).ID
	requester := filer
	if caller {
		requester = ben.ID
	}
	t := f.Ticket(requester, ben, leaf)
	if caller {
		t.FiledByID = &filer // the created event names the technician (store.CreateTicket)
	}
	number, err := s.intake.Submit(ctx, t, files)
	if id, ok := spooledID(err); ok {
		return redirectSpooled(c, id)
	}
	if err != nil {
		return fmt.Errorf("web: submit incident: %w", err)
	}
	if err := s.db.DeleteDraftUploads(ctx, sess.ID, f.Drafts); err != nil {
		s.log.WarnContext(ctx, "delete draft uploads", "ticket", number, "error", err)
	}
	return c.Redirect("/incidents/"+url.PathEscape(number)+"/confirmation", fiber.StatusSeeOther)
}

// validateIncident checks the form; field errors go to errs. It returns the
// beneficiary and the chosen leaf category when they are valid.
func (s *Pages) validateIncident(c *fiber.Ctx, caller bool, f *incidentForm, errs *formErrors) (*store.Person, store.Category, error) {
	lang := s.lang(c)
	var leaf store.Category
	var ben *store.Person
	if f.BeneficiaryID == 0 {
		key := "incident.error.beneficiary"
		if caller {
			key = "incident.error.caller"
		}
		errs.Add("recherche", s.i18n.T(lang, key))
	} else {
		p, err := s.allowedBeneficiary(c, f.BeneficiaryID, caller)
		if err != nil {
			return nil, leaf, err
		}
		if p == nil {
			errs.Add("recherche", s.i18n.T(lang, "incident.error.beneficiary"))
		}
		ben = p
	}
	for _, fl := range []struct{ id, value string }{
		{"telephone", f.Phone}, {"autre_telephone", f.OtherPhone}, {"disponibilite", f.Availability},
		{"service", f.Service}, {"bureau", f.Office},
	} {
		if tooLong(fl.value, incidentFieldMax) {
			errs.Add(fl.id, s.i18n.T(lang, "incident.error.toolong", incidentFieldMax))
		}
	}
	academy := currentUser(c).AcademyCode
	if ben != nil {
		academy = ben.AcademyCode
	}
	_, leaves, err := s.categoryGroups(c.UserContext(), academy, f.CategoryID)
	if err != nil {
		return nil, leaf, err
	}
	if l, ok := leaves[f.CategoryID]; ok {
		leaf = l
	} else {
		errs.Add("categorie", s.i18n.T(lang, "incident.error.category"))
	}
	for _, fl := range []struct{ id, value string }{
		{"materiel", f.Equipment}, {"marque", f.Brand}, {"modele", f.Model},
		{"numero_serie", f.Serial}, {"maintenance", f.Maintenance}, {"emplacement", f.Placement},
	} {
		if tooLong(fl.value, incidentFieldMax) {
			errs.Add(fl.id, s.i18n.T(lang, "incident.error.toolong", incidentFieldMax))
		}
	}
	if f.Urgency < workflows.LevelHigh || f.Urgency > workflows.LevelLow {
		errs.Add("urgence", s.i18n.T(lang, "incident.error.urgency"))
	}
	switch {
	case f.Description == "":
		errs.Add("description", s.i18n.T(lang, "incident.error.description"))
	case tooLong(f.Description, incidentDescriptionMax):
		errs.Add("description", s.i18n.T(lang, "incident.error.toolong", incidentDescriptionMax))
	}
	// The documents' errors (collectUploads) come last, in form order.
	if msg := errs.For("documents"); msg != "" {
		moveLast(errs, "documents")
	}
	return ben, leaf, nil
}

// moveLast moves field id's error to the end of the list.
func moveLast(errs *formErrors, id string) { errs.MoveLast(id) }

// allowedBeneficiary returns person id if the signed-in person may file a
// ticket for them (an enabled directory entry of an académie where they
// may create tickets, or take calls for a caller); nil otherwise.
func (s *Pages) allowedBeneficiary(c *fiber.Ctx, id int64, caller bool) (*store.Person, error) {
	p, err := s.db.GetPerson(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p.Disabled {
		return nil, nil
	}
	perm := PermTicketCreate
	if caller {
		perm = PermCallIntake
	}
	ok, err := s.can(c, perm, p.AcademyCode)
	if err != nil || !ok {
		return nil, err
	}
	return p, nil
}

// fillAsset copies the chosen asset of the beneficiary into the equipment
// fields.
func (s *Pages) fillAsset(c *fiber.Ctx, f *incidentForm) error {
	if f.AssetID == 0 || f.BeneficiaryID == 0 {
		return nil
	}
	assets, err := s.db.AssetsOf(c.UserContext(), f.BeneficiaryID)
	if err != nil {
		return err
	}
	for _, a := range assets {
		if a.ID == f.AssetID {
			f.Equipment, f.Brand, f.Model, f.Serial, f.Maintenance, f.Placement =
				a.Kind, a.Brand, a.Model, a.Serial, a.Maintenance, a.Placement
		}
	}
	return nil
}

// draftIDs returns the IDs of drafts.
func draftIDs(ds []store.DraftUpload) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// renderIncident renders the form.
func (s *Pages) renderIncident(c *fiber.Ctx, status int, caller bool, f incidentForm, errs *formErrors, adjust func(*incidentView)) error {
	return s.renderIncidentWith(c, status, caller, f, errs, nil, adjust)
}

// renderIncidentWith builds the form's view model from f and renders it
// (the whole page, or the equipment fields / directory results alone for
// htmx, see block).
func (s *Pages) renderIncidentWith(c *fiber.Ctx, status int, caller bool, f incidentForm, errs *formErrors, drafts []store.DraftUpload, adjust func(*incidentView)) error {
	v, err := s.incidentViewOf(c, caller, f, errs, drafts)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(v)
	}
	return s.render(c, status, "incident_new", v)
}

// incidentViewOf loads what the form shows around f.
func (s *Pages) incidentViewOf(c *fiber.Ctx, caller bool, f incidentForm, errs *formErrors, drafts []store.DraftUpload) (*incidentView, error) {
	ctx := c.UserContext()
	lang := s.lang(c)
	u := currentUser(c)
	v := &incidentView{Caller: caller, Form: f, Requester: u, Errors: errs,
		Urgencies: s.urgencyOptions(lang, f.Urgency),
		MaxFile:   kit.FormatBytes(s.maxFileBytes()), MaxTicket: kit.FormatBytes(s.maxUpload)}
	v.Action = "/incidents/nouveau"
	title := "incident.title"
	if caller {
		v.Action, title = "/prise-appel", "call.title"
	}
	academy := u.AcademyCode
	if f.BeneficiaryID != 0 {
		if p, err := s.allowedBeneficiary(c, f.BeneficiaryID, caller); err != nil {
			return nil, err
		} else if p != nil {
			v.Beneficiary = p
			academy = p.AcademyCode
			if v.Assets, err = s.db.AssetsOf(ctx, p.ID); err != nil {
				return nil, err
			}
		}
	}
	groups, _, err := s.categoryGroups(ctx, academy, f.CategoryID)
	if err != nil {
		return nil, err
	}
	v.Categories = groups
	if drafts == nil && len(f.Drafts) > 0 {
		if sess := currentSession(c); sess != nil {
			if drafts, err = s.db.DraftUploads(ctx, sess.ID, f.Drafts, false); err != nil {
				return nil, err
			}
		}
	}
	v.Drafts = drafts
	v.Page = s.page(c, s.i18n.T(lang, title))
	if errs.Any() {
		v.Page.Title = s.i18n.T(lang, "form.error.title.prefix") + v.Page.Title
	}
	return v, nil
}

// directorySearch answers GET /annuaire/recherche (htmx): the people of the
// signed-in person's académie whose name starts with the words typed, as the
// results table of the form (each with a Choisir button of the form).
func (s *Pages) directorySearch(c *fiber.Ctx) error {
	q := cleanLine(c.Query("recherche"))
	var results []store.Person
	if q != "" {
		var err error
		if results, err = s.db.SearchPeople(c.UserContext(), currentUser(c).AcademyCode, q, directoryResultsLimit); err != nil {
			return err
		}
	}
	v := &incidentView{Results: results, Searched: q != "", Form: incidentForm{Search: q}, Errors: &formErrors{}}
	v.Page = s.page(c, "")
	return s.renderFragment(c, fiber.StatusOK, "incident_new", "directory-results", v)
}

// incidentAsset answers GET /incidents/nouveau/materiel (htmx): the
// equipment fields filled from the chosen asset of the beneficiary.
func (s *Pages) incidentAsset(c *fiber.Ctx) error {
	f := incidentForm{BeneficiaryID: formQueryInt(c, "beneficiaire"), AssetID: formQueryInt(c, "actif")}
	if f.BeneficiaryID != 0 {
		p, err := s.allowedBeneficiary(c, f.BeneficiaryID, c.Query("appel") == "1")
		if err != nil {
			return err
		}
		if p == nil {
			return &Error{Code: ENOTFOUND}
		}
	}
	if err := s.fillAsset(c, &f); err != nil {
		return err
	}
	v := &incidentView{Form: f, Errors: &formErrors{}}
	return s.renderFragment(c, fiber.StatusOK, "incident_new", "equipment-fields", v)
}

// formQueryInt reads a positive integer query parameter.
func formQueryInt(c *fiber.Ctx, name string) int64 {
	n := int64(c.QueryInt(name, 0))
	return max(n, 0)
}

// createdView is the confirmation page's view model.
type createdView struct {
	Page
	Number string
}

// incidentCreated answers GET /incidents/:number/confirmation: the seed's
// sentence with the number and a link to the ticket.
func (s *Pages) incidentCreated(c *fiber.Ctx) error {
	t, _, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return err
	}
	v := &createdView{Number: t.Number}
	v.Page = s.page(c, s.i18n.T(s.lang(c), "created.title"))
	return s.render(c, fiber.StatusOK, "incident_created", v)
}

// personName is "NOM, Prénom" as the seed shows people.
func personName(p *store.Person) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(strings.ToUpper(p.LastName) + ", " + p.FirstName)
}

// textField is one text input of the form, for the "text-field" template.
type textField struct {
	ID, Label, Value, Hint, Type, Error string
}

// Field builds a text input: its id (also its name), label, value, hint
// and input type; its error comes from the form's errors.
func (v *incidentView) Field(id, label, value, hint, typ string) textField {
	return textField{ID: id, Label: label, Value: value, Hint: hint, Type: typ, Error: v.Errors.For(id)}
}

// Name shows a person as the seed does: "NOM, Prénom".
func (v *incidentView) Name(p *store.Person) string { return personName(p) }
