package workflows

import (
	"testing"
	"time"
)

func TestPickupDeadlineCountsOnlyOpeningHours(t *testing.T) {
	loc := paris(t)
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, loc) }
	tests := []struct {
		name  string
		from  time.Time
		d     time.Duration
		hours OpeningHours
		want  time.Time
	}{
		{"a ticket filed on a working morning is due ten minutes later",
			at(2024, 3, 4, 10, 0), 10 * time.Minute, defaultHours(), at(2024, 3, 4, 10, 10)},
		{"a ticket filed Friday at 17:55 is due Monday at 08:05",
			at(2024, 3, 8, 17, 55), 10 * time.Minute, defaultHours(), at(2024, 3, 11, 8, 5)},
		{"a ticket filed at 22:00 is due at 08:10 the next working day",
			at(2024, 3, 5, 22, 0), 10 * time.Minute, defaultHours(), at(2024, 3, 6, 8, 10)},
		{"a ticket filed before opening is due ten minutes after opening",
			at(2024, 3, 5, 6, 30), 10 * time.Minute, defaultHours(), at(2024, 3, 5, 8, 10)},
		{"a ticket filed exactly at closing waits for the next day",
			at(2024, 3, 5, 18, 0), 10 * time.Minute, defaultHours(), at(2024, 3, 6, 8, 10)},
		{"a ticket filed on Saturday is due Monday at 08:10",
			at(2024, 3, 9, 11, 0), 10 * time.Minute, defaultHours(), at(2024, 3, 11, 8, 10)},
		{"a ticket filed on 14 July is due the next working day at 08:10",
			at(2025, 7, 14, 10, 0), 10 * time.Minute, defaultHours(), at(2025, 7, 15, 8, 10)},
		{"a ticket filed the evening before Easter Monday is due Tuesday at 08:10",
			at(2024, 3, 29, 19, 0), 10 * time.Minute, defaultHours(), at(2024, 4, 2, 8, 10)},
		{"a ticket filed before the 8 May and Ascension holidays is due after them",
			at(2024, 5, 7, 17, 58), 10 * time.Minute, defaultHours(), at(2024, 5, 10, 8, 8)},
		{"without a holiday calendar 14 July is a working day",
			at(2025, 7, 14, 10, 0), 10 * time.Minute, OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00", Days: []int{1, 2, 3, 4, 5}, Holidays: "none"}, at(2025, 7, 14, 10, 10)},
		{"a closed day set by supervisors is skipped like a holiday",
			at(2026, 12, 23, 17, 55), 10 * time.Minute, OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00", Days: []int{1, 2, 3, 4, 5}, Holidays: "fr", ClosedDays: []string{"2026-12-24"}}, at(2026, 12, 28, 8, 5)},
		{"a deadline longer than a day spans several working days",
			at(2024, 3, 8, 17, 0), 11 * time.Hour, defaultHours(), at(2024, 3, 11, 18, 0)},
		{"the day clocks change opens at 08:00 local time",
			at(2024, 3, 30, 12, 0), 10 * time.Minute, OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00", Days: []int{7}, Holidays: "fr"}, at(2024, 3, 31, 8, 10)},
		{"a weekend platform works on Sunday",
			at(2024, 3, 10, 9, 0), 10 * time.Minute, OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "12:00", Days: []int{6, 7}, Holidays: "none"}, at(2024, 3, 10, 9, 10)},
		{"invalid opening hours fall back to wall-clock time",
			at(2024, 3, 9, 11, 0), 10 * time.Minute, OpeningHours{TimeZone: "Nowhere/Town", Open: "08:00", Close: "18:00", Days: []int{1}}, at(2024, 3, 9, 11, 10)},
		{"opening hours without days fall back to wall-clock time",
			at(2024, 3, 9, 11, 0), 10 * time.Minute, OpeningHours{TimeZone: "Europe/Paris", Open: "08:00", Close: "18:00"}, at(2024, 3, 9, 11, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PickupDeadline(tt.from, tt.d, tt.hours)
			if !got.Equal(tt.want) {
				t.Errorf("PickupDeadline(%v, %v) = %v, want %v", tt.from, tt.d, got.In(tt.want.Location()), tt.want)
			}
		})
	}
}

func TestOpeningHoursValidationNamesTheProblem(t *testing.T) {
	tests := []struct {
		name  string
		hours OpeningHours
		ok    bool
	}{
		{"the default hours are valid", defaultHours(), true},
		{"an unknown time zone is invalid", OpeningHours{TimeZone: "Mars/Olympus", Open: "08:00", Close: "18:00", Days: []int{1}}, false},
		{"a malformed hour is invalid", OpeningHours{TimeZone: "UTC", Open: "8h", Close: "18:00", Days: []int{1}}, false},
		{"closing before opening is invalid", OpeningHours{TimeZone: "UTC", Open: "18:00", Close: "08:00", Days: []int{1}}, false},
		{"day 0 is invalid", OpeningHours{TimeZone: "UTC", Open: "08:00", Close: "18:00", Days: []int{0}}, false},
		{"an unknown holiday calendar is invalid", OpeningHours{TimeZone: "UTC", Open: "08:00", Close: "18:00", Days: []int{1}, Holidays: "de"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.hours.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestPriorityFollowsTheITILMatrix(t *testing.T) {
	tests := []struct{ urgency, impact, want int }{
		{1, 1, 1}, {1, 2, 2}, {2, 1, 2}, {2, 2, 3}, {1, 3, 3}, {2, 3, 4}, {3, 3, 5},
	}
	for _, tt := range tests {
		if got := Priority(tt.urgency, tt.impact); got != tt.want {
			t.Errorf("Priority(%d, %d) = P%d, want P%d", tt.urgency, tt.impact, got, tt.want)
		}
	}
}
