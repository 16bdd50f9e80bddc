package mail_test

import (
	"regexp"
	"strings"
	"testing"

	"guichet/mail"
)

// replyNumberRe is the shape of a ticket number.
var replyNumberRe = regexp.MustCompile(`^I\d{6}_\d{4,}$`)

// FuzzParseReplyAddress feeds arbitrary recipient addresses (what an SMTP
// client sends in RCPT TO) to the reply-address check: an accepted address
// names a well-formed ticket number and is the signed address of that
// number; the signed address of a number always parses back to it.
func FuzzParseReplyAddress(f *testing.F) {
	ra := mail.NewReplyAddresses("s3cret-key", "Reply.Guichet.test")
	for _, s := range []string{
		ra.Address("I260101_0001"), "<" + strings.ToUpper(ra.Address("I260101_0001")) + ">",
		"ticket+I260101_0001.aaaaaaaaaaaaaaaa@reply.guichet.test", "ticket+@reply.guichet.test",
		"ticket+.@reply.guichet.test", "ticket+I260101_0001@reply.guichet.test", "@", "", "<>",
		"ticket+I2601010001x.abc@reply.guichet.test", "ticket+I260101_0001.x@evil.test@reply.guichet.test",
		"ticket+ı260101_0001.aaaa@reply.guichet.test", "ticket+I26010١_0001.aaaa@reply.guichet.test",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		number, err := ra.Parse(addr)
		if err != nil {
			if number != "" {
				t.Fatalf("Parse(%q) = %q with error %v", addr, number, err)
			}
		} else {
			if !replyNumberRe.MatchString(number) {
				t.Fatalf("Parse(%q) accepted ill-formed number %q", addr, number)
			}
			if !strings.EqualFold(strings.Trim(strings.TrimSpace(addr), "<>"), ra.Address(number)) {
				t.Fatalf("Parse(%q) = %q, but that number's address is %q", addr, number, ra.Address(number))
			}
		}
		// Any well-formed number round-trips.
		if replyNumberRe.MatchString(addr) && len(addr) <= 20 {
			got, err := ra.Parse(ra.Address(addr))
			if err != nil || got != addr {
				t.Fatalf("Parse(Address(%q)) = %q, %v", addr, got, err)
			}
		}
	})
}
