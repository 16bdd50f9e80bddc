package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"guichet/store"
)

// SignIn checks a login and password typed on the sign-in page, from
// client address address:
//
//   - too many recent failures for the login or the address give a
//     *RateLimitedError (nothing else is tried);
//   - a person with a local password (the embedded default's accounts,
//     service accounts) is checked against it;
//   - anyone else is checked against the LDAP directory of their académie,
//     or of every configured académie for a login not yet known; on
//     success their directory entry and roles are written to the database.
//
// It returns the person, or an error wrapping ErrInvalidCredentials,
// ErrAccountDisabled, ErrDirectoryUnavailable or ErrRateLimited. Failures
// (invalid credentials, disabled account) count towards the limits; a
// success clears the login's count. The second factor is the caller's
// next step (SecondFactorOf).
func (s *Service) SignIn(ctx context.Context, login, password, address string) (*store.Person, error) {
	login = store.NormalizeLogin(login)
	if err := s.CheckRateLimit(ctx, login, address); err != nil {
		return nil, err
	}
	p, err := s.checkPassword(ctx, login, password)
	if errors.Is(err, ErrInvalidCredentials) || errors.Is(err, ErrAccountDisabled) {
		if rerr := s.RecordFailure(ctx, login, address); rerr != nil {
			s.log.WarnContext(ctx, "record sign-in failure", slog.Any("error", rerr))
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if err := s.RecordSuccess(ctx, login); err != nil {
		s.log.WarnContext(ctx, "clear sign-in failures", slog.Any("error", err))
	}
	return p, nil
}

// checkPassword is SignIn without the rate limiting.
func (s *Service) checkPassword(ctx context.Context, login, password string) (*store.Person, error) {
	known, err := s.db.GetPersonByLogin(ctx, login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("identity: sign in: %w", err)
	}
	var academies []string
	switch {
	case known != nil && known.PasswordHash != "":
		return s.db.Authenticate(ctx, login, password)
	case known != nil:
		if _, ok := s.ldapDirectory(known.AcademyCode); ok {
			academies = []string{known.AcademyCode}
		} else {
			academies = s.LDAPAcademies()
		}
	default:
		academies = s.LDAPAcademies()
	}
	if len(academies) == 0 || password == "" {
		// Same answer, and about the same time, as a wrong local password.
		return s.db.Authenticate(ctx, login, password)
	}
	var unavailable error
	for _, code := range academies {
		d, _ := s.ldapDirectory(code)
		entry, err := d.authenticate(login, password)
		switch {
		case err == nil:
			return s.signedInFromDirectory(ctx, d, entry)
		case errors.Is(err, errUserNotFound):
			continue
		case errors.Is(err, ErrDirectoryUnavailable):
			s.log.WarnContext(ctx, "ldap directory unavailable", slog.String("academy", code), slog.Any("error", err))
			unavailable = err
			continue
		default:
			return nil, err
		}
	}
	if unavailable != nil {
		return nil, unavailable
	}
	return nil, fmt.Errorf("identity: sign in %q: not in any directory: %w", login, ErrInvalidCredentials)
}

// signedInFromDirectory writes the entry and its roles, and returns the
// person (ErrAccountDisabled when the directory or an administrator
// disabled the account).
func (s *Service) signedInFromDirectory(ctx context.Context, d *directory, e *Entry) (*store.Person, error) {
	p := e.Person
	_, err := s.db.ApplyDirectory(ctx, store.DirectoryApply{Source: store.DirectorySourceLDAP, SeenAt: s.now()}, []*store.Person{&p})
	if err != nil {
		return nil, fmt.Errorf("identity: save directory entry: %w", err)
	}
	if e.Disabled {
		if err := s.db.SetDisabled(ctx, p.ID, true); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("identity: sign in %q: disabled in the directory: %w", p.Login, ErrAccountDisabled)
	}
	got, err := s.db.GetPersonByLogin(ctx, p.Login)
	if err != nil {
		return nil, fmt.Errorf("identity: sign in: %w", err)
	}
	if got.Disabled {
		return nil, fmt.Errorf("identity: sign in %q: %w", p.Login, ErrAccountDisabled)
	}
	if err := s.grantRoles(ctx, d, []*Entry{e}, []*store.Person{got}); err != nil {
		return nil, err
	}
	return got, nil
}

// grantRoles gives each person exactly the directory-governed roles their
// entry maps to: the roles named by the académie's role rules belong to the
// directory, so leaving a group revokes its role at the next sign-in or sync.
// Roles no rule names (granted by supervisors in Guichet) are left alone.
func (s *Service) grantRoles(ctx context.Context, d *directory, entries []*Entry, people []*store.Person) error {
	if len(entries) != len(people) {
		return fmt.Errorf("identity: grant directory roles: %d entries for %d people", len(entries), len(people))
	}
	governed := map[string]bool{store.RoleRequester: true}
	for _, r := range d.cfg.RoleRules {
		governed[r.Role] = true
	}
	var grants []store.RoleGrant
	for i, p := range people {
		if p.ID == 0 {
			continue
		}
		roles := d.roles(entries[i])
		for _, r := range roles {
			grants = append(grants, store.RoleGrant{PersonID: p.ID, AcademyCode: d.academy, Role: r})
		}
		var lost []string
		for r := range governed {
			if !slices.Contains(roles, r) {
				lost = append(lost, r)
			}
		}
		if len(lost) > 0 {
			if err := s.db.RevokeRolesUnaudited(ctx, p.ID, d.academy, lost); err != nil {
				return fmt.Errorf("identity: revoke directory roles: %w", err)
			}
		}
	}
	if err := store.GrantRolesUnaudited(ctx, s.db.DB, grants); err != nil {
		return fmt.Errorf("identity: grant directory roles: %w", err)
	}
	return nil
}
