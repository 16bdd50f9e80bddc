package pages

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders knowledge-base articles: Markdown (CommonMark and GitHub
// tables, strikethrough, autolinks) through goldmark, then sanitised by
// bluemonday's user-generated-content policy, so an article can never carry
// a script, an event handler or a javascript: link. Build one with
// newMarkdown; it is safe for concurrent use.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	policy := bluemonday.UGCPolicy()
	// Links written by support may leave Guichet: never pass our referrer
	// nor the window to the target.
	policy.RequireNoReferrerOnLinks(true)
	policy.AddTargetBlankToFullyQualifiedLinks(false)
	return &markdown{
		// Raw HTML in the source is dropped by goldmark (no WithUnsafe);
		// bluemonday is the second wall.
		md:     goldmark.New(goldmark.WithExtensions(extension.GFM)),
		policy: policy,
	}
}

// render turns Markdown source into sanitised HTML.
func (m *markdown) render(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("web: render markdown: %w", err)
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())), nil // #nosec G203 -- sanitised by the bluemonday UGC policy on this line
}
