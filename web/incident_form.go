package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"guichet/store"
	"guichet/web/kit"
	"guichet/workflows"
)

// Limits of the new-incident form.
const (
	incidentFieldMax       = 200   // short text fields
	incidentDescriptionMax = 20000 // as the workflow's text limit
	defaultMaxFileBytes    = 10 << 20
	directoryResultsLimit  = 30
)

// incidentForm holds what the new-incident form carries. Every typed value
// comes back on a re-render (validation failure, directory search, choice of
// a beneficiary or of an asset).
type incidentForm struct {
	BeneficiaryID int64
	Phone         string
	OtherPhone    string
	Availability  string
	Service       string
	Office        string
	CategoryID    int64
	AssetID       int64
	Equipment     string
	Brand         string
	Model         string
	Serial        string
	Maintenance   string
	Placement     string
	Urgency       int
	Private       bool
	Description   string
	// Search is the words of the directory search (tierce personne).
	Search string
	// Drafts are the files uploaded with an earlier try, kept server-side.
	Drafts []int64
	// Filled is set once the form has been shown: the identity fields then
	// hold what the person typed, not the directory's values.
	Filled bool
}

// fieldError is one error of a form, for the summary at the top.
type fieldError struct {
	ID      string // the id of the field in error (the summary links to it)
	Message string
}

// formErrors collects a form's errors by field id, in order.
type formErrors struct {
	list []fieldError
}

func (e *formErrors) add(id, msg string) { e.list = append(e.list, fieldError{ID: id, Message: msg}) }

// For returns the message of field id ("" when fine).
func (e *formErrors) For(id string) string {
	for _, f := range e.list {
		if f.ID == id {
			return f.Message
		}
	}
	return ""
}

// List returns every error, in form order.
func (e *formErrors) List() []fieldError { return e.list }

// Any reports whether there is an error.
func (e *formErrors) Any() bool { return len(e.list) > 0 }

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

// cleanLine trims a one-line field and drops control characters.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// cleanText normalises a multi-line field: CRLF to LF, no other control
// character but tabs, trimmed.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// maxFileBytes is the per-file upload limit.
func (s *Server) maxFileBytes() int64 {
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
func (s *Server) collectUploads(c *fiber.Ctx, field string, kept []int64, errs *formErrors) (uploadResult, error) {
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
		errs.add(field, strings.Join(messages, " "))
	}
	return res, nil
}

// readUpload reads an uploaded file, never more than limit bytes.
func readUpload(h *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := h.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}

// sniffType returns the content type of data from its bytes (never from
// the browser's claim).
func sniffType(data []byte) string {
	return http.DetectContentType(data)
}

// cleanFilename keeps the base name of an upload, without control
// characters or quotes, at most 150 characters.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		name = ""
	}
	for utf8.RuneCountInString(name) > 150 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return "document"
	}
	return name
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
func (s *Server) categoryGroups(ctx context.Context, academy string, selected int64) ([]categoryGroup, map[int64]store.Category, error) {
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
func (s *Server) urgencyOptions(lang string, selected int) []urgencyOption {
	var out []urgencyOption
	for _, v := range []int{workflows.LevelHigh, workflows.LevelMedium, workflows.LevelLow} {
		out = append(out, urgencyOption{Value: v, Label: s.i18n.T(lang, "urgency."+strconv.Itoa(v)), Selected: v == selected})
	}
	return out
}

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// ticket builds the submission of a validated form: the identity card
// comes from the beneficiary's directory entry, the rest as typed. Support
// sets the impact later; until then it is the default, low.
func (f *incidentForm) ticket(requesterID int64, ben *store.Person, leaf store.Category) *store.Ticket {
	return &store.Ticket{
		AcademyCode: ben.AcademyCode, RequesterID: requesterID, BeneficiaryID: ben.ID,
		Location: ben.Location, Entity: ben.Entity,
		Phone: f.Phone, OtherPhone: f.OtherPhone, Availability: f.Availability,
		Service: f.Service, Office: f.Office,
		CategoryID: leaf.ID, CategoryPath: leaf.Path,
		Equipment: f.Equipment, Brand: f.Brand, Model: f.Model, Serial: f.Serial,
		Maintenance: f.Maintenance, Placement: f.Placement,
		Urgency: f.Urgency, Impact: workflows.DefaultLevel,
		Priority: workflows.Priority(f.Urgency, workflows.DefaultLevel),
		Private:  f.Private, Description: f.Description,
		CreatedAt: time.Now(),
	}
}
