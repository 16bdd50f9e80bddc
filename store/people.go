package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/alexedwards/argon2id"
	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"
)

// Sign-in failures returned (wrapped) by Authenticate.
var (
	// ErrInvalidCredentials: unknown login, no local password, or wrong
	// password. Callers must not tell these cases apart to the user.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrAccountDisabled: the password is right but the account is disabled.
	ErrAccountDisabled = errors.New("account disabled")
)

// passwordParams are the argon2id parameters of new hashes: 46 MiB, one
// pass, one lane (OWASP's first recommended argon2id setting).
func passwordParams() *argon2id.Params {
	return &argon2id.Params{Memory: 46 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// dummyHash is compared against when the login is unknown or has no local
// password, so the answer takes as long as for a real account. It uses the
// same parameters as passwordParams (a test checks it).
const dummyHash = "$argon2id$v=19$m=47104,t=1,p=1$CcyNaHVQoVugkZ+Cj2t0sw$grA7kjNP3V5gA1JuZeBvis6C6jwv7u/6gJT7TZJB2KU"

// HashPassword returns the argon2id hash of password, in the PHC string
// format stored in Person.PasswordHash.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("store: hash password: empty password")
	}
	h, err := argon2id.CreateHash(password, passwordParams())
	if err != nil {
		return "", fmt.Errorf("store: hash password: %w", err)
	}
	return h, nil
}

// NormalizeLogin is the canonical form of a login: trimmed, lower case.
// Every function of this package applies it, so logins match ignoring case.
func NormalizeLogin(login string) string {
	return strings.ToLower(strings.TrimSpace(login))
}

// NameKey folds a person's names into the key SearchPeople matches: lower
// case, without accents, words separated by single spaces, last name first
// ("Lefèvre", "Jean-Noël" → "lefevre jean noel").
func NameKey(lastName, firstName string) string {
	return foldName(lastName + " " + firstName)
}

// foldName lowercases s, strips diacritics, expands ligatures and turns
// every run of non-alphanumeric characters into one space.
func foldName(s string) string {
	var b strings.Builder
	space := true // drop leading separators
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			switch r = unicode.ToLower(r); r {
			case 'œ':
				b.WriteString("oe")
			case 'æ':
				b.WriteString("ae")
			case 'ß':
				b.WriteString("ss")
			default:
				b.WriteRune(r)
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// preparePerson normalises p before it is written and sets its search key.
func preparePerson(p *Person, now time.Time) {
	p.Login = NormalizeLogin(p.Login)
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = now
	p.NameKey = NameKey(p.LastName, p.FirstName)
}

// InsertPeople inserts people in one statement (per batch of 500) through
// db, which may be a transaction, and sets their IDs. It is the bulk form
// of CreatePerson, for demo data and directory imports.
func InsertPeople(ctx context.Context, db bun.IDB, people []*Person) error {
	now := time.Now().UTC()
	const batch = 500
	for start := 0; start < len(people); start += batch {
		part := people[start:min(start+batch, len(people))]
		rows := make([]*Person, len(part))
		for i, p := range part {
			if p.Login == "" {
				return fmt.Errorf("store: insert person %q %q: empty login", p.LastName, p.FirstName)
			}
			preparePerson(p, now)
			rows[i] = p
		}
		// Listing every column (all but id) matters on SQLite: for a
		// multi-row insert bun otherwise drops the columns whose value is
		// zero in the first row, losing them for the other rows too.
		if _, err := db.NewInsert().Model(&rows).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("store: insert %d people: %w", len(rows), err)
		}
	}
	return nil
}

// CreatePerson adds a person to the directory and sets p.ID. The login must
// be new.
func (db *DB) CreatePerson(ctx context.Context, p *Person) error {
	return InsertPeople(ctx, db.DB, []*Person{p})
}

// UpsertPersonByLogin creates the person or, when the login exists, updates
// the directory fields (académie, names, mail, phone, location, entity,
// service, office) and keeps the account fields (password, global admin,
// disabled). It is what a directory sync calls. p is reloaded from the
// database afterwards.
func (db *DB) UpsertPersonByLogin(ctx context.Context, p *Person) error {
	if strings.TrimSpace(p.Login) == "" {
		return errors.New("store: upsert person: empty login")
	}
	preparePerson(p, time.Now().UTC())
	_, err := db.NewInsert().Model(p).ExcludeColumn("id").
		On("CONFLICT (login) DO UPDATE").
		Set("academy_code = EXCLUDED.academy_code").
		Set("last_name = EXCLUDED.last_name").
		Set("first_name = EXCLUDED.first_name").
		Set("email = EXCLUDED.email").
		Set("phone = EXCLUDED.phone").
		Set("location = EXCLUDED.location").
		Set("entity = EXCLUDED.entity").
		Set("service = EXCLUDED.service").
		Set("office = EXCLUDED.office").
		Set("name_key = EXCLUDED.name_key").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: upsert person %q: %w", p.Login, err)
	}
	got, err := db.GetPersonByLogin(ctx, p.Login)
	if err != nil {
		return err
	}
	*p = *got
	return nil
}

