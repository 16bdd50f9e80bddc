package pages

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

// mailJSON is one mail of GET /dev/mailbox.json.
type mailJSON struct {
	ID           int64             `json:"id"`
	TicketNumber string            `json:"ticket_number,omitempty"`
	To           string            `json:"to"`
	Subject      string            `json:"subject"`
	MessageID    string            `json:"message_id"`
	CreatedAt    time.Time         `json:"created_at"`
	SentAt       *time.Time        `json:"sent_at,omitempty"`
	State        string            `json:"state"` // captured, sent, pending
	Headers      map[string]string `json:"headers"`
	Text         string            `json:"text"`
	HTML         string            `json:"html,omitempty"`
}

// mailboxJSONPage bounds GET /dev/mailbox.json.
const mailboxJSONPage = 200

// requireDevTools hides developer endpoints (404) unless web.dev_tools is
// on and no SMTP relay is configured (mail stays in the built-in mailbox).
func (s *Pages) requireDevTools(c *fiber.Ctx) error {
	if !s.cfg.Web.DevTools || s.cfg.Mail.SMTPHost != "" {
		return Errorf(ENOTFOUND, "")
	}
	return c.Next()
}

// mailboxJSON answers GET /dev/mailbox.json?ticket=NUMBER&limit=N: the
// newest mails of the built-in mailbox (at most 200, default 50), or every
// mail of one ticket, oldest first, with their decoded headers and parts,
// for scripts and tests.
func (s *Pages) mailboxJSON(c *fiber.Ctx) error {
	ctx := c.UserContext()
	ticket := c.Query("ticket")
	var ids []int64
	if ticket != "" {
		ms, err := s.db.ListMailsForTicket(ctx, ticket)
		if err != nil {
			return err
		}
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
	} else {
		limit := min(max(c.QueryInt("limit", 50), 1), mailboxJSONPage)
		ms, _, err := s.listMailbox(c, limit, 0)
		if err != nil {
			return err
		}
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
	}
	out := make([]mailJSON, 0, len(ids))
	for _, id := range ids {
		m, err := s.db.GetMail(ctx, id)
		if err != nil {
			return err
		}
		if s.checkMailVisible(c, m) != nil {
			continue
		}
		p := parseMail(m)
		j := mailJSON{ID: m.ID, TicketNumber: m.TicketNumber, To: m.ToAddr, Subject: m.Subject,
			MessageID: m.MessageID, CreatedAt: m.CreatedAt, SentAt: m.SentAt, State: "pending",
			Headers: map[string]string{}, Text: p.Text, HTML: p.HTML}
		switch {
		case m.Captured():
			j.State = "captured"
		case m.SentAt != nil:
			j.State = "sent"
		}
		for _, h := range p.Headers {
			if _, seen := j.Headers[h.Key]; !seen {
				j.Headers[h.Key] = h.Value
			}
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"mails": out})
}
