package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
)

// localToken is the c.Locals key of the API token of the request.
const localToken = "api_token"

// Token returns the API token the request was authenticated with, or
// nil (web sessions).
func Token(c *fiber.Ctx) *store.APIToken {
	t, _ := c.Locals(localToken).(*store.APIToken)
	return t
}

// apiAuth authenticates an API request by its bearer token and puts the
// token's person in the request, as a session would: every authorization
// helper (Host.Require, Host.Can, the ticket logic) then applies the
// person's roles. API requests never use the session cookie, so they are
// not open to cross-site request forgery and skip the CSRF check (the API
// routes are registered before that middleware). write refuses read-only
// tokens (403).
func (s *API) apiAuth(write bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		raw := c.Get(fiber.HeaderAuthorization)
		scheme, token, ok := strings.Cut(raw, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="guichet"`)
			return &kit.Error{Code: kit.EUNAUTHORIZED, Key: "api.error.token.missing", Err: errors.New("no bearer token")}
		}
		tok, person, err := s.db.AuthenticateToken(c.UserContext(), strings.TrimSpace(token))
		switch {
		case errors.Is(err, store.ErrTokenExpired):
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="guichet", error="invalid_token"`)
			return &kit.Error{Code: kit.EUNAUTHORIZED, Key: "api.error.token.expired", Err: err}
		case errors.Is(err, store.ErrNotFound):
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="guichet", error="invalid_token"`)
			return &kit.Error{Code: kit.EUNAUTHORIZED, Key: "api.error.token.invalid", Err: err}
		case err != nil:
			// The database is unreachable: nothing was done, the client may
			// retry shortly (a 500 would read as a fault of the request).
			c.Set(fiber.HeaderRetryAfter, "5")
			return &kit.Error{Code: kit.EINTERNAL, Status: fiber.StatusServiceUnavailable, Key: "api.error.busy",
				Err: fmt.Errorf("web: api token: %w", err)}
		}
		if write && !tok.AllowsWrite() {
			return &kit.Error{Code: kit.EFORBIDDEN, Key: "api.error.token.scope", Err: fmt.Errorf("token %d is read-only", tok.ID)}
		}
		kit.SetCurrentUser(c, person)
		c.Locals(localToken, tok)
		return c.Next()
	}
}
