package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"go.temporal.io/api/serviceerror"

	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

// fakeSignaler stands in for Temporal in the cases that must never reach
// it (refusals) and to make the signal fail on purpose.
type fakeSignaler struct {
	mu    sync.Mutex
	calls []workflows.MailReplyInput
	fail  error
}

var _ mail.Signaler = (*fakeSignaler)(nil)

func (f *fakeSignaler) SignalWorkflow(_ context.Context, id, _, name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	if name != workflows.SignalMailReply {
		return fmt.Errorf("unexpected signal %q to %s", name, id)
	}
	f.calls = append(f.calls, arg.(workflows.MailReplyInput))
	return nil
}

func (f *fakeSignaler) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// listenerFixture is a database with an open and a closed ticket and a
// listener serving on a loopback port.
type listenerFixture struct {
	db                 *store.DB
	sig                *fakeSignaler
	addr               string
	replies            *mail.ReplyAddresses
	open, closed       string
	agent, collegue    int64
	agentAddr, outside string
}

func listenerConfig() config.Config {
	cfg := config.Defaults()
	cfg.Mail.ReplyDomain = "reponse.ac-creteil.fr"
	cfg.Mail.ReplySecret = "un secret de test"
	cfg.Mail.MaxMessageBytes = 64 << 10
	cfg.Tickets.MaxFileBytes = 4 << 10
	cfg.Tickets.MaxTicketBytes = 8 << 10
	return cfg
}

func newListenerFixture(t *testing.T, db *store.DB, cfg config.Config) *listenerFixture {
	t.Helper()
	ctx := context.Background()
	f := &listenerFixture{db: db, sig: &fakeSignaler{}, replies: mail.NewReplyAddresses(cfg.Mail.ReplySecret, cfg.Mail.ReplyDomain)}
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Créteil"}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, login := range []string{"agent", "collegue", "inconnu"} {
		p := &store.Person{AcademyCode: "creteil", Login: login, LastName: strings.ToUpper(login), FirstName: "Camille",
			Email: login + "@ac-creteil.fr"}
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids[login] = p.ID
	}
	f.agent, f.collegue = ids["agent"], ids["collegue"]
	f.agentAddr, f.outside = "agent@ac-creteil.fr", "inconnu@ac-creteil.fr"
	cat := &store.Category{AcademyCode: "creteil", Name: "Matériel"}
	if err := db.CreateCategoryUnaudited(ctx, cat); err != nil {
		t.Fatal(err)
	}
	for _, closed := range []bool{false, true} {
		n, err := db.CreateTicket(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: f.agent, BeneficiaryID: f.collegue,
			CategoryID: cat.ID, CategoryPath: "Matériel", Urgency: 3, Impact: 3, Priority: 5, Description: "Écran noir."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if closed {
			if _, err := db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", store.StatusClosed).
				Where("number = ?", n).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			f.closed = n
		} else {
			f.open = n
		}
	}
	l := mail.NewListener(db, cfg, f.sig, quietLogger())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Serve(ln) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	f.addr = ln.Addr().String()
	return f
}

// outcome is where an SMTP session ended: the command refused (or "" when
// the message was accepted) and the server's answer.
type outcome struct {
	stage string
	code  int
	enh   smtp.EnhancedCode
	msg   string
}

func (o outcome) String() string {
	return fmt.Sprintf("%s %d %d.%d.%d %s", o.stage, o.code, o.enh[0], o.enh[1], o.enh[2], o.msg)
}

// deliver sends raw from → to in a real SMTP session.
func deliver(t *testing.T, addr, from, to, raw string) outcome {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.ac-creteil.fr"); err != nil {
		t.Fatal(err)
	}
	res := func(stage string, err error) outcome {
		var se *smtp.SMTPError
		if !errors.As(err, &se) {
			t.Fatalf("%s: %v", stage, err)
		}
		return outcome{stage, se.Code, se.EnhancedCode, se.Message}
	}
	if err := c.Mail(from, nil); err != nil {
		return res("MAIL", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return res("RCPT", err)
	}
	w, err := c.Data()
	if err != nil {
		return res("DATA", err)
	}
	if _, err := w.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		return res("DATA", err)
	}
	if err := w.Close(); err != nil {
		return res("DATA", err)
	}
	_ = c.Quit()
	return outcome{}
}

