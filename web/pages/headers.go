package pages

import (
	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
)

// securityHeaders writes the security headers. Pages are not cached (they
// show personal data and must not come back with the Back button after
// sign-out); static files override Cache-Control.
func (s *Pages) securityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", kit.ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set(fiber.HeaderCacheControl, "no-store")
	if s.cfg.Web.SecureCookies {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}
