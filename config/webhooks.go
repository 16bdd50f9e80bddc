package config

// Webhooks configures the delivery of ticket events to the académies'
// webhook subscriptions.
type Webhooks struct {
	// AllowPrivateTargets lets subscriptions (and deliveries) reach
	// loopback, private, link-local, multicast and unspecified addresses.
	// Off by default: a subscription URL must not be a way into the
	// internal network (SSRF). Tests with a loopback receiver turn it on.
	AllowPrivateTargets bool `mapstructure:"allow_private_targets"`
	// SecretKey derives each subscription's signing secret, so that the
	// database keeps only a random salt. Empty: mail.reply_secret is used;
	// both empty: new secrets are stored in clear (warned in production).
	SecretKey string `mapstructure:"secret_key"`
}

// WebhookSecretKey is the key deriving the webhook signing secrets:
// webhooks.secret_key, else mail.reply_secret, else "" (secrets in clear).
func (c Config) WebhookSecretKey() string {
	if c.Webhooks.SecretKey != "" {
		return c.Webhooks.SecretKey
	}
	return c.Mail.ReplySecret
}

// API configures the REST API.
type API struct {
	// RateLimit is how many requests one token may make per minute; past
	// it the API answers 429 with Retry-After. 0 disables the limit.
	RateLimit int `mapstructure:"rate_limit"`
}
