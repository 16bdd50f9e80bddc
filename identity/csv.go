package identity

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"unicode/utf8"

	"guichet/store"
)

// RowError is a CSV row that was skipped, with its line number in the file
// (counting the header as line 1) and a French message.
type RowError struct {
	Line    int
	Message string
}

func (e RowError) String() string { return fmt.Sprintf("ligne %d : %s", e.Line, e.Message) }

// ImportOptions are the settings of a CSV import.
type ImportOptions struct {
	// Name is the file's name, recorded with the run.
	Name string
	// Academy receives the rows without an académie column (and is the
	// run's académie).
	Academy string
	// OnlyAcademy refuses rows of another académie than Academy (an
	// académie's administrator importing).
	OnlyAcademy bool
	// Progress, when not nil, is called with rows written and rows to
	// write as the import goes.
	Progress func(done, total int)
}

// ImportResult is the outcome of a CSV import.
type ImportResult struct {
	// Run is the import as recorded (shown on the administrators' page).
	Run *store.DirectoryRun
	// Rows is the number of data rows read; Imported those written.
	Rows, Imported int
	// Skipped lists the bad rows, in file order.
	Skipped []RowError
}

// csvColumns maps each person field to the header names accepted for it
// (compared folded: lower case, no accents, no spaces, dashes or
// underscores).
func csvColumns() []csvColumn {
	return []csvColumn{
		{"login", []string{"login", "identifiant", "uid"}, true},
		{"last_name", []string{"nom", "lastname", "sn"}, true},
		{"first_name", []string{"prenom", "firstname", "givenname"}, true},
		{"email", []string{"mail", "email", "courriel", "adressemail"}, false},
		{"phone", []string{"telephone", "tel", "phone"}, false},
		{"location", []string{"localisation", "location", "site"}, false},
		{"entity", []string{"entite", "entity", "etablissement"}, false},
		{"service", []string{"service"}, false},
		{"office", []string{"bureau", "office"}, false},
		{"academy", []string{"academie", "academy"}, false},
	}
}

// csvColumn is a person field and the header names that mean it.
type csvColumn struct {
	field    string
	names    []string
	required bool
}

// foldHeader folds a header cell for matching.
func foldHeader(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(store.NameKey(s, ""))
}

// ImportCSV reads a directory file and writes its people (by login: new
// ones are added, known ones updated; passwords and roles are kept). The
// first line names the columns: identifiant (or login), nom, prénom and
// optionally mail, téléphone, localisation, entité, service, bureau,
// académie (French or English names, any case, accents optional); cells
// are separated by ; or , (guessed from the header). Rows without an
// académie go to opts.Academy; with opts.OnlyAcademy, rows of another
// académie are refused. A bad row is reported with its line
// number and skipped; the rest is imported. progress, when not nil, is
// called with rows written and rows to write as the import goes.
func (s *Service) ImportCSV(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	defaultAcademy, progress := opts.Academy, opts.Progress
	run := &store.DirectoryRun{AcademyCode: defaultAcademy, Source: store.DirectorySourceCSV, Detail: opts.Name, StartedAt: s.now().UTC()}
	if err := s.db.StartDirectoryRun(ctx, run); err != nil {
		return nil, err
	}
	res := &ImportResult{Run: run}
	known, err := s.db.ListAcademies(ctx)
	if err != nil {
		return nil, fmt.Errorf("identity: csv: %w", err)
	}
	academies := map[string]bool{}
	for _, a := range known {
		academies[a.Code] = true
	}
	// The configured académies are known even before anything put them
	// in the database (a fresh production database).
	for _, a := range s.cfg.Academies {
		if !academies[a.Code] {
			if err := s.db.UpsertAcademy(ctx, &store.Academy{Code: a.Code, Name: a.Name, Logo: a.Logo}); err != nil {
				return nil, fmt.Errorf("identity: csv: %w", err)
			}
			academies[a.Code] = true
		}
	}
	people, err := s.parseCSV(r, opts, academies, res)
	if err == nil {
		err = s.applyCSV(ctx, people, res, progress)
	}
	finished := s.now().UTC()
	run.FinishedAt = &finished
	run.Status = store.RunDone
	run.Errors = len(res.Skipped)
	for _, e := range res.Skipped {
		run.Messages = store.RunMessages(run.Messages, e.String(), 50)
	}
	if err != nil {
		run.Status = store.RunFailed
		run.Errors++
		run.Messages = store.RunMessages(run.Messages, importFailure(err), 51)
	}
	if serr := s.db.SaveDirectoryRun(ctx, run); serr != nil && err == nil {
		err = serr
	}
	return res, err
}

// importFailure is the French line recorded for a failed import.
func importFailure(err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe.msg
	}
	return "l'import s'est arrêté sur une erreur interne (voir les journaux)"
}

// fileError is a problem with the whole file (no usable header).
type fileError struct{ msg string }

func (e *fileError) Error() string { return "identity: csv: " + e.msg }

// FileProblem returns the French message of a file-level import error
// (no header, missing column), or "" for other errors.
func FileProblem(err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe.msg
	}
	return ""
}

