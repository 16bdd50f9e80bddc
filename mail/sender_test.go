package mail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
)

// received is one message accepted by the test relay.
type received struct {
	from string
	to   []string
	data []byte
	tls  bool
	auth string
}

// relay is a real go-smtp server on loopback that keeps what it receives.
type relay struct {
	host     string
	port     int
	user     string // required login when set
	password string
	got      chan received
}

// startRelay starts an SMTP server on a free loopback port. With
// serverTLS and implicit false it offers STARTTLS; with implicit true the
// listener speaks TLS from the first byte.
func startRelay(t *testing.T, serverTLS *tls.Config, implicit bool, user, password string) *relay {
	t.Helper()
	r := &relay{user: user, password: password, got: make(chan received, 16)}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &relaySession{relay: r, conn: c}, nil
	}))
	s.Domain = "relay.test"
	s.AllowInsecureAuth = true
	s.ReadTimeout = time.Minute
	s.WriteTimeout = time.Minute
	if !implicit {
		s.TLSConfig = serverTLS
	}
	var (
		l   net.Listener
		err error
	)
	if implicit {
		l, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	r.host = "127.0.0.1"
	r.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		s.Close()
		<-done
	})
	return r
}

// next returns the next received message, failing the test if none comes
// (the bound only keeps a broken test from hanging).
func (r *relay) next(t *testing.T) received {
	t.Helper()
	select {
	case m := <-r.got:
		return m
	case <-time.After(30 * time.Second):
		t.Fatal("the relay received nothing")
		return received{}
	}
}

// none asserts the relay received nothing so far.
func (r *relay) none(t *testing.T) {
	t.Helper()
	select {
	case m := <-r.got:
		t.Fatalf("the relay received an unexpected message for %v", m.to)
	default:
	}
}

type relaySession struct {
	relay *relay
	conn  *smtp.Conn
	mu    sync.Mutex
	cur   received
}

func (s *relaySession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *relaySession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.relay.user || password != s.relay.password {
			return smtp.ErrAuthFailed
		}
		s.mu.Lock()
		s.cur.auth = user
		s.mu.Unlock()
		return nil
	}), nil
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.relay.user != "" && s.cur.auth == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	m := s.cur
	s.mu.Unlock()
	m.data = b
	_, m.tls = s.conn.TLSConnectionState()
	s.relay.got <- m
	return nil
}

func (s *relaySession) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = received{auth: s.cur.auth}
}

func (s *relaySession) Logout() error { return nil }

