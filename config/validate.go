package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Validate checks every value and returns all problems found, joined, each
// an *Error naming the key, the value and what is expected.
func (c Config) Validate() error {
	var v validator
	v.nonEmpty("data_dir", c.DataDir, "a directory path")
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "json", "text")

	v.hostPort("web.addr", c.Web.Addr, false)
	v.absURL("web.base_url", c.Web.BaseURL, false)
	v.positive("web.session_idle", c.Web.SessionIdle)
	v.positive("web.session_max", c.Web.SessionMax)
	if c.Web.SessionIdle > 0 && c.Web.SessionMax > 0 && c.Web.SessionIdle > c.Web.SessionMax {
		v.add("web.session_idle", c.Web.SessionIdle.String(),
			fmt.Sprintf("at most web.session_max (%s)", c.Web.SessionMax))
	}
	if c.Web.ShutdownGrace < 0 {
		v.add("web.shutdown_grace", c.Web.ShutdownGrace.String(), "a duration of zero or more, like 15s")
	}

	if v.oneOf("database.driver", c.Database.Driver, "sqlite", "postgres") && c.Database.Driver == "postgres" {
		if c.Database.DSN == "" {
			v.add("database.dsn", "", "a PostgreSQL URL like postgres://guichet:secret@db:5432/guichet?sslmode=disable when database.driver is postgres")
		} else if u, err := url.Parse(c.Database.DSN); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			v.add("database.dsn", "(hidden)", "a PostgreSQL URL starting with postgres:// or postgresql://")
		}
	}

	v.hostPort("temporal.host_port", c.Temporal.HostPort, false)
	v.nonEmpty("temporal.namespace", c.Temporal.Namespace, "a Temporal namespace name")
	v.nonEmpty("temporal.task_queue", c.Temporal.TaskQueue, "a task queue name")
	v.hostPort("temporal.ui_addr", c.Temporal.UIAddr, true)
	v.absURL("temporal.ui_url", c.Temporal.UIURL, true)
	if c.Temporal.Retention < 24*time.Hour {
		v.add("temporal.retention", c.Temporal.Retention.String(), "a duration of at least 24h (Temporal's minimum), like 720h")
	}

	if c.Mail.From == "" {
		v.add("mail.from", "", `a mail address like "Guichet <guichet@example.org>"`)
	} else if _, err := mail.ParseAddress(c.Mail.From); err != nil {
		v.add("mail.from", c.Mail.From, `a mail address like "Guichet <guichet@example.org>"`)
	}
	if c.Mail.SMTPPort < 1 || c.Mail.SMTPPort > 65535 {
		v.add("mail.smtp_port", strconv.Itoa(c.Mail.SMTPPort), "a port number from 1 to 65535")
	}
	v.oneOf("mail.smtp_tls", c.Mail.SMTPTLS, "none", "starttls", "tls")
	if c.Mail.SMTPHost != "" && strings.ContainsAny(c.Mail.SMTPHost, " :/") {
		v.add("mail.smtp_host", c.Mail.SMTPHost, "a host name or IP address without port (the port is mail.smtp_port)")
	}
	v.hostPort("mail.listen_addr", c.Mail.ListenAddr, true)
	if !validDomain(c.Mail.ReplyDomain) {
		v.add("mail.reply_domain", c.Mail.ReplyDomain, "a mail domain like guichet.ac-creteil.fr")
	}

	v.positive("tickets.pickup_deadline", c.Tickets.PickupDeadline)
	v.positive("tickets.validation_deadline", c.Tickets.ValidationDeadline)
	v.positive("tickets.validation_reminder", c.Tickets.ValidationReminder)
	v.positive("tickets.waiting_reminder", c.Tickets.WaitingReminder)
	if c.Tickets.ValidationReminder > 0 && c.Tickets.ValidationReminder >= c.Tickets.ValidationDeadline {
		v.add("tickets.validation_reminder", c.Tickets.ValidationReminder.String(),
			fmt.Sprintf("less than tickets.validation_deadline (%s)", c.Tickets.ValidationDeadline))
	}
	v.openingHours("tickets.opening_hours", c.Tickets.OpeningHours)
	if c.Tickets.MaxFileBytes <= 0 {
		v.add("tickets.max_file_bytes", strconv.FormatInt(c.Tickets.MaxFileBytes, 10), "a positive size like 10MiB")
	}
	if c.Tickets.MaxTicketBytes < c.Tickets.MaxFileBytes {
		v.add("tickets.max_ticket_bytes", strconv.FormatInt(c.Tickets.MaxTicketBytes, 10),
			fmt.Sprintf("at least tickets.max_file_bytes (%d)", c.Tickets.MaxFileBytes))
	}

	v.hostPort("worker.addr", c.Worker.Addr, true)
	v.positive("worker.resume_interval", c.Worker.ResumeInterval)

	if len(c.Academies) == 0 {
		v.add("academies", "[]", "at least one académie with a code and a name")
	}
	seen := map[string]int{}
	for i, a := range c.Academies {
		key := fmt.Sprintf("academies[%d]", i)
		switch {
		case !academyCode.MatchString(a.Code):
			v.add(key+".code", a.Code, "a code of lower-case letters, digits and dashes, like creteil")
		case seen[a.Code] > 0:
			v.add(key+".code", a.Code, fmt.Sprintf("a code not already used (academies[%d] has it)", seen[a.Code]-1))
		default:
			seen[a.Code] = i + 1
		}
		v.nonEmpty(key+".name", a.Name, "the académie's name, like Créteil")
		if a.OpeningHours != nil {
			v.openingHours(key+".opening_hours", *a.OpeningHours)
		}
	}
	return v.err()
}

