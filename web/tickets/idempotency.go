package tickets

import (
	"crypto/rand"
	"encoding/base64"
)

// Ticket actions are idempotent end to end (CONVENTIONS §19): every Update
// the web app sends carries a stable Update ID, so a retry — a double click,
// the browser resending a form after a timeout, an integrator's client
// retrying a call — is applied once by the workflow, which answers the retry
// with the first call's result.
//
// On the web the ID comes from the nonce of the form (field _nonce, one per
// rendered page, kept when the page is shown again after a refusal); on the
// API from the Idempotency-Key header (web/pages/idempotency.go reads the
// nonce, web/api_host.go the key). Both are scoped by person and Update
// name, so one person's key never collides with another's, nor one action
// with another.

// NonceField is the hidden form field carrying the page's nonce.
const NonceField = "_nonce"

// HeaderIdempotencyKey is the API's request header naming a retryable call.
const HeaderIdempotencyKey = "Idempotency-Key"

// MaxIdempotencyKey bounds the Idempotency-Key header (a UUID is 36).
const MaxIdempotencyKey = 128

// NewNonce returns a random form nonce (128 bits, URL-safe base64).
func NewNonce() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; an empty nonce
		// only means the action gets a random Update ID (no deduplication).
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidNonce reports whether v has the shape of a nonce made by NewNonce.
func ValidNonce(v string) bool {
	if len(v) != 22 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// ValidIdempotencyKey reports whether an Idempotency-Key header is usable:
// 1…128 printable ASCII characters without spaces.
func ValidIdempotencyKey(v string) bool {
	if v == "" || len(v) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}