// replyMessage builds a reply from → ticket with a text part and optional
// attachment.
func replyMessage(from, messageID, text string, attachment []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Camille <%s>\nTo: ticket@reponse.ac-creteil.fr\nSubject: Re: [Guichet] Incident\n", from)
	if messageID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\n", messageID)
	}
	b.WriteString("MIME-Version: 1.0\n")
	if attachment == nil {
		b.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text + "\n")
		return b.String()
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"frontiere\"\n\n--frontiere\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text + "\n--frontiere\n")
	b.WriteString("Content-Type: text/plain; name=\"journal.txt\"\nContent-Disposition: attachment; filename=\"journal.txt\"\n\n")
	b.Write(attachment)
	b.WriteString("\n--frontiere--\n")
	return b.String()
}

func TestListenerRefusesAtSMTPTime(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newListenerFixture(t, db, listenerConfig())
		good := f.replies.Address(f.open)
		forged := strings.Replace(good, ".", ".x", 1)
		otherDomain := strings.Replace(good, "reponse.ac-creteil.fr", "example.org", 1)
		unknown := f.replies.Address("I990101_0001")
		text := replyMessage(f.agentAddr, "r1@mx", "Voici le numéro de série : 12345.", nil)
		tests := []struct {
			name     string
			from, to string
			raw      string
			stage    string
			code     int
			enh      smtp.EnhancedCode
		}{
			{"a bad signature is an unknown address", f.agentAddr, forged, text, "RCPT", 550, smtp.EnhancedCode{5, 1, 1}},
			{"another domain is an unknown address", f.agentAddr, otherDomain, text, "RCPT", 550, smtp.EnhancedCode{5, 1, 1}},
			{"a signed address of a ticket that does not exist is unknown", f.agentAddr, unknown, text, "RCPT", 550, smtp.EnhancedCode{5, 1, 1}},
			{"a plain address is unknown", f.agentAddr, "support@reponse.ac-creteil.fr", text, "RCPT", 550, smtp.EnhancedCode{5, 1, 1}},
			{"a sender who is neither requester nor beneficiary is refused", f.outside, good, text, "RCPT", 550, smtp.EnhancedCode{5, 7, 1}},
			{"a bounce (null sender) is refused", "", good, text, "MAIL", 550, smtp.EnhancedCode{5, 7, 1}},
			{"a From header of a stranger is refused", f.agentAddr, good, replyMessage(f.outside, "r2@mx", "Bonjour", nil), "DATA", 550, smtp.EnhancedCode{5, 7, 1}},
			{"a closed ticket is refused", f.agentAddr, f.replies.Address(f.closed), text, "RCPT", 554, smtp.EnhancedCode{5, 2, 1}},
			{"an oversized message is refused", f.agentAddr, good, replyMessage(f.agentAddr, "r3@mx", strings.Repeat("une ligne de texte un peu longue pour dépasser la taille permise\n", 1200), nil), "DATA", 552, smtp.EnhancedCode{5, 3, 4}},
			{"an oversized attachment is refused", f.agentAddr, good, replyMessage(f.agentAddr, "r4@mx", "Le journal :", []byte(strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", 80))), "DATA", 552, smtp.EnhancedCode{5, 3, 4}},
			{"malformed MIME is refused", f.agentAddr, good, "From: agent@ac-creteil.fr\nthis is not a header line\n\nbody\n", "DATA", 554, smtp.EnhancedCode{5, 6, 0}},
			{"a multipart without its boundary is refused", f.agentAddr, good, "From: agent@ac-creteil.fr\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\nbody\n", "DATA", 554, smtp.EnhancedCode{5, 6, 0}},
			{"a reply with nothing but quoted history is refused", f.agentAddr, good, replyMessage(f.agentAddr, "r5@mx", "> Bonjour,\n> Votre incident…", nil), "DATA", 554, smtp.EnhancedCode{5, 6, 0}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := deliver(t, f.addr, tt.from, tt.to, tt.raw)
				if got.stage != tt.stage || got.code != tt.code || got.enh != tt.enh {
					t.Fatalf("got %v, want %s %d %v", got, tt.stage, tt.code, tt.enh)
				}
				if !strings.Contains(got.msg, " / ") {
					t.Errorf("message %q is not French / English", got.msg)
				}
			})
		}
		if n := f.sig.count(); n != 0 {
			t.Errorf("refused messages reached the workflow %d times", n)
		}
		as, err := db.Attachments(context.Background(), f.open)
		if err != nil || len(as) != 0 {
			t.Errorf("refused messages stored attachments: %d, %v", len(as), err)
		}
	})
}

