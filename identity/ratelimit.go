package identity

import (
	"context"
	"fmt"
	"time"

	"guichet/store"
)

// limits returns the failure limit of each scope.
func (s *Service) limits() map[string]int {
	login, address := s.cfg.Auth.MaxFailuresPerLogin, s.cfg.Auth.MaxFailuresPerAddress
	if login <= 0 {
		login = 5
	}
	if address <= 0 {
		address = 20
	}
	return map[string]int{store.FailureScopeLogin: login, store.FailureScopeAddress: address}
}

func (s *Service) window() time.Duration {
	if s.cfg.Auth.FailureWindow <= 0 {
		return 15 * time.Minute
	}
	return s.cfg.Auth.FailureWindow
}

// CheckRateLimit returns a *RateLimitedError when login or address has
// reached its failure limit within the window, saying how long until the
// oldest counted failure ages out.
func (s *Service) CheckRateLimit(ctx context.Context, login, address string) error {
	now := s.now()
	var wait time.Duration
	for scope, subject := range map[string]string{store.FailureScopeLogin: store.NormalizeLogin(login), store.FailureScopeAddress: address} {
		if subject == "" {
			continue
		}
		limit := s.limits()[scope]
		times, err := s.db.SignInFailuresSince(ctx, scope, subject, now.Add(-s.window()))
		if err != nil {
			return fmt.Errorf("identity: rate limit: %w", err)
		}
		if len(times) >= limit {
			// Sign-in opens again when only limit-1 failures remain.
			w := times[len(times)-limit].Add(s.window()).Sub(now)
			wait = max(wait, w, time.Second)
		}
	}
	if wait > 0 {
		return &RateLimitedError{Wait: wait}
	}
	return nil
}

// RecordFailure counts a failed sign-in for login and address; now and
// then it also purges old records.
func (s *Service) RecordFailure(ctx context.Context, login, address string) error {
	now := s.now()
	if l := store.NormalizeLogin(login); l != "" {
		if err := s.db.RecordSignInFailure(ctx, store.FailureScopeLogin, l, now); err != nil {
			return err
		}
	}
	if address != "" {
		if err := s.db.RecordSignInFailure(ctx, store.FailureScopeAddress, address, now); err != nil {
			return err
		}
	}
	if now.UnixNano()%16 == 0 {
		if err := s.db.PurgeSignInRecords(ctx, now.Add(-s.window())); err != nil {
			s.log.WarnContext(ctx, "purge sign-in records", "error", err)
		}
	}
	return nil
}

// RecordSuccess forgets the login's failures.
func (s *Service) RecordSuccess(ctx context.Context, login string) error {
	return s.db.ClearSignInFailures(ctx, store.FailureScopeLogin, store.NormalizeLogin(login))
}
