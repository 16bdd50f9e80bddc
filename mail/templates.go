package mail

import (
	"bytes"
	"embed"
	"fmt"
	htemplate "html/template"
	"regexp"
	"strings"
	ttemplate "text/template"
	"time"

	"guichet/workflows"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// Languages of mails. French is the default; English where the person chose
// it.
const (
	LangFrench  = "fr"
	LangEnglish = "en"
)

// KindWorkflowEnded is the mail telling an académie's supervisors that a
// ticket's workflow ended outside Guichet (sent by the reconciliation, not
// by the workflow); Data.Reason carries the Temporal status.
const KindWorkflowEnded = "workflow_ended"

// Kinds lists every mail kind that has templates: the mails of the SPEC §5
// table, the other mails the ticket workflow sends, and KindWorkflowEnded.
func Kinds() []string {
	return []string{
		workflows.MailCreated, workflows.MailPickedUp, workflows.MailAssigned, workflows.MailOffered,
		workflows.MailReply, workflows.MailInfoRequested, workflows.MailWaitingReminder,
		workflows.MailInfoAdded, workflows.MailResolved, workflows.MailValidationReminder,
		workflows.MailClosed, workflows.MailRefused, workflows.MailCancelled, workflows.MailDuplicate,
		workflows.MailLate, KindWorkflowEnded,
	}
}

// Data is what a mail template may show. Every text is plain text: the
// HTML templates escape it, the text templates write it as it is.
type Data struct {
	// Name is the recipient's name for the greeting (may be empty).
	Name string
	// Number and Category (the category path, "Matériel › Écran") name the
	// ticket; Academy is the académie's name or code.
	Number, Category, Academy string
	// TicketURL links to the ticket's page.
	TicketURL string
	// Text is the text of the event the mail is about: the public reply, the
	// question, the added information, the refusal comment.
	Text string
	// Reason is the reason given with an assignment or a cancellation.
	Reason string
	// Solution is the resolution's solution.
	Solution string
	// ValidationURL links to the validation form (BaseURL/validations/NUMBER).
	ValidationURL string
	// Deadline is the automatic closure date, "dd/mm/yyyy hh:mm" Europe/Paris
	// (see FormatDate); empty when unknown.
	Deadline string
	// PickupDue is the missed pick-up deadline, formatted like Deadline.
	PickupDue string
	// DuplicateOf is the ticket to follow instead, DuplicateURL its link.
	DuplicateOf, DuplicateURL string
	// AutoClosed tells an automatic closure from an accepted resolution.
	AutoClosed bool
	// CanReply is true when the mail has a signed Reply-To: the mail then
	// invites to reply instead of asking not to.
	CanReply bool
}

// Rendered is one rendered mail.
type Rendered struct {
	Subject, Text, HTML string
}

// Templates renders the mails of every kind, in French and English, from
// the templates embedded in the package (templates/<kind>.txt.tmpl for the
// subject and plain text, templates/<kind>.html.tmpl for the HTML, framed by
// templates/layout.*.tmpl). It is safe for concurrent use.
type Templates struct {
	text *ttemplate.Template
	html *htemplate.Template
}

// templateFuncs are the functions the templates use; link is the identity
// in text (the URL is written as it is) and only shapes the HTML.
func templateFuncs() map[string]any {
	return map[string]any{"indent": indent}
}

// NewTemplates parses the embedded templates and checks that every kind
// has its subject, text and HTML in every language, so a broken or missing
// template fails at start-up rather than when a mail is due.
func NewTemplates() (*Templates, error) {
	text, err := ttemplate.New("mail").Funcs(templateFuncs()).ParseFS(templateFiles, "templates/*.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: parse text templates: %w", err)
	}
	html, err := htemplate.New("mail").Funcs(templateFuncs()).ParseFS(templateFiles, "templates/*.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("mail: parse HTML templates: %w", err)
	}
	t := &Templates{text: text, html: html}
	for _, lang := range []string{LangFrench, LangEnglish} {
		for _, name := range []string{"layout.text." + lang} {
			if text.Lookup(name) == nil {
				return nil, fmt.Errorf("mail: template %s is missing", name)
			}
		}
		if html.Lookup("layout.html."+lang) == nil {
			return nil, fmt.Errorf("mail: template layout.html.%s is missing", lang)
		}
		for _, kind := range Kinds() {
			for _, name := range []string{kind + ".subject." + lang, kind + ".text." + lang} {
				if text.Lookup(name) == nil {
					return nil, fmt.Errorf("mail: template %s is missing", name)
				}
			}
			if html.Lookup(kind+".html."+lang) == nil {
				return nil, fmt.Errorf("mail: template %s.html.%s is missing", kind, lang)
			}
			// Render once with sample data: an execution error (a bad field
			// name) shows now, not in a worker at night.
			if _, err := t.Render(kind, lang, sampleData()); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// sampleData fills every field, for the start-up check.
func sampleData() Data {
	return Data{Name: "x", Number: "I000101_0001", Category: "x", Academy: "x", TicketURL: "https://x/incidents/x",
		Text: "x", Reason: "x", Solution: "x", ValidationURL: "https://x/validations/x", Deadline: "x",
		PickupDue: "x", DuplicateOf: "x", DuplicateURL: "https://x/incidents/x", AutoClosed: true, CanReply: true}
}

// NormalizeLang returns lang if it is a language mails are written in,
// else French.
func NormalizeLang(lang string) string {
	if strings.EqualFold(strings.TrimSpace(lang), LangEnglish) {
		return LangEnglish
	}
	return LangFrench
}

// Render renders the mail of kind in lang (French when lang is not
// supported).
func (t *Templates) Render(kind, lang string, d Data) (Rendered, error) {
	lang = NormalizeLang(lang)
	var subject, body bytes.Buffer
	if t.text.Lookup(kind+".subject."+lang) == nil {
		return Rendered{}, fmt.Errorf("mail: no template for mail kind %q", kind)
	}
	if err := t.text.ExecuteTemplate(&subject, kind+".subject."+lang, d); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s subject: %w", kind, err)
	}
	if err := t.text.ExecuteTemplate(&body, kind+".text."+lang, d); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s text: %w", kind, err)
	}
	var text bytes.Buffer
	if err := t.text.ExecuteTemplate(&text, "layout.text."+lang, struct {
		Data
		Body string
	}{d, paragraphs(body.String())}); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s text layout: %w", kind, err)
	}
	var hbody, html bytes.Buffer
	if err := t.html.ExecuteTemplate(&hbody, kind+".html."+lang, d); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s HTML: %w", kind, err)
	}
	subj := strings.Join(strings.Fields(subject.String()), " ")
	if err := t.html.ExecuteTemplate(&html, "layout.html."+lang, struct {
		Data
		Title string
		Body  htemplate.HTML
	}{d, subj, htemplate.HTML(strings.TrimSpace(hbody.String()))}); err != nil { // #nosec G203 -- hbody is html/template output, already escaped
		return Rendered{}, fmt.Errorf("mail: render %s HTML layout: %w", kind, err)
	}
	return Rendered{
		Subject: subj,
		Text:    paragraphs(text.String()) + "\n",
		HTML:    html.String(),
	}, nil
}

var extraBlankLines = regexp.MustCompile(`\n{3,}`)

// paragraphs removes the blank lines that conditional blocks leave: at
// most one blank line between paragraphs, none around the text.
func paragraphs(s string) string {
	return strings.Trim(extraBlankLines.ReplaceAllString(s, "\n\n"), "\n")
}

// indent indents every non-empty line of a quoted text by four spaces.
func indent(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = "    " + strings.TrimRight(l, " \t")
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// FormatDate writes t as "dd/mm/yyyy hh:mm" in loc (Europe/Paris for
// Guichet's mails).
func FormatDate(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02/01/2006 15:04")
}
