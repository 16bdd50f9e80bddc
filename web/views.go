package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/web/catalogue"
)

//go:embed templates
var templateFS embed.FS

// views holds every page template, parsed once per language so that the T
// function is bound to the language at parse time.
type views struct {
	byLang map[string]map[string]*template.Template // lang → page → template
}

// parseViews parses templates/layout.html of fsys, with the shared blocks
// of templates/shared/*.html, into each other template of templates/ (one
// page each), for every language. Any parse error fails start-up.
func (s *Server) parseViews(fsys fs.FS) (*views, error) {
	entries, err := fs.ReadDir(fsys, "templates")
	if err != nil {
		return nil, fmt.Errorf("web: read templates: %w", err)
	}
	partials, err := fs.Glob(fsys, "templates/shared/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list shared templates: %w", err)
	}
	v := &views{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range catalogue.Languages() {
		base, err := template.New("layout.html").Funcs(s.templateFuncs(lang)).
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

// render writes the page template name inside the layout, with status.
func (s *Server) render(c *fiber.Ctx, status int, name string, data any) error {
	return s.renderTemplate(c, status, name, "layout", data)
}

// renderFragment writes one named block of a page template without the
// layout (htmx partial updates).
func (s *Server) renderFragment(c *fiber.Ctx, status int, name, block string, data any) error {
	return s.renderTemplate(c, status, name, block, data)
}

func (s *Server) renderTemplate(c *fiber.Ctx, status int, name, block string, data any) error {
	t := s.views.byLang[s.lang(c)][name]
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

// paragraphs splits plain text into paragraphs on blank lines, so text is
// shown with its breaks and never as HTML.
func paragraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
