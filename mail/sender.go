package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"guichet/config"
	"guichet/store"
)

// TLS modes of the SMTP relay connection (config key mail.smtp_tls).
const (
	TLSNone     = "none"     // plain SMTP
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (required)
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, port 465)
)

// Sender delivers the outbox. With an SMTP relay configured it sends each
// due mail through it, retrying failures with backoff; without one (the
// embedded default) the outbox is the built-in mailbox and mails are only
// marked captured. Several Senders (one per worker process) may run against
// the same database: each mail is claimed before it is sent.
type Sender struct {
	db       *store.DB
	logger   *slog.Logger
	relay    string // host:port; empty: built-in mailbox
	host     string
	tlsMode  string
	user     string
	password string
	from     string // envelope sender
	helo     string
	tlsCfg   *tls.Config
	poll     time.Duration
	timeout  time.Duration
	batch    int
	backoff  func(attempts int) time.Duration
	wake     chan struct{}
	err      error // configuration error, returned by Run and Flush
}

// SenderOption adjusts a Sender built by NewSender.
type SenderOption func(*Sender)

// WithPollInterval sets how often the outbox is checked when nothing calls
// Notify (default 5 s). Due retries are found by this poll.
func WithPollInterval(d time.Duration) SenderOption { return func(s *Sender) { s.poll = d } }

// WithTLSConfig sets the TLS configuration used to reach the relay (for
// example a private CA in RootCAs). ServerName defaults to the relay host.
func WithTLSConfig(c *tls.Config) SenderOption { return func(s *Sender) { s.tlsCfg = c } }

// WithTimeout bounds one SMTP session (connect, commands and data; default
// one minute).
func WithTimeout(d time.Duration) SenderOption { return func(s *Sender) { s.timeout = d } }

// WithBackoff sets the delay before retrying a mail that already failed
// attempts times. The default doubles from 30 s up to one hour. A mail is
// never retried sooner than the session timeout.
func WithBackoff(fn func(attempts int) time.Duration) SenderOption {
	return func(s *Sender) { s.backoff = fn }
}

// DefaultBackoff is the retry delay after attempts failures: 30 s doubled
// per failure, at most one hour. Mails are retried until they go out.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for range attempts {
		d *= 2
		if d >= time.Hour {
			return time.Hour
		}
	}
	return d
}

// NewSender returns the sender of db's outbox configured by cfg: SMTPHost
// empty selects the built-in mailbox; SMTPTLS is none, starttls (the
// default when empty) or tls; SMTPPort defaults to 25, 587 or 465 by TLS
// mode; SMTPUser, when set, authenticates with PLAIN.
//
// cfg is expected to be validated by the config package; an unusable From
// or TLS mode is reported by Err and makes Run and Flush fail at once.
func NewSender(db *store.DB, cfg config.Mail, logger *slog.Logger, opts ...SenderOption) *Sender {
	from, domain, err := parseFrom(cfg.From)
	if err != nil {
		from = &gomail.Address{}
	}
	s := &Sender{
		err:      err,
		db:       db,
		logger:   logger,
		host:     cfg.SMTPHost,
		tlsMode:  strings.ToLower(strings.TrimSpace(cfg.SMTPTLS)),
		user:     cfg.SMTPUser,
		password: cfg.SMTPPass,
		from:     from.Address,
		helo:     heloName(domain),
		poll:     5 * time.Second,
		timeout:  time.Minute,
		batch:    50,
		backoff:  DefaultBackoff,
		wake:     make(chan struct{}, 1),
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.tlsMode == "" {
		s.tlsMode = TLSStartTLS
	}
	port := cfg.SMTPPort
	switch s.tlsMode {
	case TLSNone:
		port = defaultPort(port, 25)
	case TLSStartTLS:
		port = defaultPort(port, 587)
	case TLSImplicit:
		port = defaultPort(port, 465)
	default:
		if s.err == nil {
			s.err = fmt.Errorf("mail: smtp_tls %q: want none, starttls or tls", cfg.SMTPTLS)
		}
	}
	if s.host != "" {
		s.relay = net.JoinHostPort(s.host, strconv.Itoa(port))
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Err returns the configuration error that prevents sending, if any.
func (s *Sender) Err() error { return s.err }

func defaultPort(p, def int) int {
	if p == 0 {
		return def
	}
	return p
}

// heloName is the name given in EHLO: the machine's name when it is fully
// qualified, else the From domain (relays often refuse a bare "localhost").
func heloName(domain string) string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		return h
	}
	return domain
}

// Captures reports whether this sender is the built-in mailbox (no relay).
func (s *Sender) Captures() bool { return s.relay == "" }

// Notify wakes Run so that newly queued mails go out at once. It never
// blocks.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers the outbox until ctx is done, on every Notify and at each
// poll interval. It returns nil when ctx is cancelled, and at once the
// configuration error if there is one.
func (s *Sender) Run(ctx context.Context) error {
	if s.err != nil {
		return s.err
	}
	if s.Captures() {
		s.logger.InfoContext(ctx, "mail: no SMTP relay configured, outgoing mail is captured by the built-in mailbox")
	} else {
		s.logger.InfoContext(ctx, "mail: sending through SMTP relay", "relay", s.relay, "tls", s.tlsMode, "auth", s.user != "")
		if s.user != "" && s.tlsMode == TLSNone {
			s.logger.WarnContext(ctx, "mail: SMTP password sent without TLS", "relay", s.relay)
		}
	}
	ticker := time.NewTicker(s.poll)
	defer ticker.Stop()
	for {
		if _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.logger.ErrorContext(ctx, "mail: outbox pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-ticker.C:
		}
	}
}

// Flush makes one pass over the outbox: every due mail is sent (or
// captured). It returns how many went out; mails that failed stay queued
// with their error and are retried after their backoff. The error is only
// about reading or updating the outbox.
func (s *Sender) Flush(ctx context.Context) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	done := 0
	for ctx.Err() == nil {
		mails, err := s.db.NextUnsent(ctx, s.batch)
		if err != nil {
			return done, fmt.Errorf("mail: flush: %w", err)
		}
		if len(mails) == 0 {
			return done, nil
		}
		progress := false
		for i := range mails {
			ok, handled, err := s.deliver(ctx, &mails[i])
			if err != nil {
				return done, err
			}
			if ok {
				done++
			}
			progress = progress || handled
		}
		if !progress {
			// Every row changed state under us (another sender): the next
			// query is the judge, but do not spin on a stuck row.
			return done, nil
		}
	}
	return done, nil
}

