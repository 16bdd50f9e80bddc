package pages

import (
	"fmt"
	"slices"
	"sort"

	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
)

// The permission checks of the web app, on the ONE table of who may do what
// (package guichet/web/kit, authz.go, which says how to use them).

// can reports whether the signed-in person has perm in académie academy
// (kit.Can). It fails only when the grants cannot be read; treat false as
// "forbidden".
func (s *Pages) can(c *fiber.Ctx, perm Permission, academy string) (bool, error) {
	return kit.Can(c, s.db, perm, academy)
}

// canHere is can in s.academyOf(c), false on error (for menus and
// template flags; errors are logged).
func (s *Pages) canHere(c *fiber.Ctx, perm Permission) bool {
	ok, err := s.can(c, perm, s.academyOf(c))
	if err != nil {
		s.log.WarnContext(c.UserContext(), "authorization check", "permission", string(perm), "error", err)
		return false
	}
	return ok
}

// academyOf is the académie a request acts on (kit.AcademyOf).
func (s *Pages) academyOf(c *fiber.Ctx) string { return kit.AcademyOf(c) }

// require returns the middleware guarding a route with perm, checked in
// s.academyOf(c), and declares perm for the route the next s.get / s.post
// registers (write it inside that call). Signed-out visitors are sent to
// sign in (as requireAuth does) unless perm is PermPublic; people without
// the permission get a 403 page.
func (s *Pages) require(perm Permission) fiber.Handler {
	s.access.pending = append(s.access.pending, perm)
	return func(c *fiber.Ctx) error {
		if perm == PermPublic {
			return c.Next()
		}
		u := currentUser(c)
		if u == nil {
			return s.requireAuth(c)
		}
		academy := s.academyOf(c)
		ok, err := s.can(c, perm, academy)
		if err != nil {
			return err
		}
		if !ok {
			return &Error{Code: EFORBIDDEN, Err: fmt.Errorf("person %d lacks %s in %q", u.ID, perm, academy)}
		}
		return c.Next()
	}
}

// routeAccess records the permissions declared for each route while the
// routes are registered (only during New; read-only afterwards).
type routeAccess struct {
	// pending are the permissions of s.require calls not yet consumed by a
	// route registration.
	pending []Permission
	// perms maps "METHOD /path" to the permissions the route requires
	// (all of them); a route registered with none maps to nil.
	perms map[string][]Permission
}

// declare gives the route method+path the pending permissions. s.get and
// s.post call it.
func (s *Pages) declare(path string, methods ...string) {
	if s.access.perms == nil {
		s.access.perms = map[string][]Permission{}
	}
	for _, m := range methods {
		s.access.perms[m+" "+path] = slices.Clone(s.access.pending)
	}
	s.access.pending = nil
}

// RouteAccess lists every route of the app (middleware excluded) with the
// permissions it declares, sorted by path then method: the route walk test
// and documentation read it.
func (s *Pages) RouteAccess() []RouteAccess {
	var out []RouteAccess
	seen := map[string]bool{}
	for _, r := range s.app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		perms, ok := s.access.perms[key]
		out = append(out, RouteAccess{Method: r.Method, Path: r.Path, Perms: perms, Declared: ok})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
