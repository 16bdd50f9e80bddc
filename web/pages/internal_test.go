package pages

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"guichet/web/kit"
)

func TestTemplates(t *testing.T) {
	s := &Pages{i18n: newCatalog()}
	var err error
	if s.assets, err = kit.NewAssets(); err != nil {
		t.Fatal(err)
	}
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		page string
		ok   bool
	}{
		{"the embedded templates parse", "", true},
		{"a page with a syntax error fails start-up", `{{define "content"}}{{if .X}}{{end}`, false},
		{"a page calling an unknown function fails start-up", `{{define "content"}}{{nope .X}}{{end}}`, false},
		{"a page without content fails start-up", `{{define "other"}}x{{end}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var fsys fs.FS = templateFS
			if tc.page != "" {
				fsys = fstest.MapFS{
					"templates/layout.html": {Data: layout},
					"templates/broken.html": {Data: []byte(tc.page)},
				}
			}
			_, err := s.parseViews(fsys)
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok && err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestSafeSuite(t *testing.T) {
	cases := map[string]string{
		"/":                      "/",
		"/outils/boite-mail?p=2": "/outils/boite-mail?p=2",
		"":                       "/",
		"//evil.example":         "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"/a\r\nSet-Cookie: x=1":  "/",
		"relative/path":          "/",
	}
	for in, want := range cases {
		if got := safeSuite(in); got != want {
			t.Errorf("safeSuite(%q) = %q, want %q", in, got, want)
		}
	}
}
