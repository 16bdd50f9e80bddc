package web

import (
	"testing"
)

func TestNombreGroupsDigitsTheFrenchWay(t *testing.T) {
	const nnbsp = "\u202f"
	cases := []struct {
		name string
		lang string
		n    int64
		want string
	}{
		{"a number under a thousand is left alone", LangFR, 999, "999"},
		{"zero is zero", LangFR, 0, "0"},
		{"a thousand takes a narrow no-break space", LangFR, 1000, "1" + nnbsp + "000"},
		{"a million takes two", LangFR, 1234567, "1" + nnbsp + "234" + nnbsp + "567"},
		{"a negative number keeps its sign before the groups", LangFR, -12345, "-12" + nnbsp + "345"},
		{"English groups with commas", LangEN, 1234567, "1,234,567"},
		{"an unknown language is French", "de", 10000, "10" + nnbsp + "000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatNumber(tc.lang, tc.n); got != tc.want {
				t.Fatalf("formatNumber(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
			}
			if got := nombre(tc.lang)(tc.n); got != tc.want {
				t.Fatalf("nombre(%q)(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
			}
		})
	}

	t.Run("the template function takes every integer type and prints anything else as is", func(t *testing.T) {
		f := nombre(LangFR)
		for _, v := range []any{int(2000), int32(2000), int64(2000), uint(2000), uint16(2000)} {
			if got := f(v); got != "2"+nnbsp+"000" {
				t.Errorf("nombre(%T) = %q", v, got)
			}
		}
		if got := f("2000"); got != "2000" {
			t.Errorf("nombre(string) = %q", got)
		}
	})

	t.Run("catalogue messages group their integer arguments and leave strings alone", func(t *testing.T) {
		cat := newCatalog()
		if got := cat.T(LangFR, "lists.count.more", 1000); got != "Nombre d'enregistrements : plus de 1"+nnbsp+"000" {
			t.Errorf("lists.count.more = %q", got)
		}
		if got := cat.T(LangEN, "support.queue.count.more", 25000); got != "More than 25,000 tickets" {
			t.Errorf("support.queue.count.more = %q", got)
		}
		if got := cat.T(LangFR, "mail.title", "12345"); got != "Mail n° 12345" {
			t.Errorf("mail.title = %q", got)
		}
	})

	t.Run("sizes are written with French grouping and a decimal comma", func(t *testing.T) {
		for n, want := range map[int64]string{
			512:           "512 octets",
			300 << 10:     "300 ko",
			25 << 20:      "25 Mo",
			5<<20 + 1<<19: "5,5 Mo",
			1500 << 20:    "1" + nnbsp + "500 Mo",
		} {
			if got := formatBytes(n); got != want {
				t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
			}
		}
	})
}
