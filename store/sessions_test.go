package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// sessionPerson creates a directory entry for session tests.
func sessionPerson(t *testing.T, db *store.DB, login string) *store.Person {
	t.Helper()
	p := &store.Person{AcademyCode: "creteil", Login: login, LastName: "Martin", FirstName: "Claire"}
	if err := db.CreatePerson(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// ageSession moves a session's clock back, as if it had been created and
// last used d ago, without waiting.
func ageSession(t *testing.T, db *store.DB, token string, lastSeen, expires time.Duration) {
	t.Helper()
	now := time.Now().UTC()
	_, err := db.NewUpdate().Model((*store.Session)(nil)).
		Set("last_seen_at = ?", now.Add(-lastSeen)).
		Set("expires_at = ?", now.Add(expires)).
		Where("id = ?", store.SessionID(token)).Exec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
}

func TestSessions(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		claire := sessionPerson(t, db, "claire.martin")
		const idle, max = 30 * time.Minute, 12 * time.Hour
		// newSession opens a session of Claire's and returns its token.
		newSession := func(t *testing.T) string {
			t.Helper()
			token, _, err := db.CreateSession(ctx, claire.ID, idle, max, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return token
		}

		t.Run("a new session is found by its token and returns its person", func(t *testing.T) {
			token, s, err := db.CreateSession(ctx, claire.ID, idle, max, "192.0.2.1", "Firefox")
			if err != nil {
				t.Fatal(err)
			}
			if len(token) != 43 || s.ID != store.SessionID(token) || s.ID == token {
				t.Fatalf("token %q, id %q: want a 43-char token stored as its hash", token, s.ID)
			}
			if s.CSRFToken == "" || s.CSRFToken == token {
				t.Fatalf("csrf token %q must be set and differ from the cookie token", s.CSRFToken)
			}
			got, p, err := db.TouchSession(ctx, token, idle)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != s.ID || got.CSRFToken != s.CSRFToken || p.ID != claire.ID || p.Login != "claire.martin" {
				t.Fatalf("got session %+v person %+v", got, p)
			}
		})

		t.Run("two sessions never share a token", func(t *testing.T) {
			a := newSession(t)
			b := newSession(t)
			if a == b {
				t.Fatal("two sessions got the same token")
			}
		})

		t.Run("an unknown token is not found", func(t *testing.T) {
			for _, token := range []string{"", "nope", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
				if _, _, err := db.TouchSession(ctx, token, idle); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("token %q: got %v, want ErrNotFound", token, err)
				}
			}
		})

		expiries := []struct {
			name              string
			lastSeen, expires time.Duration
			valid             bool
		}{
			{"a session used within the idle time is kept", idle - time.Minute, time.Hour, true},
			{"a session idle for longer than the idle time has expired", idle + time.Minute, time.Hour, false},
			{"a session past its absolute expiry has expired even if used just now", 0, -time.Second, false},
		}
		for _, tc := range expiries {
			t.Run(tc.name, func(t *testing.T) {
				token := newSession(t)
				ageSession(t, db, token, tc.lastSeen, tc.expires)
				_, _, err := db.TouchSession(ctx, token, idle)
				if tc.valid && err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if !tc.valid {
					if !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("want ErrNotFound, got %v", err)
					}
					n, err := db.NewSelect().Model((*store.Session)(nil)).Where("id = ?", store.SessionID(token)).Count(ctx)
					if err != nil || n != 0 {
						t.Fatalf("expired session still stored (%d, %v)", n, err)
					}
				}
			})
		}

		t.Run("touching a session pushes its idle deadline", func(t *testing.T) {
			token := newSession(t)
			ageSession(t, db, token, idle-time.Minute, time.Hour)
			s, _, err := db.TouchSession(ctx, token, idle)
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(s.LastSeenAt) > idle/2 {
				t.Fatalf("last seen %v was not moved to now", s.LastSeenAt)
			}
		})

		t.Run("peeking at a session (background polling) does not keep it alive", func(t *testing.T) {
			token := newSession(t)
			ageSession(t, db, token, idle-time.Minute, time.Hour)
			s, _, err := db.PeekSession(ctx, token, idle)
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(s.LastSeenAt) < idle/2 {
				t.Fatalf("peek moved last seen to %v", s.LastSeenAt)
			}
			ageSession(t, db, token, idle+time.Minute, time.Hour)
			if _, _, err := db.PeekSession(ctx, token, idle); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("idle session still alive after peeks: %v", err)
			}
		})

		t.Run("a disabled person's session is refused", func(t *testing.T) {
			p := sessionPerson(t, db, "disabled.person")
			token, _, err := db.CreateSession(ctx, p.ID, idle, max, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.NewUpdate().Model((*store.Person)(nil)).Set("disabled = ?", true).Where("id = ?", p.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.TouchSession(ctx, token, idle); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("want ErrNotFound, got %v", err)
			}
		})

		t.Run("signing out deletes the session", func(t *testing.T) {
			token := newSession(t)
			if err := db.DeleteSession(ctx, token); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.TouchSession(ctx, token, idle); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("want ErrNotFound, got %v", err)
			}
			if err := db.DeleteSession(ctx, token); err != nil {
				t.Fatalf("deleting twice: %v", err)
			}
		})

		t.Run("signing out everywhere deletes only that person's sessions", func(t *testing.T) {
			bob := sessionPerson(t, db, "bob.durand")
			bobToken, _, err := db.CreateSession(ctx, bob.ID, idle, max, "", "")
			if err != nil {
				t.Fatal(err)
			}
			var mine []string
			for range 3 {
				tok := newSession(t)
				mine = append(mine, tok)
			}
			n, err := db.DeleteSessionsOf(ctx, claire.ID)
			if err != nil {
				t.Fatal(err)
			}
			if n < 3 {
				t.Fatalf("deleted %d sessions, want at least 3", n)
			}
			for _, tok := range mine {
				if _, _, err := db.TouchSession(ctx, tok, idle); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("session survived sign-out everywhere: %v", err)
				}
			}
			if _, _, err := db.TouchSession(ctx, bobToken, idle); err != nil {
				t.Fatalf("another person's session was touched: %v", err)
			}
		})

		t.Run("purging deletes idle and expired sessions and keeps live ones", func(t *testing.T) {
			live := newSession(t)
			idleTok := newSession(t)
			ageSession(t, db, idleTok, idle+time.Minute, time.Hour)
			oldTok := newSession(t)
			ageSession(t, db, oldTok, 0, -time.Minute)
			n, err := db.PurgeExpiredSessions(ctx, idle)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Fatalf("purged %d sessions, want 2", n)
			}
			if _, _, err := db.TouchSession(ctx, live, idle); err != nil {
				t.Fatalf("live session purged: %v", err)
			}
		})

		t.Run("a session needs positive durations", func(t *testing.T) {
			if _, _, err := db.CreateSession(ctx, claire.ID, 0, max, "", ""); err == nil {
				t.Fatal("want an error for a zero idle time")
			}
		})
	})
}
