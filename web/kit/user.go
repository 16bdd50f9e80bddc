package kit

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// Keys of per-request values in c.Locals: the signed-in person and their
// role grants.
const (
	localUser   = "user"
	localGrants = "grants"
)

// CurrentUser returns the person the request is made by (nil when signed
// out): the session's person on the pages, the token's on the API.
func CurrentUser(c *fiber.Ctx) *store.Person {
	p, _ := c.Locals(localUser).(*store.Person)
	return p
}

// SetCurrentUser records p as the person the request is made by (the
// session middleware, the API's bearer-token authentication).
func SetCurrentUser(c *fiber.Ctx, p *store.Person) { c.Locals(localUser, p) }

// Grants returns the role grants of the person the request is made by (nil
// when signed out), read from db once per request.
func Grants(c *fiber.Ctx, db *store.DB) ([]store.RoleGrant, error) {
	if g, ok := c.Locals(localGrants).([]store.RoleGrant); ok {
		return g, nil
	}
	u := CurrentUser(c)
	if u == nil {
		return nil, nil
	}
	g, err := db.Roles(c.UserContext(), u.ID)
	if err != nil {
		return nil, fmt.Errorf("web: roles: %w", err)
	}
	if g == nil {
		g = []store.RoleGrant{}
	}
	c.Locals(localGrants, g)
	return g, nil
}
