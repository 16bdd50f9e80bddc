package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// AcademyHours are an académie's opening hours, overriding the
// configuration (config.OpeningHoursFor) when present.
type AcademyHours struct {
	bun.BaseModel `bun:"table:academy_hours"`

	AcademyCode string    `bun:"academy_code,pk"`
	TimeZone    string    `bun:"time_zone,notnull"`
	Open        string    `bun:"opens_at,notnull"`  // "08:00"
	Close       string    `bun:"closes_at,notnull"` // "18:00"
	Days        string    `bun:"days,notnull"`      // "1,2,3,4,5" (1 = Monday)
	Holidays    string    `bun:"holidays,notnull"`  // "fr" or "none"
	UpdatedAt   time.Time `bun:"updated_at,notnull"`
}

// DayList returns Days as numbers.
func (h AcademyHours) DayList() []int {
	var out []int
	for _, f := range strings.Split(h.Days, ",") {
		if d, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// Holiday is an extra closed day of an académie (on top of the public
// holidays the hours' Holidays setting brings).
type Holiday struct {
	bun.BaseModel `bun:"table:academy_holidays"`

	AcademyCode string `bun:"academy_code,pk"`
	Day         string `bun:"day,pk"` // "2026-12-24"
	Label       string `bun:"label,notnull"`
}

// validClock reports whether s is a "HH:MM" time of day.
func validClock(s string) bool {
	t, err := time.Parse("15:04", s)
	return err == nil && t.Format("15:04") == s
}

// HoursOf returns an académie's own opening hours, or an error wrapping
// ErrNotFound when it follows the configuration.
func (db *DB) HoursOf(ctx context.Context, academy string) (*AcademyHours, error) {
	h := new(AcademyHours)
	if err := db.NewSelect().Model(h).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: hours of %s: %w", academy, notFound(err))
	}
	return h, nil
}

// SaveHours sets by.Academy's opening hours (Open < Close, "HH:MM", days
// 1–7, a known time zone, holidays "fr" or "none").
func (db *DB) SaveHours(ctx context.Context, by Editor, h *AcademyHours) error {
	h.AcademyCode = by.Academy
	if !validClock(h.Open) || !validClock(h.Close) || h.Open >= h.Close {
		return fmt.Errorf("store: save hours: opening %q–%q: %w", h.Open, h.Close, ErrInvalid)
	}
	days := h.DayList()
	if len(days) == 0 {
		return fmt.Errorf("store: save hours: no open day: %w", ErrInvalid)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	parts := make([]string, len(days))
	for i, d := range days {
		if d < 1 || d > 7 {
			return fmt.Errorf("store: save hours: day %d: %w", d, ErrInvalid)
		}
		parts[i] = strconv.Itoa(d)
	}
	h.Days = strings.Join(parts, ",")
	if h.TimeZone == "" {
		h.TimeZone = "Europe/Paris"
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil {
		return fmt.Errorf("store: save hours: time zone %q: %w", h.TimeZone, ErrInvalid)
	}
	if h.Holidays != "fr" && h.Holidays != "none" {
		return fmt.Errorf("store: save hours: holidays %q: %w", h.Holidays, ErrInvalid)
	}
	h.UpdatedAt = time.Now().UTC()
	return db.audited(ctx, by, AuditHoursSet, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewInsert().Model(h).On("CONFLICT (academy_code) DO UPDATE").
			Set("time_zone = EXCLUDED.time_zone").Set("opens_at = EXCLUDED.opens_at").
			Set("closes_at = EXCLUDED.closes_at").Set("days = EXCLUDED.days").
			Set("holidays = EXCLUDED.holidays").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: save hours of %s: %w", by.Academy, err)
		}
		return by.Academy, fmt.Sprintf("%s–%s, jours %s, fériés %s, %s", h.Open, h.Close, h.Days, h.Holidays, h.TimeZone), nil
	})
}

// ResetHours removes by.Academy's own hours: the configuration applies.
func (db *DB) ResetHours(ctx context.Context, by Editor) error {
	return db.audited(ctx, by, AuditHoursReset, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewDelete().Model((*AcademyHours)(nil)).Where("academy_code = ?", by.Academy).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: reset hours of %s: %w", by.Academy, err)
		}
		return by.Academy, "", nil
	})
}

// HolidaysOf lists an académie's extra closed days, in date order.
func (db *DB) HolidaysOf(ctx context.Context, academy string) ([]Holiday, error) {
	var hs []Holiday
	if err := db.NewSelect().Model(&hs).Where("academy_code = ?", academy).Order("day").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: holidays of %s: %w", academy, err)
	}
	return hs, nil
}

// AddHoliday adds (or relabels) a closed day of by.Academy; Day is
// "YYYY-MM-DD".
func (db *DB) AddHoliday(ctx context.Context, by Editor, h Holiday) error {
	h.AcademyCode = by.Academy
	h.Label = strings.TrimSpace(h.Label)
	if _, err := time.Parse(time.DateOnly, h.Day); err != nil || h.Label == "" {
		return fmt.Errorf("store: add holiday %q: date and label required: %w", h.Day, ErrInvalid)
	}
	return db.audited(ctx, by, AuditHolidayAdd, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewInsert().Model(&h).On("CONFLICT (academy_code, day) DO UPDATE").
			Set("label = EXCLUDED.label").Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: add holiday %s: %w", h.Day, err)
		}
		return h.Day, h.Label, nil
	})
}

// RemoveHoliday removes a closed day of by.Academy.
func (db *DB) RemoveHoliday(ctx context.Context, by Editor, day string) error {
	return db.audited(ctx, by, AuditHolidayRemove, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		res, err := tx.NewDelete().Model((*Holiday)(nil)).Where("academy_code = ?", by.Academy).
			Where("day = ?", day).Exec(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: remove holiday %s: %w", day, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", "", fmt.Errorf("store: holiday %s: %w", day, ErrNotFound)
		}
		return day, "", nil
	})
}
