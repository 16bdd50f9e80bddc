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

// AcademyOf is the académie a request acts on: the route parameter
// :academie, else the query parameter ?academie=, else the home académie of
// the person the request is made by ("" when signed out).
func AcademyOf(c *fiber.Ctx) string {
	if a := c.Params("academie"); a != "" {
		return a
	}
	if a := c.Query("academie"); a != "" {
		return a
	}
	if u := CurrentUser(c); u != nil {
		return u.AcademyCode
	}
	return ""
}

// Can reports whether the person the request is made by has perm in
// académie academy (Allows, with their Grants read from db when needed).
// It fails only when the grants cannot be read; treat false as
// "forbidden".
func Can(c *fiber.Ctx, db *store.DB, perm Permission, academy string) (bool, error) {
	u := CurrentUser(c)
	if u == nil || perm == PermPublic || perm == PermSignedIn || u.GlobalAdmin {
		return Allows(u, nil, perm, academy), nil
	}
	g, err := Grants(c, db)
	if err != nil {
		return false, err
	}
	return Allows(u, g, perm, academy), nil
}