// selfSigned returns a server TLS config for 127.0.0.1 and a client config
// trusting it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "relay.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// queueOne queues one mail for agent@ac-creteil.fr and returns its row.
func queueOne(t *testing.T, db *store.DB, key string, notify func()) store.Mail {
	t.Helper()
	ctx := context.Background()
	opts := []mail.OutboxOption{mail.WithLogger(quietLogger())}
	if notify != nil {
		opts = append(opts, mail.WithNotify(notify))
	}
	outbox := newOutbox(t, db, testMailConfig, opts...)
	if _, err := outbox.Queue(ctx, mail.Message{
		DedupeKey: key, TicketNumber: "I260416_0213",
		To:      []string{"Agnès Dupont <agnes.dupont@ac-creteil.fr>"},
		Subject: "Ticket I260416_0213 : prise en compte", Text: "Votre demande est prise en compte.\n",
		HTML: "<p>Votre demande est prise en compte.</p>",
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.ListMailsForTicket(ctx, "I260416_0213")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if strings.HasPrefix(r.DedupeKey, key+"|") {
			full, err := db.GetMail(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			return *full
		}
	}
	t.Fatalf("mail %s not queued", key)
	return store.Mail{}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func relayConfig(r *relay, tlsMode, user, password string) config.Mail {
	cfg := testMailConfig
	cfg.SMTPHost = r.host
	cfg.SMTPPort = r.port
	cfg.SMTPTLS = tlsMode
	cfg.SMTPUser = user
	cfg.SMTPPass = password
	return cfg
}

func TestSenderDeliversThroughRelay(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	tests := []struct {
		name      string
		tlsMode   string
		implicit  bool
		user      string
		wantTLS   bool
		serverTLS *tls.Config
	}{
		{name: "plain SMTP without TLS", tlsMode: mail.TLSNone},
		{name: "STARTTLS with a self-signed certificate", tlsMode: mail.TLSStartTLS, serverTLS: serverTLS, wantTLS: true},
		{name: "implicit TLS with authentication", tlsMode: mail.TLSImplicit, implicit: true, serverTLS: serverTLS, user: "guichet", wantTLS: true},
		{name: "STARTTLS with authentication", tlsMode: mail.TLSStartTLS, serverTLS: serverTLS, user: "guichet", wantTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			storetest.Backends(t, func(t *testing.T, db *store.DB) {
				r := startRelay(t, tt.serverTLS, tt.implicit, tt.user, "secret")
				sender := newSender(t, db, relayConfig(r, tt.tlsMode, tt.user, "secret"),
					mail.WithTLSConfig(clientTLS))
				row := queueOne(t, db, "picked-up", nil)
				n, err := sender.Flush(ctx)
				if err != nil || n != 1 {
					t.Fatalf("Flush = %d, %v; want 1", n, err)
				}
				got := r.next(t)
				if got.from != "guichet@ac-creteil.fr" || len(got.to) != 1 || got.to[0] != "agnes.dupont@ac-creteil.fr" {
					t.Errorf("envelope from %q to %v", got.from, got.to)
				}
				if got.tls != tt.wantTLS || got.auth != tt.user {
					t.Errorf("session tls %v auth %q; want %v %q", got.tls, got.auth, tt.wantTLS, tt.user)
				}
				if !bytes.Equal(got.data, row.Raw) {
					t.Errorf("relay got a different message:\n%s\nwant:\n%s", got.data, row.Raw)
				}
				after, err := db.GetMail(ctx, row.ID)
				if err != nil {
					t.Fatal(err)
				}
				if after.SentAt == nil || after.Attempts != 1 || after.Captured() || after.LastError != "" {
					t.Errorf("row after sending: sent %v, attempts %d, captured %v, error %q", after.SentAt, after.Attempts, after.Captured(), after.LastError)
				}
				if n, err := sender.Flush(ctx); err != nil || n != 0 {
					t.Errorf("second Flush = %d, %v; want nothing to send", n, err)
				}
				r.none(t)
			})
		})
	}
}

func TestSenderRecordsFailuresAndRetries(t *testing.T) {
	ctx := context.Background()
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		r := startRelay(t, nil, false, "guichet", "secret")
		row := queueOne(t, db, "resolved", nil)

		t.Run("an authentication failure is recorded and the mail stays queued", func(t *testing.T) {
			bad := newSender(t, db, relayConfig(r, mail.TLSNone, "guichet", "wrong"))
			n, err := bad.Flush(ctx)
			if err != nil || n != 0 {
				t.Fatalf("Flush = %d, %v; want 0, nil", n, err)
			}
			got, err := db.GetMail(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SentAt != nil || got.Attempts != 1 || !strings.Contains(got.LastError, "535") {
				t.Fatalf("row: sent %v, attempts %d, error %q", got.SentAt, got.Attempts, got.LastError)
			}
			r.none(t)
		})

		t.Run("a failed mail waits for its backoff", func(t *testing.T) {
			good := newSender(t, db, relayConfig(r, mail.TLSNone, "guichet", "secret"))
			if n, err := good.Flush(ctx); err != nil || n != 0 {
				t.Fatalf("Flush during backoff = %d, %v; want 0", n, err)
			}
			r.none(t)
		})

		t.Run("a relay that is down is recorded as a failure", func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			port := l.Addr().(*net.TCPAddr).Port
			l.Close()
			cfg := testMailConfig
			cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS = "127.0.0.1", port, mail.TLSNone
			down := newSender(t, db, cfg)
			if err := db.RetryMail(ctx, row.ID); err != nil {
				t.Fatal(err)
			}
			if n, err := down.Flush(ctx); err != nil || n != 0 {
				t.Fatalf("Flush = %d, %v; want 0, nil", n, err)
			}
			got, err := db.GetMail(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SentAt != nil || got.Attempts != 2 || !strings.Contains(got.LastError, strconv.Itoa(port)) {
				t.Fatalf("row: sent %v, attempts %d, error %q", got.SentAt, got.Attempts, got.LastError)
			}
		})

		t.Run("the mail goes out once the relay accepts it", func(t *testing.T) {
			good := newSender(t, db, relayConfig(r, mail.TLSNone, "guichet", "secret"))
			if err := db.RetryMail(ctx, row.ID); err != nil {
				t.Fatal(err)
			}
			if n, err := good.Flush(ctx); err != nil || n != 1 {
				t.Fatalf("Flush = %d, %v; want 1", n, err)
			}
			if got := r.next(t); !bytes.Equal(got.data, row.Raw) {
				t.Error("the relay got a different message")
			}
			got, err := db.GetMail(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SentAt == nil || got.Attempts != 3 || got.LastError != "" {
				t.Fatalf("row: sent %v, attempts %d, error %q", got.SentAt, got.Attempts, got.LastError)
			}
		})
	})
}

func TestSenderRunSendsAQueuedMailAtOnce(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		r := startRelay(t, nil, false, "", "")
		// A poll interval far longer than the test: only Notify can wake Run.
		sender := newSender(t, db, relayConfig(r, mail.TLSNone, "", ""),
			mail.WithPollInterval(time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- sender.Run(ctx) }()

		first := queueOne(t, db, "created", sender.Notify)
		if got := r.next(t); !bytes.Equal(got.data, first.Raw) {
			t.Error("the relay got a different first message")
		}
		second := queueOne(t, db, "waiting", sender.Notify)
		if got := r.next(t); !bytes.Equal(got.data, second.Raw) {
			t.Error("the relay got a different second message")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil after cancel", err)
		}
	})
}

func TestSenderCapturesWithoutRelay(t *testing.T) {
	ctx := context.Background()
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		sender := newSender(t, db, testMailConfig)
		if !sender.Captures() {
			t.Fatal("a sender without smtp_host does not capture")
		}
		row := queueOne(t, db, "closed", nil)
		if n, err := sender.Flush(ctx); err != nil || n != 1 {
			t.Fatalf("Flush = %d, %v; want 1", n, err)
		}
		got, err := db.GetMail(ctx, row.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Captured() || got.SentAt == nil || got.Attempts != 0 || !bytes.Equal(got.Raw, row.Raw) {
			t.Fatalf("row: captured %v, sent %v, attempts %d", got.Captured(), got.SentAt, got.Attempts)
		}
	})
}

