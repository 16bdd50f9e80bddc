package pages

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/intake"
	"guichet/store"
	"guichet/web/kit"
)

// The pages of this file are shown while the database is unavailable, so
// they never query it: they are built from the request alone.

// spooledView is the view model of the spooled submission's confirmation.
type spooledView struct {
	Page
	ID string
}

// spooledShow answers GET /depot/:id: the submission was received and will
// be stored shortly (intake.ErrSpooled). The page says nothing about the
// submission's content, so it needs no session.
func (s *Pages) spooledShow(c *fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	if !submissionIDRe.MatchString(id) {
		return &Error{Code: ENOTFOUND}
	}
	lang := s.lang(c)
	v := &spooledView{ID: id, Page: s.offlinePage(c, s.i18n.T(lang, "spool.received.title"))}
	return s.render(c, fiber.StatusAccepted, "submission_spooled", v)
}

// submissionIDRe matches intake's submission IDs.
var submissionIDRe = regexp.MustCompile(`^[0-9a-f]{16}-[0-9a-f]{16}$`)

// offlinePage is the layout's data built without the database: no side
// menu, no académie, no counters.
func (s *Pages) offlinePage(c *fiber.Ctx, title string) Page {
	return Page{Lang: s.lang(c), Title: title, User: currentUser(c), Path: c.OriginalURL()}
}

// redirectSpooled answers a form whose submission was spooled: to its
// confirmation page (Post/Redirect/Get, so reloading never submits twice).
func redirectSpooled(c *fiber.Ctx, id string) error {
	return c.Redirect("/depot/"+url.PathEscape(id), fiber.StatusSeeOther)
}

// keptField is one field of the kept-input page.
type keptField struct {
	Name, Label, Value string
	// Multiline shows a textarea.
	Multiline bool
}

// keptView is the view model of the page keeping a submission's input
// while the database is unavailable.
type keptView struct {
	Page
	Action string
	// Fields are shown, Hidden sent back as they came (choices made on the
	// full form: beneficiary, category, urgency…).
	Fields []keptField
	Hidden []keptField
	// FilesLost says files were sent with the request: they are not kept
	// and must be attached again.
	FilesLost bool
	// SendName and SendValue are the submit button's name and value.
	SendName, SendValue string
}

// addInfoPathRe matches the add-information form's path.
var addInfoPathRe = regexp.MustCompile(`^/incidents/[^/]+/informations$`)

// keepSubmissions wraps every later handler: when a submission (new
// incident, Prise d'appel, added information) fails because the database
// is unavailable — even before the session could be read — it answers 503
// with a page holding what was typed, ready to be sent again, instead of
// the error page that would lose it.
func (s *Pages) keepSubmissions(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil || c.Method() != fiber.MethodPost || !store.IsUnavailable(err) {
		return err
	}
	// Never reflect a cross-site post (CSRF was perhaps not checked yet).
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return err
	}
	lang := s.lang(c)
	p := c.Path()
	var v *keptView
	switch {
	case p == "/incidents/nouveau" || p == "/prise-appel":
		v = s.keptIncident(c, lang, p)
	case addInfoPathRe.MatchString(p):
		v = &keptView{Action: p, SendName: "", Fields: []keptField{
			{Name: "information", Label: s.i18n.T(lang, "addinfo.body"), Value: cleanText(c.FormValue("information")), Multiline: true},
		}, Hidden: keptDrafts(c)}
	default:
		return err
	}
	s.log.WarnContext(c.UserContext(), "database unavailable during a submission: input sent back to the browser",
		slog.String("request_id", kit.RequestID(c)), slog.String("path", p), slog.Any("error", err))
	if mf, ferr := c.MultipartForm(); ferr == nil {
		for _, fhs := range mf.File {
			for _, fh := range fhs {
				if fh.Size > 0 || fh.Filename != "" {
					v.FilesLost = true
				}
			}
		}
	}
	v.Page = s.offlinePage(c, s.i18n.T(lang, "spool.kept.title"))
	// The token the browser sent: the form sent again is checked as usual.
	v.CSRF = c.FormValue(csrfField)
	c.Set(fiber.HeaderRetryAfter, "30")
	s.securityHeaders(c)
	return s.render(c, fiber.StatusServiceUnavailable, "submission_kept", v)
}

// keptIncident builds the kept page of the new-incident and Prise d'appel
// forms from the posted values.
func (s *Pages) keptIncident(c *fiber.Ctx, lang, action string) *keptView {
	f := parseIncidentForm(c)
	label := func(key string) string { return s.i18n.T(lang, key) }
	v := &keptView{Action: action, SendName: "action", SendValue: "envoyer"}
	for _, fl := range []struct{ name, key, value string }{
		{"telephone", "spool.field.phone", f.Phone},
		{"autre_telephone", "spool.field.otherphone", f.OtherPhone},
		{"disponibilite", "spool.field.availability", f.Availability},
		{"service", "spool.field.service", f.Service},
		{"bureau", "spool.field.office", f.Office},
		{"materiel", "spool.field.equipment", f.Equipment},
		{"marque", "spool.field.brand", f.Brand},
		{"modele", "spool.field.model", f.Model},
		{"numero_serie", "spool.field.serial", f.Serial},
		{"maintenance", "spool.field.maintenance", f.Maintenance},
		{"emplacement", "spool.field.placement", f.Placement},
	} {
		v.Fields = append(v.Fields, keptField{Name: fl.name, Label: label(fl.key), Value: fl.value})
	}
	v.Fields = append(v.Fields, keptField{Name: "description", Label: label("spool.field.description"),
		Value: f.Description, Multiline: true})
	hidden := func(name string, n int64) {
		if n > 0 {
			v.Hidden = append(v.Hidden, keptField{Name: name, Value: fmt.Sprint(n)})
		}
	}
	hidden("beneficiaire", f.BeneficiaryID)
	hidden("categorie", f.CategoryID)
	hidden("actif", f.AssetID)
	hidden("urgence", int64(f.Urgency))
	if f.Private {
		v.Hidden = append(v.Hidden, keptField{Name: "prive", Value: "1"})
	}
	v.Hidden = append(v.Hidden, keptField{Name: "rempli", Value: "1"})
	v.Hidden = append(v.Hidden, keptDrafts(c)...)
	return v
}

// keptDrafts sends back the IDs of files kept server-side by an earlier
// try (they are in the database, tied to the session).
func keptDrafts(c *fiber.Ctx) []keptField {
	var out []keptField
	for _, id := range formInts(c, "brouillon") {
		out = append(out, keptField{Name: "brouillon", Value: fmt.Sprint(id)})
	}
	return out
}

// spooledID reports whether err is intake's spooled submission and its ID.
func spooledID(err error) (string, bool) { return intake.SpooledID(err) }
