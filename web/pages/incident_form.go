package pages

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// Limits of the new-incident form.
const (
	incidentFieldMax       = 200   // short text fields
	incidentDescriptionMax = 20000 // as the workflow's text limit
	defaultMaxFileBytes    = 10 << 20
)

// The form and its errors are the ticket logic's (web/tickets/incident.go),
// shared with the API's ticket creation.
type (
	incidentForm = tickets.IncidentForm
	formErrors   = tickets.FormErrors
)

// directoryResultsLimit bounds the directory search of the form.
const directoryResultsLimit = tickets.DirectoryResultsLimit

func cleanLine(s string) string     { return tickets.CleanLine(s) }
func cleanText(s string) string     { return tickets.CleanText(s) }
func cleanFilename(n string) string { return tickets.CleanFilename(n) }
func sniffType(data []byte) string  { return tickets.SniffType(data) }
func readUpload(h *multipart.FileHeader, limit int64) ([]byte, error) {
	return tickets.ReadUpload(h, limit)
}

// parseIncidentForm reads the form fields of the request.
func parseIncidentForm(c *fiber.Ctx) incidentForm {
	f := incidentForm{
		BeneficiaryID: formInt(c, "beneficiaire"),
		Phone:         cleanLine(c.FormValue("telephone")),
		OtherPhone:    cleanLine(c.FormValue("autre_telephone")),
		Availability:  cleanLine(c.FormValue("disponibilite")),
		Service:       cleanLine(c.FormValue("service")),
		Office:        cleanLine(c.FormValue("bureau")),
		CategoryID:    formInt(c, "categorie"),
		AssetID:       formInt(c, "actif"),
		Equipment:     cleanLine(c.FormValue("materiel")),
		Brand:         cleanLine(c.FormValue("marque")),
		Model:         cleanLine(c.FormValue("modele")),
		Serial:        cleanLine(c.FormValue("numero_serie")),
		Maintenance:   cleanLine(c.FormValue("maintenance")),
		Placement:     cleanLine(c.FormValue("emplacement")),
		Urgency:       int(formInt(c, "urgence")),
		Private:       c.FormValue("prive") == "1",
		Description:   cleanText(c.FormValue("description")),
		Search:        cleanLine(c.FormValue("recherche")),
		Filled:        c.FormValue("rempli") == "1",
	}
	f.Drafts = formInts(c, "brouillon")
	return f
}

