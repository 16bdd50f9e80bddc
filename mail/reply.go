package mail

import (
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode ISO-8859-1, Windows-1252… replies
	gomail "github.com/emersion/go-message/mail"
)

// ErrMalformed is returned by ParseReply for a message that is not valid
// MIME.
var ErrMalformed = errors.New("mail: malformed message")

// maxReplyParts bounds the number of MIME parts of a reply (a guard against
// pathological messages).
const maxReplyParts = 100

// Reply is an incoming reply, parsed: who sent it, its Message-ID, the new
// text (quoted history and signature removed) and its attachments.
type Reply struct {
	From      string // the From address, lower-cased
	MessageID string // without angle brackets; empty when the message has none
	Subject   string
	Body      string
	Files     []ReplyFile
}

// ReplyFile is one attachment of a reply.
type ReplyFile struct {
	Filename    string
	ContentType string
	Data        []byte
}

// ParseReply reads a MIME message: its From, Message-ID and subject, the
// text of its first text/plain part (or of its first text/html part made
// plain when it has none) stripped by StripReply, and every attachment. An
// unparsable message gives an error wrapping ErrMalformed. Unknown charsets
// and transfer encodings are tolerated (the bytes are kept as they are).
func ParseReply(r io.Reader) (*Reply, error) {
	mr, err := gomail.CreateReader(r)
	if err != nil && !tolerable(err) {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if mr == nil {
		return nil, ErrMalformed
	}
	defer mr.Close()
	out := &Reply{}
	from, err := mr.Header.AddressList("From")
	if err != nil || len(from) == 0 {
		return nil, fmt.Errorf("%w: no valid From address", ErrMalformed)
	}
	out.From = strings.ToLower(from[0].Address)
	if id, err := mr.Header.MessageID(); err == nil {
		out.MessageID = id
	}
	if s, err := mr.Header.Subject(); err == nil {
		out.Subject = s
	}
	var plain, htmlText string
	havePlain, haveHTML := false, false
	for n := 0; ; n++ {
		if n == maxReplyParts {
			return nil, fmt.Errorf("%w: more than %d parts", ErrMalformed, maxReplyParts)
		}
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !tolerable(err) {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if p == nil {
			return nil, ErrMalformed
		}
		body, err := io.ReadAll(p.Body)
		if err != nil && !tolerable(err) {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch h := p.Header.(type) {
		case *gomail.AttachmentHeader:
			out.Files = append(out.Files, replyFile(h.Header, body, len(out.Files)+1))
		case *gomail.InlineHeader:
			mt, _, _ := h.ContentType()
			fname := filename(h.Header)
			switch {
			case fname != "" || !strings.HasPrefix(mt, "text/"):
				// An inline image or document: keep it as an attachment.
				out.Files = append(out.Files, replyFile(h.Header, body, len(out.Files)+1))
			case mt == "text/html" && !haveHTML:
				haveHTML, htmlText = true, htmlToText(string(body))
			case (mt == "text/plain" || mt == "") && !havePlain:
				havePlain, plain = true, string(body)
			}
		}
	}
	text := plain
	if !havePlain {
		text = htmlText
	}
	out.Body = StripReply(validUTF8(text))
	return out, nil
}

// tolerable reports whether a go-message error leaves the content usable.
func tolerable(err error) bool {
	return message.IsUnknownCharset(err) || message.IsUnknownEncoding(err)
}

// filename returns the file name of a part, from Content-Disposition or
// Content-Type, reduced to its base name without control characters or
// quotes; "" when nothing usable is left ("." and ".." included).
func filename(h message.Header) string {
	name := ""
	if _, params, err := h.ContentDisposition(); err == nil {
		name = params["filename"]
	}
	if name == "" {
		if _, params, err := h.ContentType(); err == nil {
			name = params["name"]
		}
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, validUTF8(path.Base(name)))
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	return name
}

// replyFile builds an attachment, naming unnamed ones "piece-jointe-N".
func replyFile(h message.Header, data []byte, n int) ReplyFile {
	mt, _, err := h.ContentType()
	if err != nil || mt == "" {
		mt = "application/octet-stream"
	}
	name := filename(h)
	if name == "" {
		name = fmt.Sprintf("piece-jointe-%d", n)
		if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
			name += exts[0]
		}
	}
	return ReplyFile{Filename: name, ContentType: mt, Data: data}
}

func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

var (
	htmlQuote    = regexp.MustCompile(`(?is)<blockquote.*</blockquote>|<div[^>]*class="?(gmail_quote|moz-cite-prefix)[^>]*>.*`)
	htmlDrop     = regexp.MustCompile(`(?is)<(script|style|head|title)[^>]*>.*?</(script|style|head|title)>`)
	htmlBreaks   = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>`)
	htmlTags     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRuns    = regexp.MustCompile(`[ \t\x{00A0}]+`)
	attribution  = regexp.MustCompile(`(?i)^(le\s.*\sa\s+[ée]crit\s*:|on\s.*\swrote\s*:)$`)
	attribStart  = regexp.MustCompile(`(?i)^(le|on)\s`)
	origSeparate = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|message d'origine|message original|forwarded message|message transféré)\s*-{2,}|_{20,})$`)
)

// htmlToText turns an HTML body into plain text: quoted blocks and
// scripts dropped, breaks kept, tags removed, entities decoded.
func htmlToText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlQuote.ReplaceAllString(s, "")
	s = htmlBreaks.ReplaceAllString(s, "\n")
	s = htmlTags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaceRuns.ReplaceAllString(l, " "))
	}
	return strings.Join(lines, "\n")
}

// StripReply keeps only what the person wrote in a reply: it cuts at the
// signature ("-- ") and at the quoted history ("Le … a écrit :", "On …
// wrote:", possibly wrapped over two lines, or an "Original Message"
// separator), drops every line quoted with '>', and trims blank lines.
func StripReply(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(l)
		if lines[i] == "-- " || trimmed == "--" {
			break
		}
		if origSeparate.MatchString(trimmed) || attribution.MatchString(trimmed) {
			break
		}
		if attribStart.MatchString(trimmed) && i+1 < len(lines) &&
			attribution.MatchString(trimmed+" "+strings.TrimSpace(lines[i+1])) {
			break
		}
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			continue
		}
		out = append(out, l)
	}
	// Collapse runs of blank lines and trim the ends.
	var b strings.Builder
	blank := 0
	for _, l := range out {
		if strings.TrimSpace(l) == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteString("\n")
			}
		}
		blank = 0
		b.WriteString(l)
	}
	s := b.String()
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	return s
}
