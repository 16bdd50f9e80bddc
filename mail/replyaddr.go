package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"

	"guichet/config"
)

// replyPrefix starts the local part of every reply address.
const replyPrefix = "ticket+"

// sigLen is the length of the signature in a reply address: 16 base32
// characters, 80 bits of the HMAC-SHA256.
const sigLen = 16

// ErrBadReplyAddress is returned by ReplyAddresses.Parse for an address that
// is not a validly signed reply address of this domain.
var ErrBadReplyAddress = errors.New("mail: not a valid reply address")

// ReplyAddresses makes and checks the signed per-ticket reply addresses put
// in the Reply-To of notification mails:
// ticket+I130416_0213.<signature>@reply_domain, where the signature is an
// HMAC-SHA256 of the ticket number under mail.reply_secret. Only Guichet can
// make one, so a reply to it proves which ticket it is about.
type ReplyAddresses struct {
	key    []byte
	domain string
}

// NewReplyAddresses returns the reply addresses of domain signed with
// secret. An empty secret still signs (with an empty key), which the
// configuration warns about: addresses can then be forged.
func NewReplyAddresses(secret, domain string) *ReplyAddresses {
	return &ReplyAddresses{key: []byte(secret), domain: strings.ToLower(strings.TrimSpace(domain))}
}

// Domain returns the domain of the reply addresses.
func (r *ReplyAddresses) Domain() string { return r.domain }

// sign returns the signature of a ticket number (lower-case base32, since
// some mail servers lower-case local parts).
func (r *ReplyAddresses) sign(number string) string {
	mac := hmac.New(sha256.New, r.key)
	mac.Write([]byte("guichet-reply:" + strings.ToUpper(number)))
	sum := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(mac.Sum(nil))
	return strings.ToLower(sum[:sigLen])
}

// Address returns the signed reply address of a ticket.
func (r *ReplyAddresses) Address(number string) string {
	return replyPrefix + number + "." + r.sign(number) + "@" + r.domain
}

// Parse checks a reply address (case-insensitive, with or without angle
// brackets) and returns its ticket number (upper-case, as numbers are
// written). Any other address, another domain or a wrong signature gives
// ErrBadReplyAddress; the signature is compared in constant time.
func (r *ReplyAddresses) Parse(addr string) (string, error) {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || addr[at+1:] != r.domain {
		return "", ErrBadReplyAddress
	}
	local := addr[:at]
	if !strings.HasPrefix(local, replyPrefix) {
		return "", ErrBadReplyAddress
	}
	local = local[len(replyPrefix):]
	dot := strings.LastIndexByte(local, '.')
	if dot <= 0 {
		return "", ErrBadReplyAddress
	}
	number, sig := strings.ToUpper(local[:dot]), local[dot+1:]
	if !validNumber(number) {
		return "", ErrBadReplyAddress
	}
	if !hmac.Equal([]byte(sig), []byte(r.sign(number))) {
		return "", ErrBadReplyAddress
	}
	return number, nil
}

// validNumber reports whether s looks like a ticket number (I + 6 digits +
// _ + 4 or more digits).
func validNumber(s string) bool {
	if len(s) < 12 || len(s) > 20 || s[0] != 'I' || s[7] != '_' {
		return false
	}
	for i, c := range s[1:] {
		if i+1 == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ReplyToFunc returns the Reply-To of a ticket's mails for
// activities.Activities.ReplyTo: the signed reply address when Guichet
// listens for replies (mail.listen_addr set), nil otherwise (mails then ask
// not to reply).
func ReplyToFunc(cfg config.Mail) func(number string) string {
	if cfg.ListenAddr == "" {
		return nil
	}
	return NewReplyAddresses(cfg.ReplySecret, cfg.ReplyDomain).Address
}
