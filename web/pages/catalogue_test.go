package pages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"guichet/web/catalogue"
	"guichet/web/kit"
)

// newCatalog returns the message catalogue, for tests that build a Server
// by hand.
func newCatalog() *catalogue.Catalogue { return catalogue.MustNew() }

// catalogueKey matches a string that has the shape of a catalogue key
// ("ticket.status.new"), or of a key's prefix completed at run time
// ("ticket.status.").
var catalogueKey = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)*\.?$`)

// TestCatalogHasEveryKeyInUse checks the keys web and its sub-packages use
// against the catalogue (web/catalogue): a key missing there would show
// bracketed.
func TestCatalogHasEveryKeyInUse(t *testing.T) {
	cat := newCatalog()

	t.Run("every key a template uses is in the catalogue", func(t *testing.T) {
		use := regexp.MustCompile(`\bT "([^"]+)"`)
		err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(templateFS, p)
			if err != nil {
				return err
			}
			for _, m := range use.FindAllStringSubmatch(string(b), -1) {
				if !cat.Has(m[1]) {
					t.Errorf("%s uses unknown key %q", p, m[1])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("every key the Go code names is in the catalogue", func(t *testing.T) {
		// A string literal of web's Go code that starts like a catalogue
		// key family ("ticket.", "support.", "error."…) is taken for a key
		// (passed to T, to an API error, kept in a view model's Error…); one
		// ending with "." is a prefix completed at run time.
		keys := cat.Keys()
		families := map[string]bool{}
		for _, k := range keys {
			family, _, _ := strings.Cut(k, ".")
			families[family] = true
		}
		// web's own files and its sub-packages' (pages, api, tickets, kit),
		// but not the catalogue, which defines the keys.
		files, err := filepath.Glob("../*.go")
		if err != nil {
			t.Fatal(err)
		}
		sub, err := filepath.Glob("../*/*.go")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range sub {
			if !strings.HasPrefix(f, filepath.Join("..", "catalogue")+string(filepath.Separator)) {
				files = append(files, f)
			}
		}
		checked := 0
		fset := token.NewFileSet()
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ImportSpec:
					return false
				case *ast.ValueSpec:
					// Permission names ("ticket.create") are not keys.
					if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Permission" {
						return false
					}
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(n.Value)
					family, _, dotted := strings.Cut(s, ".")
					if err != nil || !dotted || !families[family] || !catalogueKey.MatchString(s) || notAKey[s] {
						return true
					}
					checked++
					if strings.HasSuffix(s, ".") {
						if !hasKeyWithPrefix(keys, s) {
							t.Errorf("%s: no catalogue key starts with %q", fset.Position(n.Pos()), s)
						}
					} else if !cat.Has(s) {
						t.Errorf("%s: unknown catalogue key %q", fset.Position(n.Pos()), s)
					}
				}
				return true
			})
		}
		t.Logf("%d keys and key prefixes checked", checked)
		if checked < 100 {
			t.Fatalf("only %d keys found in web's Go code: is the scan working?", checked)
		}
	})

	t.Run("every error code has a title and a message", func(t *testing.T) {
		for _, code := range []string{ENOTFOUND, EUNAUTHORIZED, EFORBIDDEN, EINVALID, ECONFLICT, ETOOLARGE, EINTERNAL} {
			for _, k := range []string{"error." + code, "error.title." + code} {
				if !cat.Has(k) {
					t.Errorf("missing %s", k)
				}
			}
		}
	})
}

// notAKey are string literals of web's Go code shaped like catalogue keys
// that are not keys.
var notAKey = map[string]bool{
	"layout.html": true, // the layout template's file
}

func hasKeyWithPrefix(keys []string, prefix string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func TestFormatBytes(t *testing.T) {
	const nnbsp = "\u202f"
	t.Run("sizes are written with French grouping and a decimal comma", func(t *testing.T) {
		for n, want := range map[int64]string{
			512:           "512 octets",
			300 << 10:     "300 ko",
			25 << 20:      "25 Mo",
			5<<20 + 1<<19: "5,5 Mo",
			1500 << 20:    "1" + nnbsp + "500 Mo",
		} {
			if got := kit.FormatBytes(n); got != want {
				t.Errorf("kit.FormatBytes(%d) = %q, want %q", n, got, want)
			}
		}
	})
}
