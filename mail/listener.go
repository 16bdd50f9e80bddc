package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"go.temporal.io/api/serviceerror"

	"guichet/config"
	"guichet/store"
	"guichet/workflows"
)

// Signaler sends a signal to a workflow; the Temporal client implements it.
type Signaler interface {
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg any) error
}

// Listener is Guichet's SMTP server for replies to notification mails. It
// accepts a message only for a validly signed reply address
// (ReplyAddresses) of an open ticket, from the ticket's requester or
// beneficiary (envelope sender and From header), within the size limits;
// it keeps the new text (StripReply) and the attachments, and sends them to
// the ticket's workflow as workflows.SignalMailReply (information added).
// Everything else is refused during the SMTP session with a permanent code
// and a French and English message, so the sender gets a clear bounce; a
// failure on Guichet's side (database, Temporal) answers a temporary code so
// the sending server retries. A retried message is recognised by its
// Message-ID: its attachments are stored once and it reaches the workflow
// once.
type Listener struct {
	db       *store.DB
	sig      Signaler
	addrs    *ReplyAddresses
	logger   *slog.Logger
	addr     string
	maxBytes int64
	maxFile  int64
	maxTotal int64
	timeout  time.Duration
	server   *smtp.Server
	now      func() time.Time
}

// NewListener returns the reply listener configured by cfg: address
// mail.listen_addr, reply addresses of mail.reply_domain signed with
// mail.reply_secret, messages up to mail.max_message_bytes, attachments
// within tickets.max_file_bytes each and tickets.max_ticket_bytes in all.
func NewListener(db *store.DB, cfg config.Config, sig Signaler, logger *slog.Logger) *Listener {
	if logger == nil {
		logger = slog.Default()
	}
	l := &Listener{
		db: db, sig: sig, logger: logger,
		addrs:    NewReplyAddresses(cfg.Mail.ReplySecret, cfg.Mail.ReplyDomain),
		addr:     cfg.Mail.ListenAddr,
		maxBytes: cfg.Mail.MaxMessageBytes,
		maxFile:  cfg.Tickets.MaxFileBytes,
		maxTotal: cfg.Tickets.MaxTicketBytes,
		timeout:  time.Minute,
		now:      time.Now,
	}
	if l.maxBytes <= 0 {
		l.maxBytes = 10 << 20
	}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &replySession{l: l, remote: c.Conn().RemoteAddr().String()}, nil
	}))
	s.Domain = l.addrs.Domain()
	s.MaxMessageBytes = l.maxBytes
	s.MaxRecipients = 10
	s.ReadTimeout = l.timeout
	s.WriteTimeout = l.timeout
	s.MaxLineLength = 4000
	s.EnableSMTPUTF8 = true
	s.ErrorLog = slogErrorLog{logger}
	l.server = s
	return l
}

// slogErrorLog adapts go-smtp's error log to slog.
type slogErrorLog struct{ l *slog.Logger }

func (e slogErrorLog) Printf(format string, v ...any) {
	e.l.Warn("mail listener: " + fmt.Sprintf(format, v...))
}
func (e slogErrorLog) Println(v ...any) { e.l.Warn("mail listener: " + fmt.Sprint(v...)) }

// Serve answers SMTP sessions on ln until Close or Shutdown.
func (l *Listener) Serve(ln net.Listener) error {
	if err := l.server.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		return fmt.Errorf("mail: listener: %w", err)
	}
	return nil
}

// Run listens on mail.listen_addr and answers until ctx is done, then
// shuts down (sessions in progress get a few seconds to finish).
func (l *Listener) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		return fmt.Errorf("mail: listen on %s: %w", l.addr, err)
	}
	l.logger.InfoContext(ctx, "mail: listening for replies", "addr", ln.Addr().String(), "domain", l.addrs.Domain())
	errc := make(chan error, 1)
	go func() { errc <- l.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.server.Shutdown(sctx); err != nil {
		l.logger.Warn("mail: listener shutdown incomplete, closing sessions", "error", err)
		if err := l.server.Close(); err != nil {
			l.logger.Warn("mail: close listener", "error", err)
		}
	}
	<-errc
	return nil
}