// GetPerson returns the person with this ID, or an error wrapping
// ErrNotFound.
func (db *DB) GetPerson(ctx context.Context, id int64) (*Person, error) {
	p := new(Person)
	if err := db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: person %d: %w", id, notFound(err))
	}
	return p, nil
}

// GetPersonByLogin returns the person with this login (any case), or an
// error wrapping ErrNotFound.
func (db *DB) GetPersonByLogin(ctx context.Context, login string) (*Person, error) {
	p := new(Person)
	login = NormalizeLogin(login)
	if err := db.NewSelect().Model(p).Where("login = ?", login).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: person %q: %w", login, notFound(err))
	}
	return p, nil
}

// SetPassword gives the person a local account with this password
// (argon2id).
func (db *DB) SetPassword(ctx context.Context, personID int64, password string) error {
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.setPasswordHash(ctx, personID, h)
}

func (db *DB) setPasswordHash(ctx context.Context, personID int64, hash string) error {
	res, err := db.NewUpdate().Model((*Person)(nil)).
		Set("password_hash = ?", hash).
		Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", personID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: set password of person %d: %w", personID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set password of person %d: %w", personID, ErrNotFound)
	}
	return nil
}

// Authenticate checks a local sign-in. It returns the person, or an error
// wrapping ErrInvalidCredentials (unknown login, no local password, wrong
// password: same answer and about the same time) or ErrAccountDisabled
// (right password, disabled account). A hash made with older parameters is
// upgraded on success.
func (db *DB) Authenticate(ctx context.Context, login, password string) (*Person, error) {
	p, err := db.GetPersonByLogin(ctx, login)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: authenticate: %w", err)
	}
	if p == nil || p.PasswordHash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
		return nil, fmt.Errorf("store: authenticate %q: %w", NormalizeLogin(login), ErrInvalidCredentials)
	}
	ok, params, err := argon2id.CheckHash(password, p.PasswordHash)
	if err != nil {
		return nil, fmt.Errorf("store: authenticate %q: check hash: %w", p.Login, err)
	}
	if !ok {
		return nil, fmt.Errorf("store: authenticate %q: %w", p.Login, ErrInvalidCredentials)
	}
	if p.Disabled {
		return nil, fmt.Errorf("store: authenticate %q: %w", p.Login, ErrAccountDisabled)
	}
	if want := passwordParams(); *params != *want {
		// Best effort: the sign-in succeeds even if the upgrade fails.
		if h, err := HashPassword(password); err == nil && db.setPasswordHash(ctx, p.ID, h) == nil {
			p.PasswordHash = h
		}
	}
	return p, nil
}

// SearchPeople finds enabled people of an académie (every académie when
// academy is empty) whose last or first name starts with each word of
// query, ignoring case and accents ("lef jean" finds Lefèvre Jean-Noël).
// Results are ordered by name; limit defaults to 20 and is capped at 200.
// An empty query finds nobody.
func (db *DB) SearchPeople(ctx context.Context, academy, query string, limit int) ([]Person, error) {
	words := strings.Fields(foldName(query))
	if len(words) == 0 {
		return []Person{}, nil
	}
	if len(words) > 5 {
		words = words[:5]
	}
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 200)
	var people []Person
	q := db.NewSelect().Model(&people).Where("disabled = ?", false)
	if academy != "" {
		q = q.Where("academy_code = ?", academy)
	}
	// Folded words hold only letters and digits: nothing to escape.
	q = db.nameMatch(q, words) // also orders by name_key, id
	if err := q.Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: search people %q: %w", query, err)
	}
	return people, nil
}

// AddAsset records a piece of equipment of a person and sets a.ID.
func (db *DB) AddAsset(ctx context.Context, a *Asset) error {
	return InsertAssets(ctx, db.DB, []*Asset{a})
}

// InsertAssets inserts assets through db (which may be a transaction) and
// sets their IDs. It is the bulk form of AddAsset.
func InsertAssets(ctx context.Context, db bun.IDB, assets []*Asset) error {
	if len(assets) == 0 {
		return nil
	}
	for _, a := range assets {
		if a.PersonID == 0 || strings.TrimSpace(a.Kind) == "" {
			return fmt.Errorf("store: insert asset %+v: person and kind are required", *a)
		}
	}
	// All columns listed: see InsertPeople.
	if _, err := db.NewInsert().Model(&assets).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: insert %d assets: %w", len(assets), err)
	}
	return nil
}

// AssetsOf lists the person's equipment, in the order it was added.
func (db *DB) AssetsOf(ctx context.Context, personID int64) ([]Asset, error) {
	var assets []Asset
	if err := db.NewSelect().Model(&assets).Where("person_id = ?", personID).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: assets of person %d: %w", personID, err)
	}
	return assets, nil
}

// DisplayName is "Prénom NOM".
func DisplayName(p Person) string {
	return strings.TrimSpace(p.FirstName + " " + strings.ToUpper(p.LastName))
}
