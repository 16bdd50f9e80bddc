package store

import (
	"strings"
	"testing"
	"unicode"
)

// Fuzz tests of the parsers of outside input in package store (search
// queries, ticket numbers). Under plain `go test` they run their seeds;
// `go test -fuzz FuzzX ./store/` explores further.

// searchSeeds are queries people type, and hostile ones.
var searchSeeds = []string{
	"imprimante", "l'imprimante ne marche plus", "écran noir", "ECRAN", "I260101_0001",
	`"quoted" OR NOT AND`, `a* b: c^ (d) {e} [f] -g +h ~i`, "NEAR(a b)", `<script>alert(1)</script>`,
	"{{ .Secret }}", "'; DROP TABLE tickets; --", "\x00\x01\x02\x03\x04", "é\u0301e\u0301", "日本語 テスト",
	strings.Repeat("mot ", 40), "a & b | !c <-> d:*", "\u202e\u200b\ufeff",
}

// FuzzSearchQuery checks that a parsed query only ever hands FTS5 and
// to_tsquery letters, digits and the syntax Guichet adds itself, and that
// excerpts never lose or invent text.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range searchSeeds {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, q string, any, prefix bool) {
		tq := parseQuery(q, any, prefix)
		if len(tq.words) > maxQueryTerms || len(tq.words) != len(tq.stems) {
			t.Fatalf("parseQuery(%q): %d words, %d stems", q, len(tq.words), len(tq.stems))
		}
		if tq.empty() {
			return
		}
		word := func(r rune) bool {
			return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		for _, w := range tq.words {
			if w == "" || strings.IndexFunc(w, func(r rune) bool { return !word(r) }) >= 0 {
				t.Fatalf("parseQuery(%q): word %q is not letters and digits", q, w)
			}
		}
		for _, s := range tq.stems {
			if s == "" || strings.ContainsAny(s, "\"*: ") {
				t.Fatalf("parseQuery(%q): stem %q would break FTS5 syntax", q, s)
			}
		}
		// FTS5: only quoted stems, spaces, OR and a final *.
		fts := tq.fts5()
		unquoted := fts
		for _, s := range tq.stems {
			unquoted = strings.Replace(unquoted, `"`+s+`"`, "", 1)
		}
		if strings.Trim(strings.ReplaceAll(unquoted, "OR", ""), " *") != "" {
			t.Fatalf("parseQuery(%q).fts5() = %q: unexpected syntax %q", q, fts, unquoted)
		}
		// tsquery: words joined by & or |, a final :*.
		ts := tq.tsquery()
		rest := ts
		for _, w := range tq.words {
			rest = strings.Replace(rest, w, "", 1)
		}
		if strings.Trim(rest, " &|:*") != "" {
			t.Fatalf("parseQuery(%q).tsquery() = %q: unexpected syntax %q", q, ts, rest)
		}
		// Excerpts are cut from the text at word boundaries, never altered.
		text := q + " " + q
		var b strings.Builder
		for _, p := range tq.highlight(text) {
			b.WriteString(p.Text)
		}
		got := strings.TrimSuffix(strings.TrimPrefix(b.String(), "… "), " …")
		if !strings.Contains(text, got) {
			t.Fatalf("highlight(%q) = %q, not a piece of the text", text, got)
		}
	})
}

// FuzzParseHeadline checks that a ts_headline result split into parts
// keeps all its text (markers removed).
func FuzzParseHeadline(f *testing.F) {
	for _, s := range []string{"", "plain", markStart + "m" + markStop + " rest", markStart + "unclosed",
		markStop + "stray", "a" + headlineLT + "script>b", markStart + markStart + markStop} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		var b strings.Builder
		for _, p := range parseHeadline(h) {
			if p.Text == "" && !p.Match {
				t.Fatalf("parseHeadline(%q): empty unmatched part", h)
			}
			b.WriteString(p.Text)
		}
		want := strings.ReplaceAll(h, headlineLT, "<")
		want = strings.ReplaceAll(want, markStart, "")
		got := strings.ReplaceAll(b.String(), markStart, "")
		if strings.ReplaceAll(got, markStop, "") != strings.ReplaceAll(want, markStop, "") {
			t.Fatalf("parseHeadline(%q) lost text: %q", h, got)
		}
	})
}
