package store_test

import (
	"regexp"
	"testing"
	"time"

	"guichet/store"
)

// ticketNumberRe is the shape every ticket number has (README, mails,
// URLs /incidents/NUMBER).
var ticketNumberRe = regexp.MustCompile(`^I\d{6}_\d{4,}$`)

// FuzzFormatTicketNumber checks that any day and positive sequence give a
// number of the documented shape, whose day and sequence read back.
func FuzzFormatTicketNumber(f *testing.F) {
	for _, s := range []struct {
		unix int64
		seq  int
	}{{0, 1}, {1776000000, 9999}, {1776000000, 10000}, {-62135596800, 1}, {253402300799, 1 << 30}} {
		f.Add(s.unix, s.seq)
	}
	f.Fuzz(func(t *testing.T, unix int64, seq int) {
		if seq < 1 || unix < -62135596800 || unix > 253402300799 { // years 1–9999
			return
		}
		day := store.TicketDay(time.Unix(unix, 0))
		n := store.FormatTicketNumber(day, seq)
		if !ticketNumberRe.MatchString(n) {
			t.Fatalf("FormatTicketNumber(%q, %d) = %q: not I + 6 digits + _ + 4 or more digits", day, seq, n)
		}
		if n[1:7] != day {
			t.Fatalf("FormatTicketNumber(%q, %d) = %q: day lost", day, seq, n)
		}
	})
}