// Close stops the listener at once.
func (l *Listener) Close() error { return l.server.Close() }

// Refusals of the listener: SMTP code, enhanced code, French / English.
var (
	errNoSender = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "Les avis de non-remise ne sont pas acceptés / Bounces are not accepted"}
	errUnknownAddress = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "Adresse inconnue ou signature invalide / Unknown address or bad signature"}
	errSenderNotAllowed = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "Expéditeur non autorisé : seuls le demandeur et le bénéficiaire peuvent répondre / Sender not allowed: only the requester and the beneficiary may reply"}
	errClosedTicket = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 2, 1},
		Message: "Cet incident est clôturé : créez un nouvel incident / This ticket is closed: please file a new one"}
	errOneTicket = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3},
		Message: "Un seul incident par message / One ticket per message"}
	errTooBigMessage = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Message trop volumineux / Message too big"}
	errTooBigFile = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Pièce jointe trop volumineuse / Attachment too big"}
	errTooLongText = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Texte trop long / Text too long"}
	errMalformed = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: "Message MIME invalide / Malformed MIME message"}
	errEmpty = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
		Message: "Réponse vide (l'historique cité et la signature sont ignorés) / Empty reply (quoted history and signature are ignored)"}
	errTemporary = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Erreur temporaire, réessayez plus tard / Temporary failure, please retry later"}
)

// replySession is one SMTP session of the listener.
type replySession struct {
	l       *Listener
	remote  string
	from    string
	ticket  *store.Ticket
	allowed map[int64]bool // requester and beneficiary of ticket
}

func (s *replySession) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.l.timeout)
}

func (s *replySession) refuse(err *smtp.SMTPError, step string, args ...any) error {
	s.l.logger.Info("mail: reply refused", append([]any{"step", step, "code", err.Code, "from", s.from, "remote", s.remote}, args...)...)
	return err
}

// Mail records the envelope sender; a null sender (a bounce) is refused,
// so Guichet never answers an automatic message.
func (s *replySession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = strings.ToLower(strings.TrimSpace(from))
	if s.from == "" {
		return s.refuse(errNoSender, "mail")
	}
	return nil
}

// Rcpt accepts only a validly signed reply address of an existing open
// ticket whose requester or beneficiary is the envelope sender.
func (s *replySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	number, err := s.l.addrs.Parse(to)
	if err != nil {
		return s.refuse(errUnknownAddress, "rcpt", "to", to)
	}
	if s.ticket != nil {
		if s.ticket.Number == number {
			return nil
		}
		return s.refuse(errOneTicket, "rcpt", "to", to)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	t, err := s.l.db.GetTicket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return s.refuse(errUnknownAddress, "rcpt", "to", to)
	}
	if err != nil {
		s.l.logger.Error("mail: reply: read ticket", "ticket", number, "error", err)
		return errTemporary
	}
	if t.Status == store.StatusClosed || t.Status == store.StatusCancelled {
		return s.refuse(errClosedTicket, "rcpt", "ticket", number)
	}
	allowed := map[int64]bool{t.RequesterID: true, t.BeneficiaryID: true}
	ok, err := s.l.senderAllowed(ctx, s.from, allowed)
	if err != nil {
		s.l.logger.Error("mail: reply: read people", "ticket", number, "error", err)
		return errTemporary
	}
	if ok == 0 {
		return s.refuse(errSenderNotAllowed, "rcpt", "ticket", number)
	}
	s.ticket, s.allowed = t, allowed
	return nil
}

// senderAllowed returns the ID of the allowed person whose address is addr,
// 0 when none.
func (l *Listener) senderAllowed(ctx context.Context, addr string, allowed map[int64]bool) (int64, error) {
	if addr == "" {
		return 0, nil
	}
	people, err := l.db.PeopleByEmail(ctx, addr)
	if err != nil {
		return 0, err
	}
	for _, p := range people {
		if allowed[p.ID] {
			return p.ID, nil
		}
	}
	return 0, nil
}

