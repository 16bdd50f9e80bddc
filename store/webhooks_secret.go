package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Webhook signing secrets are not kept in the database: a subscription
// stores a random salt, and its secret is HMAC-SHA256(key, salt), where the
// key comes from the configuration (config.WebhookSecretKey). A copy of the
// database alone signs nothing. The stored form is
//
//	v1:<salt, hex>:<key check, hex>
//
// where the key check (a MAC of a fixed label) tells a changed key from a
// good one. Subscriptions created without a key, or before this scheme,
// keep their secret in clear ("whsec_…").
const (
	webhookSecretPrefix = "whsec_"
	webhookDerivedV1    = "v1:"
)

// ErrWebhookKey: a subscription's secret was derived from a key that is
// not the one configured (or none is).
var ErrWebhookKey = errors.New("webhook secret derived from another key (webhooks.secret_key changed?)")

// WebhookKey derives webhook signing secrets; the zero value keeps them in
// clear (no key configured).
type WebhookKey struct {
	key []byte
}

// NewWebhookKey returns the key deriving the secrets from secret (the
// configuration's); "" gives the zero WebhookKey.
func NewWebhookKey(secret string) WebhookKey {
	if secret == "" {
		return WebhookKey{}
	}
	k := sha256.Sum256([]byte("guichet webhooks v1\x00" + secret))
	return WebhookKey{key: k[:]}
}

// mac returns HMAC-SHA256(k, label) in hex.
func (k WebhookKey) mac(label string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(label))
	return hex.EncodeToString(m.Sum(nil))
}

// check is the key check stored with each derived secret.
func (k WebhookKey) check() string { return k.mac("key check")[:16] }

// newSecret makes a subscription secret: what to store and what to show
// the administrator once (and sign with).
func (k WebhookKey) newSecret() (stored, secret string, err error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("webhook secret: %w", err)
	}
	if k.key == nil {
		secret = webhookSecretPrefix + hex.EncodeToString(b[:])
		return secret, secret, nil
	}
	salt := hex.EncodeToString(b[:])
	return webhookDerivedV1 + salt + ":" + k.check(), k.derive(salt), nil
}

// derive is the secret of a salt.
func (k WebhookKey) derive(salt string) string {
	return webhookSecretPrefix + k.mac("secret\x00" + salt)[:48]
}

// SigningSecret returns the secret that signs w's deliveries: derived from
// the stored salt with k, or the stored secret itself when it is in clear.
// A secret derived from another key (or with none configured) gives an
// error wrapping ErrWebhookKey.
func (k WebhookKey) SigningSecret(w *WebhookSubscription) (string, error) {
	if strings.HasPrefix(w.Secret, webhookSecretPrefix) {
		return w.Secret, nil
	}
	rest, ok := strings.CutPrefix(w.Secret, webhookDerivedV1)
	salt, check, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || salt == "" {
		return "", fmt.Errorf("store: webhook %d: malformed stored secret", w.ID)
	}
	if k.key == nil || !hmac.Equal([]byte(check), []byte(k.check())) {
		return "", fmt.Errorf("store: webhook %d: %w", w.ID, ErrWebhookKey)
	}
	return k.derive(salt), nil
}

// StoresSecretInClear reports whether w's secret is kept readable in the
// database (created without a key configured).
func (w *WebhookSubscription) StoresSecretInClear() bool {
	return strings.HasPrefix(w.Secret, webhookSecretPrefix)
}