func TestNewSenderRefusesAnUnknownTLSMode(t *testing.T) {
	cfg := testMailConfig
	cfg.SMTPHost, cfg.SMTPTLS = "smtp.example.org", "ssl3"
	s := mail.NewSender(nil, cfg, quietLogger())
	if s.Err() == nil {
		t.Fatal("NewSender accepted smtp_tls ssl3")
	}
	if err := s.Run(context.Background()); err == nil {
		t.Fatal("Run started with smtp_tls ssl3")
	}
}

func TestDefaultBackoffGrowsToOneHour(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 30 * time.Second}, {1, time.Minute}, {3, 4 * time.Minute}, {7, time.Hour}, {1000, time.Hour},
	}
	for _, tt := range tests {
		if got := mail.DefaultBackoff(tt.attempts); got != tt.want {
			t.Errorf("DefaultBackoff(%d) = %v, want %v", tt.attempts, got, tt.want)
		}
	}
}

func TestTwoSendersDeliverEachMailOnce(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := startRelay(t, nil, false, "", "")
		const mails = 12
		outbox := newOutbox(t, db, testMailConfig, mail.WithLogger(quietLogger()))
		for i := range mails {
			if _, err := outbox.Queue(ctx, mail.Message{
				DedupeKey: "bulk/" + strconv.Itoa(i), To: []string{"agent" + strconv.Itoa(i) + "@ac-rouen.fr"},
				Subject: "Relance de validation", Text: "Merci de valider.\n",
			}); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		sent := make([]int, 2)
		for i := range sent {
			s := newSender(t, db, relayConfig(r, mail.TLSNone, "", ""))
			wg.Go(func() {
				n, err := s.Flush(ctx)
				if err != nil {
					t.Error(err)
				}
				sent[i] = n
			})
		}
		wg.Wait()
		if sent[0]+sent[1] != mails {
			t.Fatalf("senders sent %v, want %d in all", sent, mails)
		}
		seen := map[string]bool{}
		for range mails {
			got := r.next(t)
			if seen[got.to[0]] {
				t.Fatalf("%s got the mail twice", got.to[0])
			}
			seen[got.to[0]] = true
		}
		r.none(t)
	})
}
