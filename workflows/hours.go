package workflows

import (
	"fmt"
	"slices"
	"time"

	"github.com/rickar/cal/v2/fr"
)

// maxScanDays bounds the search for working time (a year and a bit): a
// calendar without any working day makes PickupDeadline fall back to
// wall-clock time instead of looping forever.
const maxScanDays = 400

// Validate reports whether the opening hours can be used.
func (h OpeningHours) Validate() error {
	if _, err := time.LoadLocation(h.TimeZone); err != nil {
		return fmt.Errorf("workflows: opening hours time zone %q: %w", h.TimeZone, err)
	}
	open, err := clock(h.Open)
	if err != nil {
		return err
	}
	closing, err := clock(h.Close)
	if err != nil {
		return err
	}
	if closing <= open {
		return fmt.Errorf("workflows: opening hours close %q not after open %q", h.Close, h.Open)
	}
	if len(h.Days) == 0 {
		return fmt.Errorf("workflows: opening hours without working days")
	}
	for _, d := range h.Days {
		if d < 1 || d > 7 {
			return fmt.Errorf("workflows: opening day %d outside 1 (Monday) … 7 (Sunday)", d)
		}
	}
	if h.Holidays != "fr" && h.Holidays != "none" && h.Holidays != "" {
		return fmt.Errorf("workflows: unknown holidays calendar %q (fr or none)", h.Holidays)
	}
	return nil
}

// PickupDeadline returns the instant when d of opening time has elapsed
// after from: only the hours between Open and Close of working days count
// (working days are hours.Days minus public holidays when hours.Holidays is
// "fr"). A ticket filed Friday 17:55 with 10 minutes is due Monday 08:05; one
// filed at 22:00 is due 08:10 the next working day. Invalid opening hours
// fall back to from + d.
func PickupDeadline(from time.Time, d time.Duration, hours OpeningHours) time.Time {
	if hours.Validate() != nil {
		return from.Add(d)
	}
	loc, _ := time.LoadLocation(hours.TimeZone)
	open, _ := clock(hours.Open)
	closing, _ := clock(hours.Close)

	t := from.In(loc)
	remaining := max(d, 0)
	for range maxScanDays {
		y, m, day := t.Date()
		if hours.workday(y, m, day, t.Weekday()) {
			// time.Date with the wall clock, not midnight + duration, so the
			// daylight-saving days open at 08:00 too.
			start := time.Date(y, m, day, int(open/time.Hour), int(open%time.Hour/time.Minute), 0, 0, loc)
			end := time.Date(y, m, day, int(closing/time.Hour), int(closing%time.Hour/time.Minute), 0, 0, loc)
			if t.Before(start) {
				t = start
			}
			if t.Before(end) {
				avail := end.Sub(t)
				if remaining <= avail {
					return t.Add(remaining)
				}
				remaining -= avail
			}
		}
		t = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	}
	return from.Add(d)
}

// workday reports whether the date is an opening day.
func (h OpeningHours) workday(y int, m time.Month, d int, wd time.Weekday) bool {
	iso := int(wd)
	if iso == 0 {
		iso = 7
	}
	if !slices.Contains(h.Days, iso) {
		return false
	}
	if len(h.ClosedDays) > 0 && slices.Contains(h.ClosedDays, fmt.Sprintf("%04d-%02d-%02d", y, m, d)) {
		return false
	}
	if h.Holidays == "fr" {
		for _, hol := range fr.Holidays {
			actual, _ := hol.Calc(y)
			if ay, am, ad := actual.Date(); ay == y && am == m && ad == d {
				return false
			}
		}
	}
	return true
}

// clock parses "HH:MM" into the duration since midnight.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("workflows: opening hour %q (want HH:MM): %w", s, err)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
