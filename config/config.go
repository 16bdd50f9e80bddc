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
}

// Database selects the application database.
type Database struct {
	Driver string `mapstructure:"driver"` // sqlite or postgres
	DSN    string `mapstructure:"dsn"`    // empty with sqlite: <data_dir>/guichet.db
}

// Temporal configures the Temporal client and, with `guichet dev`, the
// embedded server.
type Temporal struct {
	HostPort  string        `mapstructure:"host_port"`
	Namespace string        `mapstructure:"namespace"`
	TaskQueue string        `mapstructure:"task_queue"`
	UIAddr    string        `mapstructure:"ui_addr"` // embedded Web UI (dev only)
	UIURL     string        `mapstructure:"ui_url"`  // public Web UI URL for links
	Retention time.Duration `mapstructure:"retention"`
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
}
