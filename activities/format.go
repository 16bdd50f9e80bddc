package activities

import "time"

// location returns the time zone of dates in mails (Europe/Paris unless
// Activities.Location says otherwise).
func (a *Activities) location() *time.Location {
	if a.Location != nil {
		return a.Location
	}
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}
