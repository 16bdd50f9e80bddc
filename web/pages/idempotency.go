package pages

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/web/tickets"
)

// The web side of idempotent ticket actions (web/tickets/idempotency.go):
// the nonce the forms of a page carry, and the Update ID of a page request.

// localUpdated is the c.Locals key set once a request has applied an Update:
// a page rendered afterwards gets a fresh nonce, never the one just used.
const localUpdated = "update_applied"

// pageNonce returns the nonce the forms of the page being rendered carry:
// the one the request posted when the page shows a refused or failed form
// again (so resending it stays one action), else a new one.
func pageNonce(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodPost && c.Locals(localUpdated) == nil {
		if v := c.FormValue(tickets.NonceField); tickets.ValidNonce(v) {
			return strings.Clone(v)
		}
	}
	return tickets.NewNonce()
}

// updateID returns the Update ID of the ticket action name sent by person
// personID in this page request, or "" when the form carries no nonce (the
// SDK then makes a random one). An API call's Update ID comes from its
// Idempotency-Key instead (web/api_host.go).
func updateID(c *fiber.Ctx, personID int64, name string) (string, error) {
	if v := c.FormValue(tickets.NonceField); tickets.ValidNonce(v) {
		return fmt.Sprintf("web:%d:%s:%s", personID, name, v), nil
	}
	return "", nil
}
