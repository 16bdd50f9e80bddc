package kit

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/web/catalogue"
)

// Views holds every page template, parsed once per language so that the T
// function is bound to the language at parse time.
type Views struct {
	byLang map[string]map[string]*template.Template // lang → page → template
}

// ParseViews parses templates/layout.html of fsys, with the shared blocks
// of templates/shared/*.html, into each other template of templates/ (one
// page each), for every language, with the template functions funcs gives
// for that language (TemplateFuncs). Any parse error fails start-up.
func ParseViews(fsys fs.FS, funcs func(lang string) template.FuncMap) (*Views, error) {
	entries, err := fs.ReadDir(fsys, "templates")
	if err != nil {
		return nil, fmt.Errorf("web: read templates: %w", err)
	}
	partials, err := fs.Glob(fsys, "templates/shared/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list shared templates: %w", err)
	}
	v := &Views{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range catalogue.Languages() {
		base, err := template.New("layout.html").Funcs(funcs(lang)).
			ParseFS(fsys, append([]string{"templates/layout.html"}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("web: parse layout: %w", err)
		}
		pages := map[string]*template.Template{}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || name == "layout.html" || path.Ext(name) != ".html" {
				continue
			}
			t, err := base.Clone()
			if err != nil {
				return nil, fmt.Errorf("web: clone layout for %s: %w", name, err)
			}
			if t, err = t.ParseFS(fsys, "templates/"+name); err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", name, err)
			}
			if t.Lookup("content") == nil {
				return nil, fmt.Errorf("web: template %s defines no \"content\"", name)
			}
			pages[strings.TrimSuffix(name, ".html")] = t
		}
		v.byLang[lang] = pages
	}
	return v, nil
}

// Render writes the page template name inside the layout, with status, in
// the request's language (Lang). data is the page's view model; the layout
// reads what it needs from it (the layout's view model is the pages').
func (v *Views) Render(c *fiber.Ctx, status int, name string, data any) error {
	return v.execute(c, status, name, "layout", data)
}

// RenderFragment writes one named block of a page template without the
// layout (htmx partial updates).
func (v *Views) RenderFragment(c *fiber.Ctx, status int, name, block string, data any) error {
	return v.execute(c, status, name, block, data)
}

func (v *Views) execute(c *fiber.Ctx, status int, name, block string, data any) error {
	t := v.byLang[Lang(c)][name]
	if t == nil {
		return fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", name, block, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// TemplateFuncs returns the template functions for one language: T
// translates with i18n, static gives the URLs of assets, dates are shown
// in loc.
func TemplateFuncs(i18n *catalogue.Catalogue, assets *Assets, loc *time.Location, lang string) template.FuncMap {
	return template.FuncMap{
		// T translates a catalogue key: {{T "home.news"}}, {{T "mailbox.page" 1 3}}.
		"T": func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		// static gives the cache-busting URL of an embedded asset.
		"static": assets.URL,
		// datetime formats as 16/04/2013 14:29:42, in loc (seed format).
		"datetime": func(t time.Time) string { return t.In(loc).Format("02/01/2006 15:04:05") },
		// date formats as 16/04/2013, in loc.
		"date": func(t time.Time) string { return t.In(loc).Format("02/01/2006") },
		// isodate is the machine-readable form for <time datetime>.
		"isodate":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"paragraphs": Paragraphs,
		// nombre prints an integer with the language's digit grouping
		// (« 1 000 », web/catalogue/numbers.go).
		"nombre": catalogue.NumberFunc(lang),
	}
}

// Paragraphs splits plain text into paragraphs on blank lines, so text is
// shown with its breaks and never as HTML.
func Paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