// parseCSV reads the rows, recording bad ones in res.Skipped.
func (s *Service) parseCSV(r io.Reader, opts ImportOptions, academies map[string]bool, res *ImportResult) ([]*store.Person, error) {
	defaultAcademy := opts.Academy
	br := bufio.NewReader(r)
	// A UTF-8 byte order mark (spreadsheets write one) is not part of the
	// first header.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	first, _ := br.Peek(4096)
	headerLine, _, _ := bytes.Cut(first, []byte("\n"))
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	if bytes.Count(headerLine, []byte(";")) > bytes.Count(headerLine, []byte(",")) {
		cr.Comma = ';'
	}
	header, err := cr.Read()
	if err != nil {
		return nil, &fileError{"le fichier est vide ou sa première ligne (les noms de colonnes) est illisible"}
	}
	col := map[string]int{}
	for i, h := range header {
		fh := foldHeader(h)
		for _, c := range csvColumns() {
			for _, n := range c.names {
				if fh == n {
					if _, dup := col[c.field]; !dup {
						col[c.field] = i
					}
				}
			}
		}
	}
	var missing []string
	for _, c := range csvColumns() {
		if _, ok := col[c.field]; c.required && !ok {
			missing = append(missing, c.names[1])
		}
	}
	if len(missing) > 0 {
		return nil, &fileError{fmt.Sprintf("colonnes obligatoires absentes de la première ligne : %s (colonnes attendues : identifiant, nom, prénom, puis mail, téléphone, localisation, entité, service, bureau, académie)", strings.Join(missing, ", "))}
	}
	if _, ok := col["academy"]; !ok && defaultAcademy == "" {
		return nil, &fileError{"le fichier n'a pas de colonne académie : choisissez l'académie des personnes importées"}
	}
	seen := map[string]int{}
	var people []*store.Person
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return people, fmt.Errorf("identity: csv: %w", err)
			}
			res.Rows++
			res.Skipped = append(res.Skipped, RowError{Line: pe.StartLine, Message: "ligne mal formée (guillemet non fermé ou mal placé)"})
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		res.Rows++
		p, msg := csvPerson(rec, col, defaultAcademy, academies)
		if msg == "" && opts.OnlyAcademy && p.AcademyCode != defaultAcademy {
			msg = fmt.Sprintf("académie %q : vous ne pouvez importer que des personnes de l'académie %q", p.AcademyCode, defaultAcademy)
		}
		if msg == "" {
			if prev, dup := seen[p.Login]; dup {
				msg = fmt.Sprintf("identifiant %q déjà présent ligne %d", p.Login, prev)
			}
		}
		if msg != "" {
			res.Skipped = append(res.Skipped, RowError{Line: line, Message: msg})
			continue
		}
		seen[p.Login] = line
		people = append(people, p)
	}
	return people, nil
}

// csvPerson builds the person of a row, or says in French what is wrong.
func csvPerson(rec []string, col map[string]int, defaultAcademy string, academies map[string]bool) (*store.Person, string) {
	get := func(field string) string {
		i, ok := col[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	for _, v := range rec {
		if !utf8.ValidString(v) {
			return nil, "caractères illisibles : enregistrez le fichier en UTF-8"
		}
	}
	p := &store.Person{
		Login: store.NormalizeLogin(get("login")), LastName: get("last_name"), FirstName: get("first_name"),
		Email: get("email"), Phone: get("phone"), Location: get("location"), Entity: get("entity"),
		Service: get("service"), Office: get("office"), AcademyCode: strings.ToLower(get("academy")),
	}
	if p.AcademyCode == "" {
		p.AcademyCode = defaultAcademy
	}
	switch {
	case p.Login == "":
		return nil, "identifiant manquant"
	case strings.ContainsAny(p.Login, " \t,;"):
		return nil, fmt.Sprintf("identifiant %q invalide (pas d'espace ni de virgule)", p.Login)
	case p.LastName == "":
		return nil, "nom manquant"
	case p.FirstName == "":
		return nil, "prénom manquant"
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			return nil, fmt.Sprintf("adresse mail %q invalide", p.Email)
		}
	}
	if !academies[p.AcademyCode] {
		return nil, fmt.Sprintf("académie %q inconnue", p.AcademyCode)
	}
	return p, ""
}

// applyCSV writes the people by batches, reporting progress.
func (s *Service) applyCSV(ctx context.Context, people []*store.Person, res *ImportResult, progress func(done, total int)) error {
	const batch = 500
	if progress != nil {
		progress(0, len(people))
	}
	for start := 0; start < len(people); start += batch {
		part := people[start:min(start+batch, len(people))]
		c, err := s.db.ApplyDirectory(ctx, store.DirectoryApply{Source: store.DirectorySourceCSV, SeenAt: res.Run.StartedAt}, part)
		res.Run.Added += c.Added
		res.Run.Updated += c.Updated
		res.Run.Unchanged += c.Unchanged
		if err != nil {
			return err
		}
		res.Imported += len(part)
		res.Run.Seen = res.Imported
		if progress != nil {
			progress(res.Imported, len(people))
		}
		// Administrators watching the page see the import advance.
		if err := s.db.SaveDirectoryRun(ctx, res.Run); err != nil {
			return err
		}
	}
	return nil
}