func TestListenerAcceptsAReplyOnceAndRetriesFailures(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListenerFixture(t, db, listenerConfig())
		to := f.replies.Address(f.open)
		raw := replyMessage("Collegue@AC-Creteil.fr", "reponse-1@mx.ac-creteil.fr",
			"Le numéro de série est 12345.\n\n-- \nCamille\n\nLe lun. 7 déc. 2026 à 10:05, Guichet a écrit :\n> Bonjour,", []byte("ligne 1\n"))

		t.Run("a failed signal answers 451 and keeps the attachments for the retry", func(t *testing.T) {
			f.sig.fail = errors.New("temporal unreachable")
			got := deliver(t, f.addr, "collegue@ac-creteil.fr", strings.ToUpper(to), raw)
			f.sig.fail = nil
			if got.stage != "DATA" || got.code != 451 {
				t.Fatalf("got %v, want DATA 451", got)
			}
		})

		t.Run("the retried reply reaches the workflow with its text stripped and its attachment", func(t *testing.T) {
			if got := deliver(t, f.addr, "collegue@ac-creteil.fr", to, raw); got.stage != "" {
				t.Fatalf("refused: %v", got)
			}
			if f.sig.count() != 1 {
				t.Fatalf("%d signals", f.sig.count())
			}
			in := f.sig.calls[0]
			if in.PersonID != f.collegue || in.Body != "Le numéro de série est 12345." || in.MessageID != "reponse-1@mx.ac-creteil.fr" {
				t.Errorf("signal %+v", in)
			}
			as, err := db.Attachments(ctx, f.open)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Filename != "journal.txt" || strings.TrimSpace(string(as[0].Data)) != "ligne 1" || as[0].UploaderID != f.collegue {
				t.Fatalf("attachments %+v", as)
			}
			if len(in.AttachmentIDs) != 1 || in.AttachmentIDs[0] != as[0].ID {
				t.Errorf("signal attachments %v, stored %d", in.AttachmentIDs, as[0].ID)
			}
		})

		t.Run("the same message delivered again is accepted but stored and signalled once", func(t *testing.T) {
			if got := deliver(t, f.addr, "collegue@ac-creteil.fr", to, raw); got.stage != "" {
				t.Fatalf("refused: %v", got)
			}
			if f.sig.count() != 1 {
				t.Errorf("%d signals", f.sig.count())
			}
			if as, _ := db.Attachments(ctx, f.open); len(as) != 1 {
				t.Errorf("%d attachments", len(as))
			}
		})

		t.Run("a workflow that has ended refuses the reply and keeps nothing", func(t *testing.T) {
			f.sig.fail = serviceerror.NewNotFound("workflow execution already completed")
			got := deliver(t, f.addr, f.agentAddr, to, replyMessage(f.agentAddr, "reponse-2@mx", "Encore moi", []byte("b")))
			f.sig.fail = nil
			if got.stage != "DATA" || got.code != 554 {
				t.Fatalf("got %v, want DATA 554", got)
			}
			if as, _ := db.Attachments(ctx, f.open); len(as) != 1 {
				t.Errorf("%d attachments", len(as))
			}
		})
	})
}

func TestReplyAddresses(t *testing.T) {
	r := mail.NewReplyAddresses("secret", "Reponse.AC-Creteil.fr")
	addr := r.Address("I130416_0213")
	tests := []struct {
		name, addr, want string
	}{
		{"its own address names the ticket", addr, "I130416_0213"},
		{"case does not matter", strings.ToUpper(addr), "I130416_0213"},
		{"angle brackets are allowed", "<" + addr + ">", "I130416_0213"},
		{"another ticket's number with this signature is refused", strings.Replace(addr, "0213", "0214", 1), ""},
		{"another key's signature is refused", mail.NewReplyAddresses("autre", "reponse.ac-creteil.fr").Address("I130416_0213"), ""},
		{"a truncated signature is refused", addr[:strings.IndexByte(addr, '@')-1] + addr[strings.IndexByte(addr, '@'):], ""},
		{"another domain is refused", strings.Replace(addr, "reponse.ac-creteil.fr", "example.org", 1), ""},
		{"garbage is refused", "ticket+.@reponse.ac-creteil.fr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Parse(tt.addr)
			if got != tt.want || (tt.want == "") != errors.Is(err, mail.ErrBadReplyAddress) {
				t.Errorf("Parse(%q) = %q, %v", tt.addr, got, err)
			}
		})
	}
	if !strings.HasPrefix(addr, "ticket+I130416_0213.") || !strings.HasSuffix(addr, "@reponse.ac-creteil.fr") {
		t.Errorf("address %q", addr)
	}
	if mail.ReplyToFunc(config.Mail{}) != nil {
		t.Error("a Reply-To without listener")
	}
}
