package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
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
	if strings.ContainsRune(c.Web.SpoolDir, 0) {
		v.add("web.spool_dir", c.Web.SpoolDir, "a directory path, or empty for <data_dir>/spool")
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
	v.temporalServer(c.Temporal.Server)

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
	if c.Mail.MaxMessageBytes <= 0 {
		v.add("mail.max_message_bytes", strconv.FormatInt(c.Mail.MaxMessageBytes, 10), "a positive size like 10MiB")
	}
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
	if c.Worker.ReconcileInterval != 0 && c.Worker.ReconcileInterval < 10*time.Second {
		v.add("worker.reconcile_interval", c.Worker.ReconcileInterval.String(), "a duration of at least 10s like 5m, or 0 to disable")
	}
	if c.Worker.WorkflowCacheSize < 1 {
		v.add("worker.workflow_cache_size", strconv.Itoa(c.Worker.WorkflowCacheSize), "a number of workflows of at least 1, like 3000")
	}

	for i, r := range c.Auth.TOTPRequiredRoles {
		v.oneOf(fmt.Sprintf("auth.totp_required_roles[%d]", i), r, roles()...)
	}
	v.nonEmpty("auth.totp_issuer", c.Auth.TOTPIssuer, "the name authenticator apps show, like Guichet")
	if c.Auth.TOTPKey != "" && len(c.Auth.TOTPKey) < 16 {
		v.add("auth.totp_key", c.Auth.TOTPKey, "a secret of at least 16 characters, or empty")
	}
	if c.Webhooks.SecretKey != "" && len(c.Webhooks.SecretKey) < 16 {
		v.add("webhooks.secret_key", c.Webhooks.SecretKey, "a secret of at least 16 characters, or empty")
	}
	if c.API.RateLimit < 0 {
		v.add("api.rate_limit", strconv.Itoa(c.API.RateLimit), "a number of requests per minute and token, like 600, or 0 for no limit")
	}
	if c.Auth.MaxFailuresPerLogin < 1 {
		v.add("auth.max_failures_per_login", strconv.Itoa(c.Auth.MaxFailuresPerLogin), "a number of failed sign-ins of at least 1, like 5")
	}
	if c.Auth.MaxFailuresPerAddress < 1 {
		v.add("auth.max_failures_per_address", strconv.Itoa(c.Auth.MaxFailuresPerAddress), "a number of failed sign-ins of at least 1, like 20")
	}
	v.positive("auth.failure_window", c.Auth.FailureWindow)
	if c.Directory.SyncInterval < 0 || (c.Directory.SyncInterval > 0 && c.Directory.SyncInterval < time.Minute) {
		v.add("directory.sync_interval", c.Directory.SyncInterval.String(), "a duration of at least 1m like 6h, or 0 to disable")
	}

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
		if a.LDAP != nil {
			v.ldap(key+".ldap", *a.LDAP)
		}
	}
	return v.err()
}

// roles lists the role names a configuration may name.
func roles() []string {
	return []string{"requester", "technician", "supervisor", "administrator"}
}

func (v *validator) ldap(key string, l LDAP) {
	u, err := url.Parse(l.URL)
	switch {
	case err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Host == "":
		v.add(key+".url", l.URL, "an ldap:// or ldaps:// URL like ldaps://ldap.ac-creteil.fr:636")
	case u.Scheme == "ldaps" && l.StartTLS:
		v.add(key+".start_tls", "true", "false with an ldaps:// URL (already TLS)")
	}
	if l.CAFile != "" {
		if _, err := os.Stat(l.CAFile); err != nil {
			v.add(key+".ca_file", l.CAFile, "a readable PEM file of CA certificates, or empty for the system's")
		}
	}
	v.nonEmpty(key+".base_dn", l.BaseDN, "the DN under which users are searched, like ou=people,dc=ac-creteil,dc=fr")
	if !strings.HasPrefix(l.UserFilter, "(") || !strings.Contains(l.UserFilter, "{login}") {
		v.add(key+".user_filter", l.UserFilter, "an LDAP filter containing {login}, like (&(objectClass=inetOrgPerson)(uid={login}))")
	}
	if l.BindDN != "" && l.BindPassword == "" {
		v.add(key+".bind_password", "", "the service account's password when bind_dn is set")
	}
	v.nonEmpty(key+".attributes.login", l.Attributes.Login, "an attribute name like uid")
	v.nonEmpty(key+".attributes.last_name", l.Attributes.LastName, "an attribute name like sn")
	v.nonEmpty(key+".attributes.first_name", l.Attributes.FirstName, "an attribute name like givenName")
	for i, r := range l.RoleRules {
		rk := fmt.Sprintf("%s.role_rules[%d]", key, i)
		v.nonEmpty(rk+".group", r.Group, "a group DN like cn=support,ou=groups,dc=ac-creteil,dc=fr, or a group cn")
		v.oneOf(rk+".role", r.Role, roles()...)
	}
	v.positive(key+".timeout", l.Timeout)
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

// temporalServer checks the settings of `guichet temporal`; an empty
// postgres_dsn is refused by that command only.
func (v *validator) temporalServer(s TemporalServer) {
	v.listenIP("temporal.server.addr", s.Addr, false)
	v.listenIP("temporal.server.ui_addr", s.UIAddr, true)
	if s.PostgresDSN != "" {
		if u, err := url.Parse(s.PostgresDSN); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			v.add("temporal.server.postgres_dsn", "(hidden)", "a PostgreSQL URL like postgres://temporal:secret@db:5432/postgres?sslmode=disable")
		}
	}
	for _, k := range []struct{ key, value string }{
		{"temporal.server.database", s.Database},
		{"temporal.server.visibility_database", s.VisibilityDatabase},
	} {
		if !pgIdentifier.MatchString(k.value) {
			v.add(k.key, k.value, "a database name of lower-case letters, digits and _ (63 at most), not starting with a digit")
		}
	}
	if s.Database != "" && s.Database == s.VisibilityDatabase {
		v.add("temporal.server.visibility_database", s.VisibilityDatabase, "a database other than temporal.server.database")
	}
}

var pgIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// listenIP checks an address the embedded Temporal server binds on: the
// host must be an IP literal, localhost or empty (both meaning 127.0.0.1).
func (v *validator) listenIP(key, value string, optional bool) {
	if value == "" && optional {
		return
	}
	host, port, err := net.SplitHostPort(value)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 || (host != "" && host != "localhost" && net.ParseIP(host) == nil) {
		exp := "an address ip:port like 127.0.0.1:7233 or 0.0.0.0:7233 (an IP address, not a host name)"
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
