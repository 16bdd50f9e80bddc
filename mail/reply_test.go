package mail_test

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"guichet/mail"
)

func TestStripReply(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is kept", "Le poste redémarre.\nMerci.", "Le poste redémarre.\nMerci."},
		{"the signature is cut", "C'est réparé.\n-- \nCamille Martin\nDSDEN 94", "C'est réparé."},
		{"a signature delimiter without its space is cut too", "Oui.\n--\nCamille", "Oui."},
		{"a French attribution and the history after it are cut",
			"Voici le numéro : 12345\n\nLe lun. 7 déc. 2026 à 10:05, Guichet <guichet@ac-creteil.fr> a écrit :\n> Bonjour,\n> Merci de préciser…",
			"Voici le numéro : 12345"},
		{"an attribution wrapped over two lines is cut",
			"Voici.\nLe lun. 7 déc. 2026 à 10:05, Guichet <guichet@ac-creteil.fr> a\nécrit :\n> Bonjour",
			"Voici."},
		{"an English attribution is cut", "Done.\n\nOn Mon, Dec 7, 2026 at 10:05 AM Guichet <g@x> wrote:\n> Hello", "Done."},
		{"quoted lines are dropped between answers", "> Quel modèle ?\nHP 4250\n> Quel bureau ?\nB12", "HP 4250\nB12"},
		{"an Outlook separator cuts the history", "Réponse.\n\n-----Message d'origine-----\nDe : Guichet", "Réponse."},
		{"CRLF and blank lines are normalised", "\r\n\r\nUn\r\n\r\n\r\n\r\nDeux\r\n\r\n", "Un\n\nDeux"},
		{"a sentence starting with Le is not an attribution", "Le poste a écrit sur le disque.\nVoilà", "Le poste a écrit sur le disque.\nVoilà"},
		{"only history gives nothing", "> a\n> b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mail.StripReply(tt.in); got != tt.want {
				t.Errorf("StripReply(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseReply(t *testing.T) {
	t.Run("an HTML-only reply is made plain without its quoted block", func(t *testing.T) {
		raw := "From: Camille <camille@ac-creteil.fr>\r\nMessage-ID: <abc@mx>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: text/html; charset=utf-8\r\n\r\n" +
			"<div>Bonjour,<br>c&#39;est <b>réglé</b>.</div><blockquote>Ancien message</blockquote><script>x()</script>\r\n"
		r, err := mail.ParseReply(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if r.Body != "Bonjour,\nc'est réglé." || r.From != "camille@ac-creteil.fr" || r.MessageID != "abc@mx" {
			t.Errorf("reply %+v", r)
		}
	})
	t.Run("a Latin-1 quoted-printable reply is decoded", func(t *testing.T) {
		raw := "From: camille@ac-creteil.fr\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"R=E9gl=E9, merci.\r\n"
		r, err := mail.ParseReply(strings.NewReader(raw))
		if err != nil || r.Body != "Réglé, merci." {
			t.Errorf("ParseReply = %+v, %v", r, err)
		}
	})
	t.Run("an attachment's name never climbs out nor carries control characters", func(t *testing.T) {
		for name, want := range map[string]string{
			"../../etc/passwd":         "passwd",
			`..\..\boot.ini`:           "boot.ini",
			"..":                       "piece-jointe-1",
			"rapport\r\n\"final\".pdf": "rapportfinal.pdf",
			" \t":                      "piece-jointe-1",
		} {
			raw := "From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nVoici.\r\n" +
				"--x\r\nContent-Type: application/x-guichet-test\r\nContent-Disposition: attachment; filename*=utf-8''" +
				url.PathEscape(name) + "\r\n\r\ndata\r\n--x--\r\n"
			r, err := mail.ParseReply(strings.NewReader(raw))
			if err != nil {
				t.Fatalf("%q: %v", name, err)
			}
			if len(r.Files) != 1 || r.Files[0].Filename != want {
				t.Errorf("attachment named %q kept as %+v, want %q", name, r.Files, want)
			}
		}
	})
	t.Run("a message without From is malformed", func(t *testing.T) {
		_, err := mail.ParseReply(strings.NewReader("Subject: x\r\n\r\nbody\r\n"))
		if !errors.Is(err, mail.ErrMalformed) {
			t.Errorf("err = %v", err)
		}
	})
}

// FuzzParseReply checks that no input crashes the reply parser and that
// what it keeps never holds quoted lines, a signature or invalid UTF-8.
func FuzzParseReply(f *testing.F) {
	seeds := []string{
		"From: a@b.fr\r\n\r\nBonjour\r\n-- \r\nsig\r\n",
		"From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n> q\r\n--x\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\ndata\r\n--x--\r\n",
		"From: a@b.fr\r\nContent-Type: text/html\r\n\r\n<p>x</p><blockquote>y",
		"From: a@b.fr\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!",
		"From: =?utf-8?q?Cam=C3=A9?= <a@b.fr>\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nLe 1 a écrit :\r\n> z",
		"\xff\xfe",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := mail.ParseReply(bytes.NewReader(raw))
		if err != nil {
			return
		}
		if !utf8.ValidString(r.Body) {
			t.Errorf("body is not UTF-8: %q", r.Body)
		}
		for _, l := range strings.Split(r.Body, "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") || l == "-- " {
				t.Errorf("body keeps %q", l)
			}
		}
		if r.Body != strings.TrimSpace(r.Body) && strings.TrimSpace(r.Body) != "" && strings.HasPrefix(r.Body, "\n") {
			t.Errorf("body starts with a blank line: %q", r.Body)
		}
		for _, file := range r.Files {
			if strings.ContainsAny(file.Filename, "/\\\"") || file.Filename == "" || file.Filename == ".." ||
				strings.ContainsFunc(file.Filename, unicode.IsControl) {
				t.Errorf("unsafe file name %q", file.Filename)
			}
		}
		// Stripping is idempotent.
		if again := mail.StripReply(r.Body); again != r.Body {
			t.Errorf("StripReply not idempotent: %q → %q", r.Body, again)
		}
	})
}
