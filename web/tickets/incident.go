package tickets

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"guichet/store"
	"guichet/workflows"
)

// The new-incident form as the pages (web/incident_*.go) and the API's
// ticket creation (web/api/tickets.go) share it: what it carries, its
// errors, the cleaning of typed values and of uploads, and the ticket it
// submits. Its checks (web.Server.validateIncident) stay with the form.

// DirectoryResultsLimit bounds a directory search (the form's and the
// API's).
const DirectoryResultsLimit = 30

// IncidentForm holds what the new-incident form carries. Every typed value
// comes back on a re-render (validation failure, directory search, choice of
// a beneficiary or of an asset).
type IncidentForm struct {
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

// FieldError is one error of a form, for the summary at the top.
type FieldError struct {
	ID      string // the id of the field in error (the summary links to it)
	Message string
}

// FormErrors collects a form's errors by field id, in order.
type FormErrors struct {
	list []FieldError
}

// Add records the message msg of field id.
func (e *FormErrors) Add(id, msg string) { e.list = append(e.list, FieldError{ID: id, Message: msg}) }

// For returns the message of field id ("" when fine).
func (e *FormErrors) For(id string) string {
	for _, f := range e.list {
		if f.ID == id {
			return f.Message
		}
	}
	return ""
}

// List returns every error, in form order.
func (e *FormErrors) List() []FieldError { return e.list }

// Any reports whether there is an error.
func (e *FormErrors) Any() bool { return len(e.list) > 0 }

// MoveLast moves field id's error to the end of the list.
func (e *FormErrors) MoveLast(id string) {
	for i, fe := range e.list {
		if fe.ID == id {
			e.list = append(append(e.list[:i:i], e.list[i+1:]...), fe)
			return
		}
	}
}

// Ticket builds the submission of a validated form: the identity card
// comes from the beneficiary's directory entry, the rest as typed. Support
// sets the impact later; until then it is the default, low.
func (f *IncidentForm) Ticket(requesterID int64, ben *store.Person, leaf store.Category) *store.Ticket {
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

// CleanLine trims a one-line field and drops control characters.
func CleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// CleanText normalises a multi-line field: CRLF to LF, no other control
// character but tabs, trimmed.
func CleanText(s string) string {
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

// ReadUpload reads an uploaded file, never more than limit bytes.
func ReadUpload(h *multipart.FileHeader, limit int64) ([]byte, error) {
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

// SniffType returns the content type of data from its bytes (never from
// the browser's claim).
func SniffType(data []byte) string {
	return http.DetectContentType(data)
}

// CleanFilename keeps the base name of an upload, without control
// characters or quotes, at most 150 characters.
func CleanFilename(name string) string {
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
