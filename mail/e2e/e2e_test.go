// Package e2e_test runs Guichet's reply listener against a real Temporal
// server (in memory), the real worker and activities (the shared
// stacktest stack), on both databases:
// a requester's answer to a notification mail becomes information added to
// the ticket. It lives apart from package mail so that the mail tests do
// not link the Temporal server.
package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

func testConfig() config.Config {
	cfg := stacktest.Config()
	cfg.Temporal.TaskQueue = "guichet-mail-e2e"
	cfg.Mail.ReplyDomain = "reponse.ac-creteil.fr"
	cfg.Mail.ReplySecret = "secret de test"
	cfg.Mail.ListenAddr = "127.0.0.1:0"
	return cfg
}

// stack is the shared test stack (stacktest.New) with the replies
// listener served on s.smtp.
type stack struct {
	*stacktest.Stack
	db     *store.DB
	client client.Client
	cfg    config.Config
	people map[string]int64
	cat    int64
	smtp   string
}

func newStack(t *testing.T, db *store.DB) *stack {
	t.Helper()
	st := stacktest.New(t, testConfig(), stacktest.WithDB(db), stacktest.WithMailListener())
	people := map[string]int64{}
	for login, p := range st.People {
		people[login] = p.ID
	}
	return &stack{Stack: st, db: db, client: st.Temporal, cfg: st.Config, people: people,
		cat: st.Leaves["Écran"].ID, smtp: st.SMTPAddr}
}

// infoAdded returns the info_added events of a ticket.
func (s *stack) infoAdded(t *testing.T, number string) []store.TicketEvent {
	t.Helper()
	evs, err := s.db.Timeline(context.Background(), number, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.TicketEvent
	for _, ev := range evs {
		if ev.Kind == workflows.EventInfoAdded {
			out = append(out, ev)
		}
	}
	return out
}

// send delivers raw over SMTP and returns the server's refusal, if any.
func send(t *testing.T, addr, from, to, raw string) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.SendMail(from, []string{to}, strings.NewReader(strings.ReplaceAll(raw, "\n", "\r\n")))
}

func reply(from, to, messageID, text, attachment string) string {
	return fmt.Sprintf("From: Camille AGENT <%s>\nTo: %s\nSubject: Re: [Guichet] Incident\nMessage-ID: <%s>\n"+
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"+
		"--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n"+
		"--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"%s\"\n\ncontenu\n--b--\n",
		from, to, messageID, text, attachment)
}