// formInt reads a positive integer field (0 when absent or bad).
func formInt(c *fiber.Ctx, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// formInts reads every value of a repeated integer field (urlencoded or
// multipart).
func formInts(c *fiber.Ctx, name string) []int64 {
	var raw []string
	if mf, err := c.MultipartForm(); err == nil {
		raw = mf.Value[name]
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti(name) {
			raw = append(raw, string(v))
		}
	}
	var out []int64
	for _, v := range raw {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// maxFileBytes is the per-file upload limit.
func (s *Pages) maxFileBytes() int64 {
	if n := s.cfg.Tickets.MaxFileBytes; n > 0 {
		return min(n, s.maxUpload)
	}
	return min(int64(defaultMaxFileBytes), s.maxUpload)
}

// uploadResult is what collectUploads kept.
type uploadResult struct {
	// Drafts are every file now kept for the form (earlier ones still
	// ticked, then the new ones), without their bytes.
	Drafts []store.DraftUpload
}

// collectUploads keeps the files of a form: the drafts still ticked
// (brouillon) and the files sent now (field field), each checked against
// the per-file limit, all together against the per-ticket limit. Accepted
// new files are stored as drafts of the session so that a failed submit
// loses nothing. Refused files get an error on field.
func (s *Pages) collectUploads(c *fiber.Ctx, field string, kept []int64, errs *formErrors) (uploadResult, error) {
	var res uploadResult
	ctx := c.UserContext()
	sess, u := currentSession(c), currentUser(c)
	if sess == nil || u == nil {
		return res, Errorf(EUNAUTHORIZED, "")
	}
	lang := s.lang(c)
	drafts, err := s.db.DraftUploads(ctx, sess.ID, kept, false)
	if err != nil {
		return res, err
	}
	var total int64
	for _, d := range drafts {
		total += d.Size
	}
	var headers []*multipart.FileHeader
	mf, err := c.MultipartForm()
	switch {
	case err == nil:
		headers = mf.File[field]
	case errors.Is(err, fasthttp.ErrNoMultipartForm):
	default:
		return res, &Error{Code: EINVALID, Err: fmt.Errorf("web: multipart form: %w", err)}
	}
	maxFile, maxTotal := s.maxFileBytes(), s.maxUpload
	var fresh []store.DraftUpload
	var messages []string
	for _, h := range headers {
		name := cleanFilename(h.Filename)
		if name == "" && h.Size == 0 {
			continue // the empty file input of a browser
		}
		if h.Size > maxFile {
			messages = append(messages, s.i18n.T(lang, "incident.error.file.size", name, kit.FormatBytes(maxFile)))
			continue
		}
		if total+h.Size > maxTotal {
			messages = append(messages, s.i18n.T(lang, "incident.error.file.total", name, kit.FormatBytes(maxTotal)))
			continue
		}
		data, err := readUpload(h, maxFile)
		if err != nil {
			return res, fmt.Errorf("web: read upload %q: %w", name, err)
		}
		if len(data) == 0 {
			messages = append(messages, s.i18n.T(lang, "incident.error.file.empty", name))
			continue
		}
		total += int64(len(data))
		fresh = append(fresh, store.DraftUpload{Filename: name, ContentType: sniffType(data), Data: data})
	}
	if err := s.db.SaveDraftUploads(ctx, sess.ID, u.ID, fresh); err != nil {
		return res, err
	}
	for i := range fresh {
		fresh[i].Data = nil
	}
	res.Drafts = append(drafts, fresh...)
	if len(messages) > 0 {
		errs.Add(field, strings.Join(messages, " "))
	}
	return res, nil
}

// categoryGroup is an <optgroup> of the category picker.
type categoryGroup struct {
	Label   string
	Options []categoryOption
}

// categoryOption is a leaf category of the picker.
type categoryOption struct {
	ID       int64
	Name     string
	Selected bool
}

// categoryGroups groups the académie's leaf categories under their parent's
// path, for a grouped <select>.
func (s *Pages) categoryGroups(ctx context.Context, academy string, selected int64) ([]categoryGroup, map[int64]store.Category, error) {
	tree, err := s.db.CategoryTree(ctx, academy)
	if err != nil {
		return nil, nil, err
	}
	var groups []categoryGroup
	leaves := map[int64]store.Category{}
	index := map[string]int{}
	for _, n := range tree {
		if !n.Leaf {
			continue
		}
		leaves[n.ID] = n.Category
		label, name := "", n.Name
		if i := strings.LastIndex(n.Path, " › "); i >= 0 {
			label = n.Path[:i]
		}
		gi, ok := index[label]
		if !ok {
			gi = len(groups)
			index[label] = gi
			groups = append(groups, categoryGroup{Label: label})
		}
		groups[gi].Options = append(groups[gi].Options, categoryOption{ID: n.ID, Name: name, Selected: n.ID == selected})
	}
	return groups, leaves, nil
}

// urgencyOption is an entry of the urgency select.
type urgencyOption struct {
	Value    int
	Label    string
	Selected bool
}

// urgencyOptions lists the seed's three urgency levels.
func (s *Pages) urgencyOptions(lang string, selected int) []urgencyOption {
	var out []urgencyOption
	for _, v := range []int{workflows.LevelHigh, workflows.LevelMedium, workflows.LevelLow} {
		out = append(out, urgencyOption{Value: v, Label: s.i18n.T(lang, "urgency."+strconv.Itoa(v)), Selected: v == selected})
	}
	return out
}

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }
