// Package config loads Guichet's configuration: defaults, then a YAML file,
// then GUICHET_… environment variables. Viper stays inside this package;
// everything else receives the typed Config.
package config

import "time"

// Config is the whole typed configuration of a Guichet process.
type Config struct {
	// DataDir holds the embedded stack's files (SQLite databases, attachments).
	DataDir  string   `mapstructure:"data_dir"`
	Log      Log      `mapstructure:"log"`
	Web      Web      `mapstructure:"web"`
	Database Database `mapstructure:"database"`
	Temporal Temporal `mapstructure:"temporal"`
	Mail     Mail     `mapstructure:"mail"`
	Tickets  Tickets  `mapstructure:"tickets"`
	Worker   Worker   `mapstructure:"worker"`
	// Auth configures sign-in: second factor and rate limiting.
	Auth Auth `mapstructure:"auth"`
	// Directory configures the staff directory's synchronisation.
	Directory Directory `mapstructure:"directory"`
	// Webhooks configures the delivery of ticket events to subscriptions.
	Webhooks Webhooks `mapstructure:"webhooks"`
	// API configures the REST API (/api/v1).
	API API `mapstructure:"api"`
	// Academies lists the tenants served by this installation.
	Academies []Academy `mapstructure:"academies"`
}

// Log configures structured logging.
type Log struct {
	Level  string `mapstructure:"level"`  // debug, info, warn, error
	Format string `mapstructure:"format"` // json or text
}

// Web configures the HTTP server.
type Web struct {
	Addr          string        `mapstructure:"addr"`
	BaseURL       string        `mapstructure:"base_url"` // public URL used in mails
	SessionIdle   time.Duration `mapstructure:"session_idle"`
	SessionMax    time.Duration `mapstructure:"session_max"`
	SecureCookies bool          `mapstructure:"secure_cookies"`
	ShutdownGrace time.Duration `mapstructure:"shutdown_grace"`
	// DevTools enables the developer endpoints (/dev/mailbox.json); set by
	// `guichet dev`.
	DevTools bool `mapstructure:"dev_tools"`
	// SpoolDir keeps submissions the database refused until it answers
	// again; empty means <data_dir>/spool (see Config.SpoolDirectory).
	SpoolDir string `mapstructure:"spool_dir"`
}

// Database selects the application database.
type Database struct {
	Driver string `mapstructure:"driver"` // sqlite or postgres
	DSN    string `mapstructure:"dsn"`    // empty with sqlite: <data_dir>/guichet.db
}

// Temporal configures the Temporal client and, with `guichet dev`, the
// embedded server.
type Temporal struct {
	HostPort  string `mapstructure:"host_port"`
	Namespace string `mapstructure:"namespace"`
	TaskQueue string `mapstructure:"task_queue"`
	UIAddr    string `mapstructure:"ui_addr"` // embedded Web UI (dev only)
	UIURL     string `mapstructure:"ui_url"`  // public Web UI URL for links
	// UIWriteActions lets the Web UI run by `guichet dev` and `guichet
	// temporal` terminate, cancel, signal or reset workflows; off, it only reads.
	UIWriteActions bool          `mapstructure:"ui_write_actions"`
	Retention      time.Duration `mapstructure:"retention"`
	// Server configures `guichet temporal`, a Temporal server run by this
	// binary and persisted in PostgreSQL.
	Server TemporalServer `mapstructure:"server"`
}

// TemporalServer configures `guichet temporal`. Its namespace and retention
// are temporal.namespace and temporal.retention.
type TemporalServer struct {
	// Addr is the frontend gRPC listen address (an IP literal or localhost).
	Addr string `mapstructure:"addr"`
	// UIAddr is the Temporal Web UI listen address; empty runs no UI.
	UIAddr string `mapstructure:"ui_addr"`
	// PostgresDSN is a postgres:// URL of the PostgreSQL server; its database
	// is the one connected to while creating the two Temporal databases.
	PostgresDSN string `mapstructure:"postgres_dsn"`
	// Database and VisibilityDatabase are created if missing.
	Database           string `mapstructure:"database"`
	VisibilityDatabase string `mapstructure:"visibility_database"`
}

// Mail configures outgoing and incoming mail.
type Mail struct {
	From        string `mapstructure:"from"`
	SMTPHost    string `mapstructure:"smtp_host"` // empty: built-in mailbox only
	SMTPPort    int    `mapstructure:"smtp_port"`
	SMTPUser    string `mapstructure:"smtp_user"`
	SMTPPass    string `mapstructure:"smtp_password"`
	SMTPTLS     string `mapstructure:"smtp_tls"`    // none, starttls, tls
	ListenAddr  string `mapstructure:"listen_addr"` // incoming replies; empty disables
	ReplyDomain string `mapstructure:"reply_domain"`
	ReplySecret string `mapstructure:"reply_secret"`
	// MaxMessageBytes bounds an incoming reply (the listener refuses more).
	MaxMessageBytes int64 `mapstructure:"max_message_bytes"`
}

// Tickets holds the lifecycle durations and limits.
type Tickets struct {
	PickupDeadline     time.Duration `mapstructure:"pickup_deadline"`     // of opening hours
	ValidationDeadline time.Duration `mapstructure:"validation_deadline"` // after resolution
	ValidationReminder time.Duration `mapstructure:"validation_reminder"` // after resolution
	WaitingReminder    time.Duration `mapstructure:"waiting_reminder"`
	OpeningHours       OpeningHours  `mapstructure:"opening_hours"`
	MaxFileBytes       int64         `mapstructure:"max_file_bytes"`
	MaxTicketBytes     int64         `mapstructure:"max_ticket_bytes"`
}

// OpeningHours describes when a support platform works.
type OpeningHours struct {
	TimeZone string `mapstructure:"time_zone"`
	Open     string `mapstructure:"open"`     // "08:00"
	Close    string `mapstructure:"close"`    // "18:00"
	Days     []int  `mapstructure:"days"`     // 1=Monday … 7=Sunday
	Holidays string `mapstructure:"holidays"` // "fr" (French public holidays) or "none"
}

// Academy is one tenant.
type Academy struct {
	Code string `mapstructure:"code"`
	Name string `mapstructure:"name"`
	Logo string `mapstructure:"logo"`
	// OpeningHours overrides Tickets.OpeningHours for this académie when set.
	OpeningHours *OpeningHours `mapstructure:"opening_hours"`
	// LDAP, when set, signs this académie's staff in with their mail
	// credentials and feeds the directory synchronisation.
	LDAP *LDAP `mapstructure:"ldap"`
}

// Worker configures `guichet worker` processes (and the worker inside
// `guichet dev`).
type Worker struct {
	// Addr serves /healthz, /readyz and /metrics of a worker process;
	// empty disables it. Not used by `guichet dev` (the web app serves them).
	Addr string `mapstructure:"addr"`
	// ResumeInterval is how often submissions kept while Temporal was
	// unreachable are retried.
	ResumeInterval time.Duration `mapstructure:"resume_interval"`
	// ReconcileInterval is how often open tickets are compared with their
	// workflows, to find those ended outside Guichet; 0 disables it.
	ReconcileInterval time.Duration `mapstructure:"reconcile_interval"`
	// WorkflowCacheSize is the number of ticket workflows the Temporal SDK
	// keeps in memory (its sticky cache, one per process); a workflow
	// evicted from it replays its history on its next action.
	WorkflowCacheSize int `mapstructure:"workflow_cache_size"`
}

// Auth configures sign-in.
type Auth struct {
	// TOTPRequiredRoles lists the roles (requester, technician, supervisor,
	// administrator) whose holders must sign in with a TOTP code.
	TOTPRequiredRoles []string `mapstructure:"totp_required_roles"`
	// TOTPIssuer is the name shown by authenticator apps.
	TOTPIssuer string `mapstructure:"totp_issuer"`
	// TOTPKey encrypts TOTP secrets at rest (AES-256-GCM with a key derived
	// from it); empty stores them unencrypted (a warning in production).
	TOTPKey string `mapstructure:"totp_key"`
	// MaxFailuresPerLogin and MaxFailuresPerAddress are the failed sign-ins
	// allowed per login and per client address within FailureWindow.
	MaxFailuresPerLogin   int           `mapstructure:"max_failures_per_login"`
	MaxFailuresPerAddress int           `mapstructure:"max_failures_per_address"`
	FailureWindow         time.Duration `mapstructure:"failure_window"`
}

// Directory configures the staff directory.
type Directory struct {
	// SyncInterval is how often académies with LDAP are synchronised (a
	// Temporal schedule); zero disables the schedule.
	SyncInterval time.Duration `mapstructure:"sync_interval"`
}

// LDAP is an académie's directory server.
type LDAP struct {
	// URL is ldap://host:389 or ldaps://host:636.
	URL string `mapstructure:"url"`
	// StartTLS upgrades an ldap:// connection to TLS before binding.
	StartTLS bool `mapstructure:"start_tls"`
	// CAFile is a PEM file of the CAs trusted for the server's certificate;
	// empty uses the system's.
	CAFile string `mapstructure:"ca_file"`
	// BindDN and BindPassword are the service account searching users;
	// empty BindDN searches anonymously.
	BindDN       string `mapstructure:"bind_dn"`
	BindPassword string `mapstructure:"bind_password"`
	// BaseDN is where users are searched (whole subtree).
	BaseDN string `mapstructure:"base_dn"`
	// UserFilter finds one user; {login} is replaced by the escaped login.
	// With {login} replaced by * it lists every user for synchronisation.
	UserFilter string `mapstructure:"user_filter"`
	// Attributes maps directory attributes to a person's fields.
	Attributes LDAPAttributes `mapstructure:"attributes"`
	// RoleRules grant roles in the académie to members of groups.
	RoleRules []LDAPRoleRule `mapstructure:"role_rules"`
	// Timeout bounds connecting and each request.
	Timeout time.Duration `mapstructure:"timeout"`
}

// LDAPAttributes names the directory attribute of each person field.
type LDAPAttributes struct {
	Login     string `mapstructure:"login"`
	LastName  string `mapstructure:"last_name"`
	FirstName string `mapstructure:"first_name"`
	Mail      string `mapstructure:"mail"`
	Phone     string `mapstructure:"phone"`
	Location  string `mapstructure:"location"`
	Entity    string `mapstructure:"entity"`
	Service   string `mapstructure:"service"`
	Office    string `mapstructure:"office"`
	// Groups lists the DNs of the person's groups (memberOf).
	Groups string `mapstructure:"groups"`
	// Disabled marks a disabled account when it holds one of
	// DisabledValues (compared ignoring case); empty: never disabled.
	Disabled       string   `mapstructure:"disabled"`
	DisabledValues []string `mapstructure:"disabled_values"`
}

// LDAPRoleRule grants Role to members of Group (a DN, or a group's cn).
type LDAPRoleRule struct {
	Group string `mapstructure:"group"`
	Role  string `mapstructure:"role"`
}