var academyCode = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validator collects problems.
type validator struct{ errs []error }

func (v *validator) add(key, value, expected string) {
	v.errs = append(v.errs, &Error{Key: key, Value: display(key, value), Expected: expected})
}

func (v *validator) err() error { return errors.Join(v.errs...) }

func (v *validator) nonEmpty(key, value, expected string) {
	if strings.TrimSpace(value) == "" {
		v.add(key, value, expected)
	}
}

func (v *validator) oneOf(key, value string, allowed ...string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	v.add(key, value, "one of "+strings.Join(allowed, ", "))
	return false
}

func (v *validator) positive(key string, d time.Duration) {
	if d <= 0 {
		v.add(key, d.String(), "a positive duration like 10m or 1h30m")
	}
}

func (v *validator) hostPort(key, value string, optional bool) {
	if value == "" && optional {
		return
	}
	host, port, err := net.SplitHostPort(value)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
		exp := "an address host:port like 127.0.0.1:8080 or :8080"
		if optional {
			exp += ", or empty to disable"
		}
		v.add(key, value, exp)
	}
}

func (v *validator) absURL(key, value string, optional bool) {
	if value == "" && optional {
		return
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(key, value, "an absolute http:// or https:// URL like https://guichet.ac-creteil.fr")
	}
}

func (v *validator) openingHours(key string, o OpeningHours) {
	if o.TimeZone == "" {
		v.add(key+".time_zone", "", "an IANA time zone like Europe/Paris")
	} else if _, err := time.LoadLocation(o.TimeZone); err != nil {
		v.add(key+".time_zone", o.TimeZone, "an IANA time zone like Europe/Paris")
	}
	open, okOpen := clock(o.Open)
	if !okOpen {
		v.add(key+".open", o.Open, "a time of day HH:MM like 08:00")
	}
	closing, okClose := clock(o.Close)
	if !okClose {
		v.add(key+".close", o.Close, "a time of day HH:MM like 18:00")
	}
	if okOpen && okClose && open >= closing {
		v.add(key+".close", o.Close, fmt.Sprintf("a time after %s.open (%s)", key, o.Open))
	}
	if len(o.Days) == 0 {
		v.add(key+".days", "[]", "at least one day number from 1 (Monday) to 7 (Sunday)")
	}
	seen := map[int]bool{}
	for _, d := range o.Days {
		if d < 1 || d > 7 || seen[d] {
			v.add(key+".days", fmt.Sprint(o.Days), "distinct day numbers from 1 (Monday) to 7 (Sunday)")
			break
		}
		seen[d] = true
	}
	v.oneOf(key+".holidays", o.Holidays, "fr", "none")
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
