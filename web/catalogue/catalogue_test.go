package catalogue

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sameInBothLanguages are the texts English writes as French does: proper
// names, acronyms, symbols, and words spelt alike in both languages. A
// message whose English equals its French must be one of them; anything
// else is a missing translation.
var sameInBothLanguages = []string{
	// Proper names, the State's logo, acronyms, language names.
	"Guichet", "République<br>Française", "LDAP", "Message-ID", "N/A", "Français", "English",
	// "Académie" stays French in English, as in "IT support of the académies".
	"Académie",
	// Words spelt alike.
	"Action", "Actions", "Article", "Articles", "Date", "Description", "Documents", "Impact",
	"Incident", "Incidents", "Journal", "Mail", "Maintenance", "Menu", "Menus", "Pagination",
	"Public", "Publication", "Sessions", "Solution", "Source", "Ticket", "Type", "Validation",
	"Validations", "Webhooks",
	// Formats and symbols.
	"%s", "%d h", "%d min", "%d mail(s)", "%d ticket(s)", "Incident %s", "Page %d", "≤ %s", "> %s", "—", "-",
}

func TestCatalogueDefinesEachKeyOnce(t *testing.T) {
	t.Run("the screen families' files define no key twice", func(t *testing.T) {
		if _, err := New(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a key defined in two files is refused, naming both", func(t *testing.T) {
		_, err := merge([]section{
			{"a.go", map[string][2]string{"k": {"un", "one"}, "x": {"x", "y"}}},
			{"b.go", map[string][2]string{"k": {"deux", "two"}}},
		})
		if err == nil || !strings.Contains(err.Error(), `"k" in a.go and b.go`) {
			t.Fatalf("got %v, want the duplicate k reported", err)
		}
	})

	t.Run("every file of the package is a section, and every section a file", func(t *testing.T) {
		files, err := filepath.Glob("*.go")
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range files {
			if !strings.HasSuffix(f, "_test.go") && f != "catalogue.go" && f != "numbers.go" {
				want = append(want, f)
			}
		}
		var got []string
		for _, s := range sections() {
			got = append(got, s.file)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("sections() lists %v, the package has the message files %v", got, want)
		}
	})

	t.Run("the package doc names every message file", func(t *testing.T) {
		f, err := parser.ParseFile(token.NewFileSet(), "catalogue.go", nil, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		doc := f.Doc.Text()
		for _, s := range sections() {
			if !strings.Contains(doc, "\t"+s.file+" ") {
				t.Errorf("the package doc (catalogue.go) does not list %s and what it holds", s.file)
			}
		}
	})
}

func TestCatalogueHasEveryMessageInBothLanguages(t *testing.T) {
	cat := MustNew()
	for _, k := range cat.Keys() {
		m := cat.msgs[k]
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%s: a text is missing: %q", k, m)
		}
		if strings.Count(m[0], "%") != strings.Count(m[1], "%") {
			t.Errorf("%s: French and English take different arguments: %q", k, m)
		}
		if m[0] == m[1] && !slices.Contains(sameInBothLanguages, m[0]) {
			t.Errorf("%s: English is the French text %q (translate it, or add it to sameInBothLanguages if it is a proper name or spelt alike)", k, m[0])
		}
	}
}

func TestCatalogueT(t *testing.T) {
	cat := MustNew()
	cases := []struct {
		name, lang, key string
		want            string
	}{
		{"French is the default", French, "login.submit", "Valider"},
		{"English is offered", English, "login.submit", "Submit"},
		{"an unknown language falls back to French", "de", "login.submit", "Valider"},
		{"an unknown key shows bracketed", French, "no.such.key", "[no.such.key]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := cat.T(tc.lang, tc.key); got != tc.want {
				t.Fatalf("T(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
			}
		})
	}
	t.Run("only French and English are supported", func(t *testing.T) {
		for in, want := range map[string]string{"fr": French, "en": English, "de": French, "": French} {
			if got := Supported(in); got != want {
				t.Errorf("Supported(%q) = %q, want %q", in, got, want)
			}
		}
	})
}
