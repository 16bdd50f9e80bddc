package pages

import (
	"embed"
	"html/template"
	"io/fs"

	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
)

// templateFS holds the page templates (templates/), parsed by the kit
// (kit.ParseViews) when New runs.
//
//go:embed templates
var templateFS embed.FS

// parseViews parses the templates of fsys for every language, with the
// server's template functions (kit.ParseViews). Any parse error fails
// start-up.
func (s *Pages) parseViews(fsys fs.FS) (*kit.Views, error) {
	return kit.ParseViews(fsys, s.templateFuncs)
}

// templateFuncs returns the template functions for one language
// (kit.TemplateFuncs): the catalogue, the static files, Europe/Paris.
func (s *Pages) templateFuncs(lang string) template.FuncMap {
	return kit.TemplateFuncs(s.i18n, s.assets, s.paris, lang)
}

// render writes the page template name inside the layout, with status
// (kit.Views.Render).
func (s *Pages) render(c *fiber.Ctx, status int, name string, data any) error {
	return s.views.Render(c, status, name, data)
}

// renderFragment writes one named block of a page template without the
// layout (htmx partial updates; kit.Views.RenderFragment).
func (s *Pages) renderFragment(c *fiber.Ctx, status int, name, block string, data any) error {
	return s.views.RenderFragment(c, status, name, block, data)
}

// paragraphs splits plain text into paragraphs on blank lines
// (kit.Paragraphs).
func paragraphs(text string) []string { return kit.Paragraphs(text) }
