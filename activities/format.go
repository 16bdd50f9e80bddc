package activities

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// location returns the time zone of dates in mails.
func (a *Activities) location() *time.Location {
	if a.Location != nil {
		return a.Location
	}
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}

// frenchDateTime writes t as "lundi 7 décembre 2026 à 10:05" in loc.
func frenchDateTime(t time.Time, loc *time.Location) string {
	frenchWeekdays := [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
	t = t.In(loc)
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d à %02d:%02d", frenchWeekdays[t.Weekday()], day,
		frenchMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// render turns paragraphs into the plain-text body and its HTML
// alternative; every text is escaped, line breaks kept, and the ticket link
// made clickable.
func render(paras []string, link string) (text, htmlBody string) {
	text = strings.Join(paras, "\n\n")
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"></head><body style="font-family:Marianne,Arial,sans-serif">`)
	b.WriteString("<p>Bonjour,</p>")
	for _, p := range paras {
		esc := strings.ReplaceAll(html.EscapeString(p), "\n", "<br>")
		if el := html.EscapeString(link); strings.Contains(esc, el) {
			esc = strings.Replace(esc, el, `<a href="`+el+`">`+el+`</a>`, 1)
		}
		b.WriteString("<p>" + esc + "</p>")
	}
	b.WriteString("<p>-- <br>Guichet, l'assistance de votre académie</p></body></html>")
	return text, b.String()
}
