package pages

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// mailboxAcademies returns the académies whose mails the signed-in person
// may read in the built-in mailbox (those where they hold
// PermMailboxRead); all is true for a global administrator.
func (s *Pages) mailboxAcademies(c *fiber.Ctx) (academies []string, all bool, err error) {
	u := currentUser(c)
	if u == nil {
		return nil, false, nil
	}
	if u.GlobalAdmin {
		return nil, true, nil
	}
	grants, err := s.grants(c)
	if err != nil {
		return nil, false, err
	}
	seen := map[string]bool{}
	for _, g := range grants {
		if !seen[g.AcademyCode] && Allows(u, grants, PermMailboxRead, g.AcademyCode) {
			seen[g.AcademyCode] = true
			academies = append(academies, g.AcademyCode)
		}
	}
	return academies, false, nil
}

// listMailbox lists a page of the mails the signed-in person may read.
func (s *Pages) listMailbox(c *fiber.Ctx, limit, offset int) ([]store.Mail, int, error) {
	academies, all, err := s.mailboxAcademies(c)
	if err != nil {
		return nil, 0, err
	}
	if all {
		return s.db.ListMails(c.UserContext(), limit, offset)
	}
	return s.db.ListMailsIn(c.UserContext(), academies, limit, offset)
}

// checkMailVisible answers ENOTFOUND for a mail about a ticket of an
// académie where the signed-in person may not read the mailbox.
func (s *Pages) checkMailVisible(c *fiber.Ctx, m *store.Mail) error {
	academy, err := s.db.MailAcademy(c.UserContext(), m)
	if err != nil {
		return err
	}
	if academy == "" {
		return nil
	}
	ok, err := s.can(c, PermMailboxRead, academy)
	if err != nil {
		return err
	}
	if !ok {
		return &Error{Code: ENOTFOUND, Err: fmt.Errorf("mail %d is about a ticket of %s", m.ID, academy)}
	}
	return nil
}
