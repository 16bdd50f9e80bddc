package config

import (
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// DefaultWorkflowCacheSize is worker.workflow_cache_size's default. A
// cached ticket workflow costs about 65 KiB of worker RSS (measured with
// `guichet bench`, see the README's row), so 3,000 cost ~200 MiB whatever
// the number of open tickets; the SDK's own default, 10,000, would take
// ~650 MiB.
const DefaultWorkflowCacheSize = 3000

// Defaults returns the configuration used when nothing else is given: the
// embedded default stack (`guichet dev`) on this machine's loopback.
func Defaults() Config {
	return Config{
		DataDir: "./data",
		Log:     Log{Level: "info", Format: "json"},
		Web: Web{
			Addr:          "127.0.0.1:8080",
			BaseURL:       "http://127.0.0.1:8080",
			SessionIdle:   8 * time.Hour,
			SessionMax:    72 * time.Hour,
			SecureCookies: false,
			ShutdownGrace: 15 * time.Second,
		},
		Database: Database{Driver: "sqlite"},
		Temporal: Temporal{
			HostPort:  "127.0.0.1:7233",
			Namespace: "default",
			TaskQueue: "guichet-tickets",
			UIAddr:    "127.0.0.1:8233",
			UIURL:     "http://127.0.0.1:8233",
			// The Web UI has no sign-in: writing from it would bypass Guichet's rules.
			UIWriteActions: false,
			Retention:      720 * time.Hour,
			Server: TemporalServer{
				Addr:               "127.0.0.1:7233",
				Database:           "temporal",
				VisibilityDatabase: "temporal_visibility",
			},
		},
		Mail: Mail{
			From:        "Guichet <guichet@localhost>",
			SMTPPort:    25,
			SMTPTLS:     "none",
			ReplyDomain: "localhost",

			MaxMessageBytes: 10 << 20,
		},
		Tickets: Tickets{
			PickupDeadline:     10 * time.Minute,
			ValidationDeadline: 168 * time.Hour,
			ValidationReminder: 120 * time.Hour,
			WaitingReminder:    72 * time.Hour,
			OpeningHours: OpeningHours{
				TimeZone: "Europe/Paris",
				Open:     "08:00",
				Close:    "18:00",
				Days:     []int{1, 2, 3, 4, 5},
				Holidays: "fr",
			},
			MaxFileBytes:   10 << 20,
			MaxTicketBytes: 25 << 20,
		},
		Worker: Worker{ResumeInterval: 10 * time.Second, ReconcileInterval: 5 * time.Minute,
			WorkflowCacheSize: DefaultWorkflowCacheSize},
		Auth: Auth{
			TOTPRequiredRoles:     []string{},
			TOTPIssuer:            "Guichet",
			MaxFailuresPerLogin:   5,
			MaxFailuresPerAddress: 20,
			FailureWindow:         15 * time.Minute,
		},
		Directory: Directory{SyncInterval: 6 * time.Hour},
		API:       API{RateLimit: 600},
		Academies: []Academy{
			{Code: "creteil", Name: "Créteil"},
			{Code: "rouen", Name: "Rouen"},
			{Code: "versailles", Name: "Versailles"},
		},
	}
}

// DatabaseDSN is the DSN to give store.Open: database.dsn, or for SQLite
// with an empty DSN the file <data_dir>/guichet.db.
func (c Config) DatabaseDSN() string {
	if c.Database.DSN == "" && c.Database.Driver == "sqlite" {
		return filepath.Join(c.DataDir, "guichet.db")
	}
	return c.Database.DSN
}

// SpoolDirectory is where submissions refused by the database are kept:
// web.spool_dir, or <data_dir>/spool when it is empty.
func (c Config) SpoolDirectory() string {
	if c.Web.SpoolDir == "" {
		return filepath.Join(c.DataDir, "spool")
	}
	return c.Web.SpoolDir
}

// OpeningHoursFor returns the opening hours of an académie: its own when set,
// otherwise tickets.opening_hours.
func (c Config) OpeningHoursFor(code string) OpeningHours {
	for _, a := range c.Academies {
		if a.Code == code && a.OpeningHours != nil {
			return *a.OpeningHours
		}
	}
	return c.Tickets.OpeningHours
}

// Location loads the opening hours' time zone (validated by Load).
func (o OpeningHours) Location() (*time.Location, error) {
	return time.LoadLocation(o.TimeZone)
}

// Warnings lists settings that are accepted but probably wrong for a
// production deployment; main logs them at start-up.
func (c Config) Warnings() []string {
	var w []string
	production := c.Database.Driver == "postgres"
	if c.Mail.ReplySecret == "" && c.Mail.ListenAddr != "" {
		w = append(w, "mail.reply_secret is empty: reply addresses in outgoing mail are not signed, anyone can forge a reply to any ticket")
	}
	if strings.HasPrefix(c.Web.BaseURL, "https://") && !c.Web.SecureCookies {
		w = append(w, "web.base_url is https but web.secure_cookies is false: session cookies will be sent without the Secure flag")
	}
	if production && c.Mail.SMTPHost == "" {
		w = append(w, "mail.smtp_host is empty: mail is only kept in the built-in mailbox, nothing is sent")
	}
	if production && c.Auth.TOTPKey == "" {
		w = append(w, "auth.totp_key is empty: TOTP secrets are stored unencrypted in the database")
	}
	if production && c.WebhookSecretKey() == "" {
		w = append(w, "webhooks.secret_key and mail.reply_secret are empty: new webhook signing secrets are stored in clear in the database")
	}
	if production && isLoopbackURL(c.Web.BaseURL) {
		w = append(w, "web.base_url points to the loopback address: links in mails will not work for users")
	}
	return w
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// normalize tidies values the operator may write loosely.
func (c *Config) normalize() {
	c.Log.Level = strings.ToLower(strings.TrimSpace(c.Log.Level))
	c.Log.Format = strings.ToLower(strings.TrimSpace(c.Log.Format))
	c.Database.Driver = strings.ToLower(strings.TrimSpace(c.Database.Driver))
	c.Mail.SMTPTLS = strings.ToLower(strings.TrimSpace(c.Mail.SMTPTLS))
	c.Web.BaseURL = strings.TrimRight(strings.TrimSpace(c.Web.BaseURL), "/")
	c.Temporal.UIURL = strings.TrimRight(strings.TrimSpace(c.Temporal.UIURL), "/")
	c.Tickets.OpeningHours.Holidays = strings.ToLower(strings.TrimSpace(c.Tickets.OpeningHours.Holidays))
	for i := range c.Academies {
		if oh := c.Academies[i].OpeningHours; oh != nil {
			oh.Holidays = strings.ToLower(strings.TrimSpace(oh.Holidays))
		}
		if l := c.Academies[i].LDAP; l != nil {
			l.FillDefaults()
		}
	}
	for i, r := range c.Auth.TOTPRequiredRoles {
		c.Auth.TOTPRequiredRoles[i] = strings.ToLower(strings.TrimSpace(r))
	}
}

// DefaultLDAP is an académie's LDAP block before its url, base_dn and
// service account are given: OpenLDAP (inetOrgPerson) attribute names.
func DefaultLDAP() LDAP {
	return LDAP{
		UserFilter: "(&(objectClass=inetOrgPerson)(uid={login}))",
		Timeout:    10 * time.Second,
		Attributes: LDAPAttributes{
			Login: "uid", LastName: "sn", FirstName: "givenName", Mail: "mail",
			Phone: "telephoneNumber", Location: "l", Entity: "o", Service: "ou",
			Office: "roomNumber", Groups: "memberOf",
		},
	}
}

// FillDefaults gives every empty setting of l its DefaultLDAP value (list
// elements get no viper defaults, so Load calls this).
func (l *LDAP) FillDefaults() {
	d := DefaultLDAP()
	l.URL = strings.TrimSpace(l.URL)
	if l.UserFilter == "" {
		l.UserFilter = d.UserFilter
	}
	if l.Timeout == 0 {
		l.Timeout = d.Timeout
	}
	a, da := &l.Attributes, d.Attributes
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&a.Login, da.Login}, {&a.LastName, da.LastName}, {&a.FirstName, da.FirstName},
		{&a.Mail, da.Mail}, {&a.Phone, da.Phone}, {&a.Location, da.Location},
		{&a.Entity, da.Entity}, {&a.Service, da.Service}, {&a.Office, da.Office},
		{&a.Groups, da.Groups},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	for i := range l.RoleRules {
		l.RoleRules[i].Role = strings.ToLower(strings.TrimSpace(l.RoleRules[i].Role))
	}
}
