package kit

import (
	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// localUser is the request's Locals key of the signed-in person.
const localUser = "user"

// CurrentUser returns the person the request is made by (nil when signed
// out): the session's person on the pages, the token's on the API.
func CurrentUser(c *fiber.Ctx) *store.Person {
	p, _ := c.Locals(localUser).(*store.Person)
	return p
}

// SetCurrentUser records p as the person the request is made by (the
// session middleware, the API's bearer-token authentication).
func SetCurrentUser(c *fiber.Ctx, p *store.Person) { c.Locals(localUser, p) }
