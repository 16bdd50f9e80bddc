package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// sessionTouchEvery bounds how often TouchSession writes last_seen_at: a
// page and its htmx requests arrive together, and one write a minute is
// precise enough for an idle timeout counted in minutes.
const sessionTouchEvery = time.Minute

// CreateSession opens a web session for personID. It returns the raw token
// for the cookie (32 random bytes, base64url) and the stored session, whose
// ID is the hex SHA-256 of the token: the database never holds a usable
// cookie. The session ends after idle without use, and after max anyway.
func (db *DB) CreateSession(ctx context.Context, personID int64, idle, max time.Duration, remoteAddr, userAgent string) (string, *Session, error) {
	if idle <= 0 || max <= 0 {
		return "", nil, fmt.Errorf("store: create session: idle (%s) and max (%s) must be positive", idle, max)
	}
	token, err := sessionToken()
	if err != nil {
		return "", nil, fmt.Errorf("store: create session: %w", err)
	}
	csrf, err := sessionToken()
	if err != nil {
		return "", nil, fmt.Errorf("store: create session: %w", err)
	}
	now := sessionNow()
	s := &Session{
		ID:         SessionID(token),
		PersonID:   personID,
		CSRFToken:  csrf,
		CreatedAt:  now,
		LastSeenAt: now,
		ExpiresAt:  now.Add(max),
		RemoteAddr: sessionTruncate(remoteAddr, 100),
		UserAgent:  sessionTruncate(userAgent, 400),
	}
	if _, err := db.NewInsert().Model(s).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("store: create session for person %d: %w", personID, err)
	}
	return token, s, nil
}

// TouchSession looks up the session of a cookie token, checks it has not
// expired (idle: last use older than idle; absolute: past ExpiresAt) and
// that its person may still sign in, records the use, and returns the
// session with its person. An unknown, expired or disabled one gives a
// wrapped ErrNotFound (and an expired one is deleted).
func (db *DB) TouchSession(ctx context.Context, token string, idle time.Duration) (*Session, *Person, error) {
	return db.session(ctx, token, idle, true)
}

// PeekSession is TouchSession without recording activity: background
// polling (live counters) must not keep an idle session alive forever.
func (db *DB) PeekSession(ctx context.Context, token string, idle time.Duration) (*Session, *Person, error) {
	return db.session(ctx, token, idle, false)
}

func (db *DB) session(ctx context.Context, token string, idle time.Duration, touch bool) (*Session, *Person, error) {
	if token == "" {
		return nil, nil, fmt.Errorf("store: session: empty token: %w", ErrNotFound)
	}
	id := SessionID(token)
	s := new(Session)
	if err := db.NewSelect().Model(s).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("store: session: %w", notFound(err))
	}
	now := sessionNow()
	if !now.Before(s.ExpiresAt) || (idle > 0 && !now.Before(s.LastSeenAt.Add(idle))) {
		if _, err := db.NewDelete().Model((*Session)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("store: delete expired session: %w", err)
		}
		return nil, nil, fmt.Errorf("store: session expired: %w", ErrNotFound)
	}
	p := new(Person)
	if err := db.NewSelect().Model(p).Where("id = ?", s.PersonID).Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("store: session person %d: %w", s.PersonID, notFound(err))
	}
	if p.Disabled {
		return nil, nil, fmt.Errorf("store: session person %d is disabled: %w", p.ID, ErrNotFound)
	}
	if touch && now.Sub(s.LastSeenAt) >= min(sessionTouchEvery, idle/10) {
		s.LastSeenAt = now
		if _, err := db.NewUpdate().Model(s).Column("last_seen_at").WherePK().Exec(ctx); err != nil {
			return nil, nil, fmt.Errorf("store: touch session: %w", err)
		}
	}
	return s, p, nil
}

// DeleteSession ends the session of a cookie token (sign-out). Deleting an
// unknown session is not an error: the user is signed out either way.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if _, err := db.NewDelete().Model((*Session)(nil)).Where("id = ?", SessionID(token)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteSessionsOf ends every session of a person (sign out everywhere,
// account disabled, password changed) and returns how many there were.
func (db *DB) DeleteSessionsOf(ctx context.Context, personID int64) (int, error) {
	res, err := db.NewDelete().Model((*Session)(nil)).Where("person_id = ?", personID).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of person %d: %w", personID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PurgeExpiredSessions deletes sessions past their absolute expiry or idle
// for longer than idle, and returns how many it deleted. Run it now and
// then; TouchSession already refuses expired sessions.
func (db *DB) PurgeExpiredSessions(ctx context.Context, idle time.Duration) (int, error) {
	now := sessionNow()
	q := db.NewDelete().Model((*Session)(nil)).Where("expires_at <= ?", now)
	if idle > 0 {
		q = q.WhereOr("last_seen_at <= ?", now.Add(-idle))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: purge expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SessionID is the stored ID of a cookie token: its SHA-256 in hex.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// sessionToken returns 32 random bytes, base64url without padding.
func sessionToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// sessionNow is the current time at the precision both databases keep
// (PostgreSQL stores microseconds), so a session read back compares equal.
func sessionNow() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// sessionTruncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func sessionTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
