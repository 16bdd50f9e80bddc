package catalogue

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
		{"a number under a thousand is left alone", French, 999, "999"},
		{"zero is zero", French, 0, "0"},
		{"a thousand takes a narrow no-break space", French, 1000, "1" + nnbsp + "000"},
		{"a million takes two", French, 1234567, "1" + nnbsp + "234" + nnbsp + "567"},
		{"a negative number keeps its sign before the groups", French, -12345, "-12" + nnbsp + "345"},
		{"English groups with commas", English, 1234567, "1,234,567"},
		{"an unknown language is French", "de", 10000, "10" + nnbsp + "000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatNumber(tc.lang, tc.n); got != tc.want {
				t.Fatalf("FormatNumber(%q, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
			}
			if got := NumberFunc(tc.lang)(tc.n); got != tc.want {
				t.Fatalf("NumberFunc(%q)(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
			}
		})
	}

	t.Run("the template function takes every integer type and prints anything else as is", func(t *testing.T) {
		f := NumberFunc(French)
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
		cat := MustNew()
		if got := cat.T(French, "lists.count.more", 1000); got != "Nombre d'enregistrements : plus de 1"+nnbsp+"000" {
			t.Errorf("lists.count.more = %q", got)
		}
		if got := cat.T(English, "support.queue.count.more", 25000); got != "More than 25,000 tickets" {
			t.Errorf("support.queue.count.more = %q", got)
		}
		if got := cat.T(French, "mail.title", "12345"); got != "Mail n° 12345" {
			t.Errorf("mail.title = %q", got)
		}
	})
}