func TestAReplyToANotificationBecomesInformationAdded(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newStack(t, db)
		number, err := intake.New(db, s.client, s.cfg, nil).Submit(ctx, &store.Ticket{
			AcademyCode: "creteil", RequesterID: s.people["agent"], BeneficiaryID: s.people["collegue"],
			CategoryID: s.cat, CategoryPath: "Écran", Urgency: 2, Impact: 3, Priority: 4,
			Description: "L'écran reste noir.",
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		stacktest.Eventually(t, "the ticket routed", func() bool {
			tk, err := db.GetTicket(ctx, number)
			return err == nil && tk.GroupID != nil
		})
		tech := workflows.Actor{PersonID: s.people["tech"], Roles: []string{workflows.RoleTechnician}}
		s.Update(t, number, workflows.UpdatePickUp, workflows.PickUpInput{Actor: tech})
		s.Update(t, number, workflows.UpdateRequestInfo, workflows.RequestInfoInput{Actor: tech, Question: "Quel modèle d'écran ?"})

		var question *store.Mail
		stacktest.Eventually(t, "the question mailed to the requester", func() bool {
			ms, err := db.ListMailsForTicket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.ToAddr == "agent@ac-creteil.fr" && strings.Contains(m.DedupeKey, ":info_requested|") {
					question, err = db.GetMail(ctx, m.ID)
					return err == nil
				}
			}
			return false
		})
		r, err := gomail.CreateReader(bytes.NewReader(question.Raw))
		if err != nil {
			t.Fatal(err)
		}
		replyTo, err := r.Header.AddressList("Reply-To")
		if err != nil || len(replyTo) != 1 {
			t.Fatalf("Reply-To %v, %v", replyTo, err)
		}
		to := replyTo[0].Address

		t.Run("the requester's reply resumes the ticket with the new text and the attachment", func(t *testing.T) {
			raw := reply("agent@ac-creteil.fr", to, "r1@mx.ac-creteil.fr",
				"Un Dell P2419H.\n\nLe lun. 7 déc. 2026 à 10:05, Guichet a écrit :\n> Quel modèle d'écran ?", "photo.txt")
			if err := send(t, s.smtp, "agent@ac-creteil.fr", to, raw); err != nil {
				t.Fatalf("reply refused: %v", err)
			}
			stacktest.Eventually(t, "the ticket back in progress with the information", func() bool {
				tk, err := db.GetTicket(ctx, number)
				return err == nil && tk.Status == store.StatusInProgress && len(s.infoAdded(t, number)) == 1
			})
			ev := s.infoAdded(t, number)[0]
			if ev.Body != "Un Dell P2419H." || ev.ActorID == nil || *ev.ActorID != s.people["agent"] || !ev.Public ||
				!strings.Contains(ev.Data, "r1@mx.ac-creteil.fr") || !strings.Contains(ev.Data, `"via":"mail"`) {
				t.Errorf("event %+v", ev)
			}
			as, err := db.Attachments(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Filename != "photo.txt" || as[0].EventSeq != ev.Seq {
				t.Errorf("attachments %+v, event seq %d", as, ev.Seq)
			}
		})

		t.Run("the same reply delivered twice is added once", func(t *testing.T) {
			raw := reply("agent@ac-creteil.fr", to, "r1@mx.ac-creteil.fr", "Un Dell P2419H.", "photo.txt")
			if err := send(t, s.smtp, "agent@ac-creteil.fr", to, raw); err != nil {
				t.Fatalf("duplicate refused: %v", err)
			}
			// A later, different reply from the beneficiary: once it is in,
			// a duplicate signal would have been handled before it.
			raw2 := reply("collegue@ac-creteil.fr", strings.ToUpper(to), "r2@mx.ac-creteil.fr", "Il est au bureau B12.", "plan.txt")
			if err := send(t, s.smtp, "collegue@ac-creteil.fr", to, raw2); err != nil {
				t.Fatalf("second reply refused: %v", err)
			}
			stacktest.Eventually(t, "the second reply added", func() bool {
				evs := s.infoAdded(t, number)
				return len(evs) >= 2 && evs[len(evs)-1].Body == "Il est au bureau B12."
			})
			if n := len(s.infoAdded(t, number)); n != 2 {
				t.Errorf("%d info_added events, want 2", n)
			}
			if as, _ := db.Attachments(ctx, number); len(as) != 2 {
				t.Errorf("%d attachments, want 2", len(as))
			}
		})

		t.Run("the technician is told of the added information", func(t *testing.T) {
			stacktest.Eventually(t, "the info_added mail to the technician", func() bool {
				ms, err := db.ListMailsForTicket(ctx, number)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					if m.ToAddr == "tech@ac-creteil.fr" && strings.Contains(m.DedupeKey, ":info_added|") {
						return strings.Contains(m.TextBody, "Un Dell P2419H.")
					}
				}
				return false
			})
		})

		t.Run("a reply to a cancelled ticket is refused at RCPT", func(t *testing.T) {
			agent := workflows.Actor{PersonID: s.people["agent"], Roles: []string{workflows.RoleRequester}}
			s.Update(t, number, workflows.UpdateCancel, workflows.CancelInput{Actor: agent, Reason: "Réglé seul."})
			stacktest.Eventually(t, "the cancellation projected", func() bool {
				tk, err := db.GetTicket(ctx, number)
				return err == nil && tk.Status == store.StatusCancelled
			})
			err := send(t, s.smtp, "agent@ac-creteil.fr", to, reply("agent@ac-creteil.fr", to, "r3@mx", "Encore", "x.txt"))
			var se *smtp.SMTPError
			if !errors.As(err, &se) || se.Code != 554 {
				t.Fatalf("err = %v, want 554", err)
			}
		})
	})
}