// Data parses the reply, checks its From header and limits, stores its
// attachments once and signals the workflow.
func (s *replySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if errors.Is(err, smtp.ErrDataTooLarge) {
		return s.refuse(errTooBigMessage, "data")
	}
	if err != nil {
		// A line over the limit (smtp.ErrTooLongLine) or a broken stream.
		return s.refuse(errMalformed, "data", "error", err)
	}
	t := s.ticket
	reply, err := ParseReply(bytes.NewReader(raw))
	if err != nil {
		return s.refuse(errMalformed, "data", "ticket", t.Number, "error", err)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	personID, err := s.l.senderAllowed(ctx, reply.From, s.allowed)
	if err != nil {
		s.l.logger.Error("mail: reply: read people", "ticket", t.Number, "error", err)
		return errTemporary
	}
	if personID == 0 {
		return s.refuse(errSenderNotAllowed, "data", "ticket", t.Number, "header_from", reply.From)
	}
	var total int64
	files := make([]store.Attachment, 0, len(reply.Files))
	for _, f := range reply.Files {
		size := int64(len(f.Data))
		total += size
		if size > s.l.maxFile || total > s.l.maxTotal {
			return s.refuse(errTooBigFile, "data", "ticket", t.Number, "file", f.Filename)
		}
		files = append(files, store.Attachment{Filename: f.Filename, ContentType: f.ContentType, Data: f.Data})
	}
	// The rules table's add-info rule (a text unless documents come along,
	// at most so long), applied at SMTP time rather than by the workflow
	// dropping the signal.
	if r := workflows.CheckInput(workflows.AddInfoInput{Body: reply.Body, AttachmentIDs: make([]int64, len(files))}); r != nil {
		if r.Code == workflows.RefusedTooLong {
			return s.refuse(errTooLongText, "data", "ticket", t.Number)
		}
		return s.refuse(errEmpty, "data", "ticket", t.Number)
	}
	messageID := reply.MessageID
	if messageID == "" {
		sum := sha256.Sum256(raw)
		messageID = "sha256-" + hex.EncodeToString(sum[:16])
	}
	key := t.Number + " " + messageID
	rec, err := s.l.db.RecordMailReply(ctx, store.MailReply{MessageID: key, TicketNumber: t.Number, PersonID: personID}, files)
	if err != nil {
		s.l.logger.Error("mail: reply: store", "ticket", t.Number, "message_id", messageID, "error", err)
		return errTemporary
	}
	if rec.SignaledAt != nil {
		s.l.logger.Info("mail: reply already delivered", "ticket", t.Number, "message_id", messageID)
		return nil
	}
	err = s.l.sig.SignalWorkflow(ctx, workflows.TicketWorkflowID(t.Number), "", workflows.SignalMailReply, workflows.MailReplyInput{
		PersonID: personID, Body: reply.Body, AttachmentIDs: rec.IDs(), MessageID: messageID,
	})
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		// The workflow has ended since the projection was read: the ticket
		// is closed. Drop what was stored for this reply.
		if derr := s.l.db.DeleteMailReply(ctx, key); derr != nil {
			s.l.logger.Error("mail: reply: drop", "ticket", t.Number, "error", derr)
		}
		return s.refuse(errClosedTicket, "data", "ticket", t.Number)
	}
	if err != nil {
		s.l.logger.Warn("mail: reply: signal failed, the sender will retry", "ticket", t.Number, "message_id", messageID, "error", err)
		return errTemporary
	}
	if err := s.l.db.MarkMailReplySignaled(ctx, key, s.l.now()); err != nil {
		// The workflow has it; a retry would signal again, which the record
		// of the Message-ID in the event data makes visible.
		s.l.logger.Error("mail: reply: mark signalled", "ticket", t.Number, "error", err)
	}
	s.l.logger.Info("mail: reply accepted", "ticket", t.Number, "person", personID, "message_id", messageID, "attachments", len(files))
	return nil
}

// Reset forgets the current message.
func (s *replySession) Reset() {
	s.from, s.ticket, s.allowed = "", nil, nil
}

// Logout ends the session.
func (s *replySession) Logout() error { return nil }
