package identity

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCSV feeds arbitrary files to the directory CSV import's parser:
// it never panics or loops, every row read is either kept or reported with
// a line number, and the people kept are well formed.
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"identifiant;nom;prénom;mail\ncmartin;MARTIN;Claire;claire.martin@ac-creteil.fr\n",
		"\xEF\xBB\xBFlogin,lastname,firstname,academie\njb,BERNARD,Julien,rouen\njb,BERNARD,Julien,rouen\n",
		"uid;sn;givenname\n\"unterminated;X;Y\nok;A;B\n",
		"uid;sn;givenname\nbad login;A;B\n;A;B\nx;;B\ny;A;\nz;A;B;extra;cells\n\xff\xfe;A;B\n",
		"login;nom;prenom;mail\n<script>alert(1)</script>;\"><img src=x onerror=alert(1)>;{{.}};a@b\n",
		"", "\n\n\n", "login", "identifiant;nom;prénom\r\n\r\nx;y;z\r\n",
		"login,nom,prenom,mail\nx,y,z,\"Claire <c@ac.fr>\"\n",
	} {
		f.Add(s, "creteil", false)
		f.Add(s, "", true)
	}
	f.Fuzz(func(t *testing.T, file, academy string, only bool) {
		academies := map[string]bool{"creteil": true, "rouen": true}
		res := &ImportResult{}
		people, err := (&Service{}).parseCSV(strings.NewReader(file), ImportOptions{Academy: academy, OnlyAcademy: only}, academies, res)
		if err != nil {
			if FileProblem(err) == "" && !strings.HasPrefix(err.Error(), "identity: csv:") {
				t.Fatalf("parseCSV: error without a French explanation: %v", err)
			}
			return
		}
		if res.Rows != len(people)+len(res.Skipped) {
			t.Fatalf("parseCSV: %d rows read, %d kept + %d skipped", res.Rows, len(people), len(res.Skipped))
		}
		logins := map[string]bool{}
		for _, p := range people {
			switch {
			case p.Login == "" || strings.ContainsAny(p.Login, " \t,;"):
				t.Fatalf("parseCSV kept login %q", p.Login)
			case logins[p.Login]:
				t.Fatalf("parseCSV kept login %q twice", p.Login)
			case p.LastName == "" || p.FirstName == "":
				t.Fatalf("parseCSV kept %q without a name", p.Login)
			case !academies[p.AcademyCode]:
				t.Fatalf("parseCSV kept %q in unknown académie %q", p.Login, p.AcademyCode)
			case only && p.AcademyCode != academy:
				t.Fatalf("parseCSV kept %q of %q while importing only %q", p.Login, p.AcademyCode, academy)
			}
			for _, v := range []string{p.Login, p.LastName, p.FirstName, p.Email, p.Entity, p.Service, p.Office, p.Phone, p.Location} {
				if !utf8.ValidString(v) {
					t.Fatalf("parseCSV kept invalid UTF-8 %q", v)
				}
			}
			logins[p.Login] = true
		}
		for _, e := range res.Skipped {
			if e.Line < 1 || e.Message == "" {
				t.Fatalf("parseCSV: skipped row without line or message: %+v", e)
			}
		}
	})
}
