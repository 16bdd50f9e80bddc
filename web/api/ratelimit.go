package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"guichet/web/kit"
)

// apiRateWindow is the window api.rate_limit counts requests over.
const apiRateWindow = time.Minute

// apiRateLimiter returns the middleware limiting each API token to
// api.rate_limit requests a minute (a fixed window, counted in this
// process's memory). It runs after apiAuth, keyed by the token's ID, so
// one client's burst never slows another's. Past the limit it answers 429
// with Retry-After (seconds until the window ends) and a French JSON
// error. A limit of 0 lets every request through.
func (s *API) apiRateLimiter() fiber.Handler {
	perMinute := s.cfg.API.RateLimit
	if perMinute <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return limiter.New(limiter.Config{
		Max:        perMinute,
		Expiration: apiRateWindow,
		KeyGenerator: func(c *fiber.Ctx) string {
			if t := Token(c); t != nil {
				return "token:" + strconv.FormatInt(t.ID, 10)
			}
			return "ip:" + c.IP() // not reached: apiAuth runs first
		},
		LimitReached: func(c *fiber.Ctx) error {
			wait, _ := strconv.Atoi(string(c.Response().Header.Peek(fiber.HeaderRetryAfter)))
			return &kit.Error{Code: kit.ETOOMANY, Key: "api.error.ratelimited", Args: []any{perMinute, max(wait, 1)}}
		},
	})
}
