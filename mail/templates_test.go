package mail_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"guichet/mail"
	"guichet/workflows"
)

var update = flag.Bool("update", false, "rewrite the golden files of mail templates")

// goldenData is the ticket every golden mail is about; user text carries
// characters HTML must escape.
func goldenData() mail.Data {
	paris, _ := time.LoadLocation("Europe/Paris")
	return mail.Data{
		Name: "Agnès Dupont", Number: "I260416_0213", Category: "Matériel › Imprimante",
		Academy: "Créteil", TicketURL: "https://guichet.ac-creteil.fr/incidents/I260416_0213",
		Text:          "L'imprimante affiche <E05> & clignote.\n\nModèle : HP 4250",
		Reason:        "Compétence réseau",
		Solution:      "Tambour remplacé.\nFaites une page de test.",
		ValidationURL: "https://guichet.ac-creteil.fr/validations/I260416_0213",
		Deadline:      mail.FormatDate(time.Date(2026, 4, 23, 8, 5, 0, 0, time.UTC), paris),
		PickupDue:     mail.FormatDate(time.Date(2026, 4, 16, 8, 10, 0, 0, time.UTC), paris),
		DuplicateOf:   "I260415_0007", DuplicateURL: "https://guichet.ac-creteil.fr/incidents/I260415_0007",
		AutoClosed: true, CanReply: true,
	}
}

func TestTemplatesRenderEveryKindAsInTheGoldenFiles(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range mail.Kinds() {
		for _, lang := range []string{mail.LangFrench, mail.LangEnglish} {
			t.Run(kind+" in "+lang+" matches its golden files", func(t *testing.T) {
				out, err := tmpl.Render(kind, lang, goldenData())
				if err != nil {
					t.Fatal(err)
				}
				golden(t, kind+"."+lang+".txt", "Subject: "+out.Subject+"\n\n"+out.Text)
				golden(t, kind+"."+lang+".html", out.HTML)
			})
		}
	}
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./mail -run TestTemplates -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is wanted):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestTemplates(t *testing.T) {
	tmpl, err := mail.NewTemplates()
	if err != nil {
		t.Fatal(err)
	}
	d := goldenData()

	t.Run("every subject carries the ticket number, in both languages", func(t *testing.T) {
		for _, kind := range mail.Kinds() {
			for _, lang := range []string{mail.LangFrench, mail.LangEnglish} {
				out, err := tmpl.Render(kind, lang, d)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out.Subject, d.Number) || strings.Contains(out.Subject, "\n") {
					t.Errorf("%s/%s subject %q", kind, lang, out.Subject)
				}
				if !strings.Contains(out.Text, d.TicketURL) {
					t.Errorf("%s/%s text has no link to the ticket", kind, lang)
				}
				if strings.Contains(out.Text, "\n\n\n") {
					t.Errorf("%s/%s text has runs of blank lines:\n%s", kind, lang, out.Text)
				}
			}
		}
	})

	t.Run("the resolution mail has the solution, the validation link and the deadline", func(t *testing.T) {
		out, err := tmpl.Render(workflows.MailResolved, mail.LangFrench, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"    Tambour remplacé.\n    Faites une page de test.", d.ValidationURL,
			"clôturé automatiquement le 23/04/2026 10:05 (heure de Paris)"} {
			if !strings.Contains(out.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, out.Text)
			}
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(out.HTML))
		if err != nil {
			t.Fatal(err)
		}
		if href, _ := doc.Find(`a[href="` + d.ValidationURL + `"]`).Attr("href"); href != d.ValidationURL {
			t.Errorf("HTML has no validation link:\n%s", out.HTML)
		}
		if got := doc.Find("blockquote").Text(); got != d.Solution {
			t.Errorf("HTML solution %q", got)
		}
	})

	t.Run("user text is escaped in HTML and kept as is in text", func(t *testing.T) {
		out, err := tmpl.Render(workflows.MailReply, mail.LangFrench, d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.HTML, "<E05>") || !strings.Contains(out.HTML, "&lt;E05&gt; &amp; clignote") {
			t.Errorf("HTML does not escape the reply:\n%s", out.HTML)
		}
		if !strings.Contains(out.Text, "<E05> & clignote") {
			t.Errorf("text altered the reply:\n%s", out.Text)
		}
	})

	t.Run("a mail without Reply-To asks not to reply", func(t *testing.T) {
		noReply := d
		noReply.CanReply = false
		out, err := tmpl.Render(workflows.MailCreated, mail.LangFrench, noReply)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.Text, "merci de ne pas y répondre") || strings.Contains(out.Text, "Vous pouvez répondre") {
			t.Errorf("text:\n%s", out.Text)
		}
	})

	t.Run("an unknown language falls back to French and an unknown kind is an error", func(t *testing.T) {
		out, err := tmpl.Render(workflows.MailCreated, "de", d)
		if err != nil || !strings.HasPrefix(out.Text, "Bonjour Agnès Dupont,") {
			t.Errorf("Render(de) = %q, %v", out.Text, err)
		}
		if _, err := tmpl.Render("nope", mail.LangFrench, d); err == nil {
			t.Error("unknown kind rendered")
		}
	})

	t.Run("the signature delimiter is dash dash space", func(t *testing.T) {
		out, _ := tmpl.Render(workflows.MailCreated, mail.LangEnglish, d)
		if !strings.Contains(out.Text, "\n-- \nGuichet") {
			t.Errorf("text:\n%q", out.Text)
		}
	})
}
