package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Ticket actions are idempotent end to end (CONVENTIONS §19): every Update
// the web app sends carries a stable Update ID, so a retry — a double click,
// the browser resending a form after a timeout, an integrator's client
// retrying a call — is applied once by the workflow, which answers the retry
// with the first call's result.
//
// On the web the ID comes from the nonce of the form (field _nonce, one per
// rendered page, kept when the page is shown again after a refusal); on the
// API from the Idempotency-Key header. Both are scoped by person and Update
// name, so one person's key never collides with another's, nor one action
// with another.

// nonceField is the hidden form field carrying the page's nonce.
const nonceField = "_nonce"

// headerIdempotencyKey is the API's request header naming a retryable call.
const headerIdempotencyKey = "Idempotency-Key"

// maxIdempotencyKey bounds the Idempotency-Key header (a UUID is 36).
const maxIdempotencyKey = 128

// localUpdated is the c.Locals key set once a request has applied an Update:
// a page rendered afterwards gets a fresh nonce, never the one just used.
const localUpdated = "update_applied"

// newNonce returns a random form nonce (128 bits, URL-safe base64).
func newNonce() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; an empty nonce
		// only means the action gets a random Update ID (no deduplication).
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validNonce reports whether v has the shape of a nonce made by newNonce.
func validNonce(v string) bool {
	if len(v) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// validIdempotencyKey reports whether an Idempotency-Key header is usable:
// 1…128 printable ASCII characters without spaces.
func validIdempotencyKey(v string) bool {
	if v == "" || len(v) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}

// pageNonce returns the nonce the forms of the page being rendered carry:
// the one the request posted when the page shows a refused or failed form
// again (so resending it stays one action), else a new one.
func pageNonce(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodPost && c.Locals(localUpdated) == nil {
		if v := c.FormValue(nonceField); validNonce(v) {
			return strings.Clone(v)
		}
	}
	return newNonce()
}

// updateID returns the Update ID of the ticket action name sent by person
// personID in this request, or "" when the request names no retry key (the
// SDK then makes a random one). An API call with a malformed
// Idempotency-Key is refused (422) rather than silently not deduplicated.
func updateID(c *fiber.Ctx, personID int64, name string) (string, error) {
	if apiToken(c) != nil {
		key := c.Get(headerIdempotencyKey)
		if key == "" {
			return "", nil
		}
		if !validIdempotencyKey(key) {
			return "", apiUnprocessable("api.error.idempotency", maxIdempotencyKey)
		}
		return fmt.Sprintf("api:%d:%s:%s", personID, name, key), nil
	}
	if v := c.FormValue(nonceField); validNonce(v) {
		return fmt.Sprintf("web:%d:%s:%s", personID, name, v), nil
	}
	return "", nil
}
