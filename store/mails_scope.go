package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// ListMailsIn is ListMails restricted to what a reader of the académies
// academies may see: the mails about their tickets, and the mails about no
// known ticket. The built-in mailbox of a supervisor must not show another
// académie's tickets.
func (db *DB) ListMailsIn(ctx context.Context, academies []string, limit, offset int) ([]Mail, int, error) {
	if len(academies) == 0 {
		academies = []string{""}
	}
	var mails []Mail
	total, err := db.NewSelect().Model(&mails).ExcludeColumn("raw").
		Where("NOT EXISTS (SELECT 1 FROM tickets AS t WHERE t.number = ?TableAlias.ticket_number AND t.academy_code NOT IN (?))", bun.In(academies)).
		OrderExpr("id DESC").Limit(limit).Offset(offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list mails of %v: %w", academies, err)
	}
	return mails, total, nil
}

// MailAcademy returns the académie of the ticket mail m is about, "" when
// it is about no known ticket.
func (db *DB) MailAcademy(ctx context.Context, m *Mail) (string, error) {
	if m.TicketNumber == "" {
		return "", nil
	}
	t, err := db.GetTicket(ctx, m.TicketNumber)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: académie of mail %d: %w", m.ID, err)
	}
	return t.AcademyCode, nil
}