// deliver sends or captures one mail. ok is true when it went out; handled
// is true when its state changed (sent, captured, failed or claimed).
func (s *Sender) deliver(ctx context.Context, m *store.Mail) (ok, handled bool, err error) {
	// State changes are recorded even when ctx is cancelled mid-send.
	bg := context.WithoutCancel(ctx)
	if s.Captures() {
		if err := s.db.MarkCaptured(bg, m.ID, time.Now()); err != nil {
			return false, false, fmt.Errorf("mail: capture: %w", err)
		}
		s.logger.InfoContext(ctx, "mail: captured by the built-in mailbox", "mail_id", m.ID, "to", m.ToAddr, "ticket", m.TicketNumber, "subject", m.Subject)
		return true, true, nil
	}
	lease := max(s.timeout, s.backoff(m.Attempts))
	claimed, err := s.db.ClaimMail(ctx, m.ID, time.Now().Add(lease))
	if err != nil {
		return false, false, fmt.Errorf("mail: claim: %w", err)
	}
	if !claimed {
		return false, false, nil
	}
	if sendErr := s.send(ctx, m); sendErr != nil {
		if err := s.db.MarkFailed(bg, m.ID, sendErr.Error()); err != nil {
			return false, true, fmt.Errorf("mail: record failure: %w", err)
		}
		s.logger.WarnContext(ctx, "mail: delivery failed, will retry", "mail_id", m.ID, "to", m.ToAddr,
			"ticket", m.TicketNumber, "attempt", m.Attempts+1, "retry_in", lease, "error", sendErr)
		return false, true, nil
	}
	if err := s.db.MarkSent(bg, m.ID, time.Now()); err != nil {
		// The relay has the mail; if this is lost it goes out again once the
		// claim expires (at least once, never silently dropped).
		return true, true, fmt.Errorf("mail: record sent: %w", err)
	}
	s.logger.InfoContext(ctx, "mail: sent", "mail_id", m.ID, "to", m.ToAddr, "ticket", m.TicketNumber, "message_id", m.MessageID)
	return true, true, nil
}

// send delivers one mail in its own SMTP session.
func (s *Sender) send(ctx context.Context, m *store.Mail) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("relay %s: %w", s.relay, err)
		}
	}()
	dialer := net.Dialer{Timeout: s.timeout}
	conn, err := dialer.DialContext(ctx, "tcp", s.relay)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(s.timeout)); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() }) // only unblocks I/O: the send itself reports the error
	defer stop()

	var c *smtp.Client
	switch s.tlsMode {
	case TLSImplicit:
		c = smtp.NewClient(tls.Client(conn, s.clientTLS()))
	case TLSStartTLS:
		if c, err = smtp.NewClientStartTLS(conn, s.clientTLS()); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	default:
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	c.CommandTimeout = s.timeout
	c.SubmissionTimeout = s.timeout
	if err := c.Hello(s.helo); err != nil {
		return err
	}
	if s.user != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the relay does not offer AUTH")
		}
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.SendMail(s.from, []string{m.ToAddr}, bytes.NewReader(m.Raw)); err != nil {
		return err
	}
	// The relay accepted the data: the mail is sent whatever QUIT says.
	_ = c.Quit()
	return nil
}

// clientTLS returns the TLS configuration for the relay connection.
func (s *Sender) clientTLS() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.tlsCfg != nil {
		c = s.tlsCfg.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.host
	}
	return c
}
