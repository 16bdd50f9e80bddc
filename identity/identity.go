// Package identity signs people in and keeps the staff directory: local
// accounts first, else the LDAP directory of their académie; an optional
// TOTP second factor; sign-in rate limiting counted in the database (so
// every web process shares it); the directory's synchronisation from LDAP
// (a Temporal workflow run on a schedule) and its import from CSV.
package identity

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"guichet/config"
	"guichet/store"
)

// Sign-in outcomes, tested with errors.Is. The French messages are the
// web's; these are for code and logs.
var (
	// ErrInvalidCredentials: unknown login or wrong password (never told
	// apart to the user). It is store.ErrInvalidCredentials.
	ErrInvalidCredentials = store.ErrInvalidCredentials
	// ErrAccountDisabled: right password, disabled account.
	ErrAccountDisabled = store.ErrAccountDisabled
	// ErrDirectoryUnavailable: the LDAP server could not be reached or
	// answered an error; the person should retry later.
	ErrDirectoryUnavailable = errors.New("directory unavailable")
	// ErrRateLimited: too many failed sign-ins; see RateLimitedError.
	ErrRateLimited = errors.New("too many failed sign-ins")
	// ErrInvalidCode: a wrong, expired or already used TOTP code.
	ErrInvalidCode = errors.New("invalid totp code")
	// ErrTOTPRequired: the second factor cannot be removed, a role of the
	// person requires it.
	ErrTOTPRequired = errors.New("totp required by role")
	// ErrNoPendingTOTP: no enrolment is in progress.
	ErrNoPendingTOTP = errors.New("no totp enrolment in progress")
)

// RateLimitedError says how long to wait before trying again.
type RateLimitedError struct {
	Wait time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("identity: too many failed sign-ins, retry in %s", e.Wait.Round(time.Second))
}

// Unwrap makes errors.Is(err, ErrRateLimited) hold.
func (e *RateLimitedError) Unwrap() error { return ErrRateLimited }

// Service is the identity service of one process. It is safe for
// concurrent use.
type Service struct {
	cfg  config.Config
	db   *store.DB
	log  *slog.Logger
	now  func() time.Time
	tls  map[string]*tls.Config // by académie, overriding ca_file (tests)
	seal sealer
}

// Option changes a Service made by New.
type Option func(*Service)

// WithClock makes the service read the time from now (tests: TOTP skew,
// rate-limit windows).
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// WithTLSConfig makes the service use tc for académie academy's LDAP
// server instead of one built from its ca_file (tests with a self-signed
// certificate).
func WithTLSConfig(academy string, tc *tls.Config) Option {
	return func(s *Service) { s.tls[academy] = tc }
}

// New returns the identity service.
func New(cfg config.Config, db *store.DB, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.Default()
	}
	s := &Service{cfg: cfg, db: db, log: log, now: time.Now, tls: map[string]*tls.Config{}, seal: newSealer(cfg.Auth.TOTPKey)}
	if s.cfg.Auth.TOTPIssuer == "" {
		s.cfg.Auth.TOTPIssuer = "Guichet"
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Config returns the configuration the service was made with.
func (s *Service) Config() config.Config { return s.cfg }

// academy returns the configuration of an académie.
func (s *Service) academy(code string) (config.Academy, bool) {
	for _, a := range s.cfg.Academies {
		if a.Code == code {
			return a, true
		}
	}
	return config.Academy{}, false
}

// LDAPAcademies lists the codes of the académies with an LDAP directory,
// in configuration order.
func (s *Service) LDAPAcademies() []string {
	var codes []string
	for _, a := range s.cfg.Academies {
		if a.LDAP != nil {
			codes = append(codes, a.Code)
		}
	}
	return codes
}
