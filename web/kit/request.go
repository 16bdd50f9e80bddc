package kit

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// localRequestID is the request's Locals key of its ID.
const localRequestID = "requestid"

// ContentSecurityPolicy allows only Guichet's own files: no inline script
// or style, no framing, forms posting only here. DSFR draws some icons as
// data: SVG, hence img-src data:.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// NewRequestID gives every request an ID (X-Request-ID, kept if the proxy
// sent one), logged with it and shown on error pages.
func NewRequestID() fiber.Handler {
	return requestid.New(requestid.Config{ContextKey: localRequestID})
}

// RequestID returns the request's ID.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}
