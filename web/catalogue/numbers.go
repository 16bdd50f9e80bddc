package catalogue

import (
	"fmt"
	"math"
	"strconv"
)

// groupSeparator is what goes between groups of three digits: in French a
// narrow no-break space (U+202F), as the Imprimerie nationale's rules and
// CLDR's fr locale have it, so « 1 000 » never breaks across lines; in
// English a comma.
func groupSeparator(lang string) string {
	if lang == English {
		return ","
	}
	return "\u202f"
}

// FormatNumber writes n with the digit grouping of lang: 1 234 567 in
// French, 1,234,567 in English. Numbers under 10 000 are grouped too
// (« 1 000 »), as the lists' « plus de 1 000 » needs.
func FormatNumber(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	sep := groupSeparator(lang)
	out := make([]byte, 0, len(s)+len(sep)*(len(s)/3))
	head := len(s) % 3
	if head > 0 {
		out = append(out, s[:head]...)
	}
	for i := head; i < len(s); i += 3 {
		if len(out) > 0 {
			out = append(out, sep...)
		}
		out = append(out, s[i:i+3]...)
	}
	return sign + string(out)
}

// groupedInt is an integer that prints itself with its language's digit
// grouping whatever the verb (%d, %v, %s), so catalogue messages keep
// their %d while showing « 1 000 ».
type groupedInt struct {
	n    int64
	lang string
}

// Format implements fmt.Formatter.
func (g groupedInt) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(FormatNumber(g.lang, g.n)))
}

// asInt64 returns v as an int64 when it is an integer of any Go size
// (an unsigned one past math.MaxInt64 is not: it is printed as is).
func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint:
		if uint64(n) > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		if n > math.MaxInt64 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

// groupArgs replaces the integer arguments of a catalogue message by
// grouped ones (the catalogue's rule: a count is shown grouped; an
// identifier such as a mail number is passed as a string).
func groupArgs(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		n, ok := asInt64(a)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = groupedInt{n: n, lang: lang}
	}
	if out == nil {
		return args
	}
	return out
}

// NumberFunc returns the template function behind {{nombre .Total}} for
// lang: an integer with the language's digit grouping. Anything else is
// printed as is.
func NumberFunc(lang string) func(v any) string {
	return func(v any) string {
		if n, ok := asInt64(v); ok {
			return FormatNumber(lang, n)
		}
		return fmt.Sprint(v)
	}
}
