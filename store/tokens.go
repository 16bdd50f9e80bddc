package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// TokenPrefix starts every API token, so a leaked token is recognisable
// (secret scanners, logs).
const TokenPrefix = "gch_"

// Kinds of API tokens.
const (
	// TokenPersonal is a token a person made for themself: it acts as them.
	TokenPersonal = "personal"
	// TokenApplication is a token an administrator made for another system;
	// it acts as a service person of the académie.
	TokenApplication = "application"
)

// Scopes of API tokens.
const (
	// ScopeRead allows only reading (GET).
	ScopeRead = "read"
	// ScopeWrite allows reading and every action the person may do.
	ScopeWrite = "write"
)

// ErrTokenExpired is returned by AuthenticateToken for a known token past
// its expiry.
var ErrTokenExpired = errors.New("store: token expired")

// tokenTouchEvery is how stale LastUsedAt may get before a use records it
// again (one write per request would be wasteful).
const tokenTouchEvery = time.Minute

// APIToken is a bearer token of the REST API. Only the SHA-256 of the token
// is stored; the token itself is shown once, when made.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	ID int64 `bun:"id,pk,autoincrement"`
	// PersonID is who the token acts as (for an application token, the
	// service person it is bound to).
	PersonID int64  `bun:"person_id,notnull"`
	Kind     string `bun:"kind,notnull"`
	Name     string `bun:"name,notnull"`
	Scope    string `bun:"scope,notnull"`
	// Hash is the hex SHA-256 of the whole token.
	Hash string `bun:"hash,notnull,unique"`
	// Hint is the token's first characters ("gch_AbCd"), to tell tokens apart.
	Hint        string     `bun:"hint,notnull"`
	CreatedByID int64      `bun:"created_by_id,notnull"`
	CreatedAt   time.Time  `bun:"created_at,notnull"`
	ExpiresAt   *time.Time `bun:"expires_at"` // nil: never
	LastUsedAt  *time.Time `bun:"last_used_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
}

// Expired reports whether the token is past its expiry at now.
func (t *APIToken) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// AllowsWrite reports whether the token may change things (POST).
func (t *APIToken) AllowsWrite() bool { return t.Scope == ScopeWrite }

// NewToken describes a token to make.
type NewToken struct {
	PersonID    int64
	Kind        string // TokenPersonal (default) or TokenApplication
	Name        string
	Scope       string // ScopeRead (default) or ScopeWrite
	CreatedByID int64  // defaults to PersonID
	// TTL is the token's lifetime from now; 0 means it never expires.
	TTL time.Duration
}

// TokenHash returns the hex SHA-256 of a token, as stored.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// defaultOneOf sets an empty *v to def, and reports whether *v is then def
// or one of others.
func defaultOneOf(v *string, def string, others ...string) bool {
	if *v == "" {
		*v = def
	}
	return *v == def || slices.Contains(others, *v)
}

// CreateToken makes a token: it returns the token itself (to show once;
// it cannot be read back) and its stored record.
func (db *DB) CreateToken(ctx context.Context, n NewToken) (string, *APIToken, error) {
	if !defaultOneOf(&n.Kind, TokenPersonal, TokenApplication) {
		return "", nil, fmt.Errorf("store: create token: unknown kind %q", n.Kind)
	}
	if !defaultOneOf(&n.Scope, ScopeRead, ScopeWrite) {
		return "", nil, fmt.Errorf("store: create token: unknown scope %q", n.Scope)
	}
	if n.PersonID == 0 {
		return "", nil, errors.New("store: create token: no person")
	}
	if n.CreatedByID == 0 {
		n.CreatedByID = n.PersonID
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("store: create token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := time.Now().UTC()
	t := &APIToken{
		PersonID: n.PersonID, Kind: n.Kind, Name: strings.TrimSpace(n.Name), Scope: n.Scope,
		Hash: TokenHash(token), Hint: token[:len(TokenPrefix)+4], CreatedByID: n.CreatedByID, CreatedAt: now,
	}
	if n.TTL > 0 {
		exp := now.Add(n.TTL)
		t.ExpiresAt = &exp
	}
	if _, err := db.NewInsert().Model(t).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("store: create token: %w", err)
	}
	return token, t, nil
}

// AuthenticateToken returns the live token matching token and the enabled
// person it acts as, recording its use. An unknown, revoked or malformed
// token, or one whose person is disabled, is ErrNotFound; an expired one is
// ErrTokenExpired.
func (db *DB) AuthenticateToken(ctx context.Context, token string) (*APIToken, *Person, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return nil, nil, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	t := new(APIToken)
	err := db.NewSelect().Model(t).Where("hash = ?", TokenHash(token)).Where("revoked_at IS NULL").Scan(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("store: token: %w", notFound(err))
	}
	now := time.Now().UTC()
	if t.Expired(now) {
		return nil, nil, fmt.Errorf("store: token %d: %w", t.ID, ErrTokenExpired)
	}
	p, err := db.GetPerson(ctx, t.PersonID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: token %d: %w", t.ID, err)
	}
	if p.Disabled {
		return nil, nil, fmt.Errorf("store: token %d: person disabled: %w", t.ID, ErrNotFound)
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchEvery {
		if _, err := db.NewUpdate().Model((*APIToken)(nil)).Set("last_used_at = ?", now).
			Where("id = ?", t.ID).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("store: token %d: touch: %w", t.ID, err)
		}
		t.LastUsedAt = &now
	}
	return t, p, nil
}

// TokensOf lists the personal tokens of a person that are not revoked,
// newest first.
func (db *DB) TokensOf(ctx context.Context, personID int64) ([]APIToken, error) {
	var ts []APIToken
	err := db.NewSelect().Model(&ts).Where("person_id = ?", personID).Where("kind = ?", TokenPersonal).
		Where("revoked_at IS NULL").Order("created_at DESC", "id DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: tokens of person %d: %w", personID, err)
	}
	return ts, nil
}

// ApplicationToken is an application token with the service person it
// acts as.
type ApplicationToken struct {
	APIToken
	PersonLogin string
	PersonName  string
}

// ApplicationTokens lists the live application tokens bound to people of
// académie academy, newest first.
func (db *DB) ApplicationTokens(ctx context.Context, academy string) ([]ApplicationToken, error) {
	var ts []APIToken
	err := db.NewSelect().Model(&ts).
		Where("kind = ?", TokenApplication).Where("revoked_at IS NULL").
		Where("person_id IN (SELECT id FROM people WHERE academy_code = ?)", academy).
		Order("created_at DESC", "id DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: application tokens of %s: %w", academy, err)
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.PersonID
	}
	people, err := db.PeopleByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("store: application tokens of %s: %w", academy, err)
	}
	out := make([]ApplicationToken, len(ts))
	for i, t := range ts {
		p := people[t.PersonID]
		out[i] = ApplicationToken{APIToken: t, PersonLogin: p.Login,
			PersonName: strings.TrimSpace(p.FirstName + " " + strings.ToUpper(p.LastName))}
	}
	return out, nil
}

// GetToken returns a token record by ID (revoked ones included).
func (db *DB) GetToken(ctx context.Context, id int64) (*APIToken, error) {
	t := new(APIToken)
	if err := db.NewSelect().Model(t).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: token %d: %w", id, notFound(err))
	}
	return t, nil
}

// RevokeToken revokes token id; it is ErrNotFound when no live token has
// that ID.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	res, err := db.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("revoked_at IS NULL").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}
