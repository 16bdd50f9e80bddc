package pages

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// formSeeds are hostile values for the new-incident form's fields.
var formSeeds = []string{
	"", "  Bureau 214  ", "<script>window.__xss=1</script>", `"><img src=x onerror=window.__xss=1>`,
	"javascript:window.__xss=1", "{{ .Secret }}", "line\r\nbreak\x00nul\x1b[31m", "\u202eRTL\u200b",
	"-1", "9223372036854775808", "3 ", "0x10", "\xff\xfe", strings.Repeat("é", 300),
}

// FuzzParseIncidentForm posts arbitrary values in every field of the
// new-incident form: parsing never panics, one-line fields come back
// trimmed without control characters, the description keeps only line
// breaks and tabs, numbers are never negative.
func FuzzParseIncidentForm(f *testing.F) {
	for i, s := range formSeeds {
		f.Add(s, formSeeds[(i+1)%len(formSeeds)], formSeeds[(i+5)%len(formSeeds)])
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, line, text, number string) {
		form := url.Values{}
		for _, k := range []string{"telephone", "autre_telephone", "disponibilite", "service", "bureau", "materiel",
			"marque", "modele", "numero_serie", "maintenance", "emplacement", "recherche"} {
			form.Set(k, line)
		}
		for _, k := range []string{"beneficiaire", "categorie", "actif", "urgence"} {
			form.Set(k, number)
		}
		form["brouillon"] = []string{number, line, "3"}
		form.Set("description", text)
		form.Set("prive", number)
		form.Set("rempli", number)

		fctx := &fasthttp.RequestCtx{}
		fctx.Request.Header.SetMethod(fiber.MethodPost)
		fctx.Request.Header.SetContentType(fiber.MIMEApplicationForm)
		fctx.Request.SetBodyString(form.Encode())
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		got := parseIncidentForm(c)

		for name, v := range map[string]string{"phone": got.Phone, "other phone": got.OtherPhone,
			"availability": got.Availability, "service": got.Service, "office": got.Office,
			"equipment": got.Equipment, "brand": got.Brand, "model": got.Model, "serial": got.Serial,
			"maintenance": got.Maintenance, "placement": got.Placement, "search": got.Search} {
			if v != strings.TrimSpace(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
				t.Fatalf("%s = %q: untrimmed or with control characters", name, v)
			}
		}
		if strings.IndexFunc(got.Description, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
			t.Fatalf("description = %q: control characters kept", got.Description)
		}
		if got.BeneficiaryID < 0 || got.CategoryID < 0 || got.AssetID < 0 || got.Urgency < 0 {
			t.Fatalf("negative number parsed from %q: %+v", number, got)
		}
		for _, d := range got.Drafts {
			if d <= 0 {
				t.Fatalf("draft id %d parsed", d)
			}
		}
	})
}

// FuzzCleanFilename checks that any uploaded file name becomes a safe
// base name: not empty, no directory part, no quote or control character,
// not "." or "..", at most 150 characters.
func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", `..\..\windows\system32\cmd.exe`, "..", ".", "/", "",
		"C:\\Users\\x\\photo.png", "a\"b.png", "rapport\x00.pdf", "\u202egnp.exe", strings.Repeat("é", 200) + ".png",
		"/etc/", "....//....//x", " .. ", "\xff\xfe.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := cleanFilename(name)
		switch {
		case got == "" || got == "." || got == "..":
			t.Fatalf("cleanFilename(%q) = %q", name, got)
		case strings.ContainsAny(got, `/\"`):
			t.Fatalf("cleanFilename(%q) = %q: separator or quote kept", name, got)
		case strings.IndexFunc(got, unicode.IsControl) >= 0:
			t.Fatalf("cleanFilename(%q) = %q: control character kept", name, got)
		case utf8.RuneCountInString(got) > 150:
			t.Fatalf("cleanFilename(%q) = %q: longer than 150 characters", name, got)
		}
	})
}
