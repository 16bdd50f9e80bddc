package store

import (
	"context"
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve even on hosts without zoneinfo

	"github.com/uptrace/bun"
)

// parisLocation loads Europe/Paris once; it never changes afterwards.
var parisLocation = sync.OnceValues(func() (*time.Location, error) {
	return time.LoadLocation("Europe/Paris")
})

// Paris returns the Europe/Paris time zone, in which ticket numbers take
// their date. The embedded tzdata makes it always available.
func Paris() *time.Location {
	loc, err := parisLocation()
	if err != nil {
		// Unreachable with time/tzdata linked in; fall back rather than panic.
		return time.UTC
	}
	return loc
}

// TicketDay returns the YYMMDD day of t in Europe/Paris, the key of the
// daily ticket counter.
func TicketDay(t time.Time) string {
	return t.In(Paris()).Format("060102")
}

// FormatTicketNumber builds a ticket number from its day (YYMMDD) and daily
// sequence: I130416_0213, growing to five digits past 9999.
func FormatTicketNumber(day string, seq int) string {
	return fmt.Sprintf("I%s_%04d", day, seq)
}

// AllocateTicketNumber returns the next ticket number of now's day
// (Europe/Paris), application-wide. One atomic UPSERT increments the day's
// counter, so concurrent callers never get the same number. Pass the
// transaction that inserts the ticket as db: if it rolls back, the number
// is released with it and the sequence keeps no gap (the counter row stays
// locked until that transaction ends, which serialises ticket creation).
func AllocateTicketNumber(ctx context.Context, db bun.IDB, now time.Time) (string, error) {
	day := TicketDay(now)
	var seq int
	err := db.NewRaw(
		"INSERT INTO ticket_counters (day, last_seq) VALUES (?, 1) "+
			"ON CONFLICT (day) DO UPDATE SET last_seq = ticket_counters.last_seq + 1 "+
			"RETURNING last_seq", day).
		Scan(ctx, &seq)
	if err != nil {
		return "", fmt.Errorf("store: allocate ticket number for %s: %w", day, err)
	}
	return FormatTicketNumber(day, seq), nil
}
