package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// TOTPSecret is a person's TOTP second factor. Secret is sealed by the
// identity package (encrypted when auth.totp_key is set); the store never
// reads it.
type TOTPSecret struct {
	bun.BaseModel `bun:"table:totp_secrets"`

	PersonID int64  `bun:"person_id,pk"`
	Secret   string `bun:"secret,notnull"`
	// ConfirmedAt is set once the person typed a valid code: only then is
	// the second factor asked at sign-in.
	ConfirmedAt *time.Time `bun:"confirmed_at"`
	// LastStep is the last time step (Unix time / 30 s) accepted, so a code
	// cannot be used twice.
	LastStep  int64     `bun:"last_step,notnull,default:0"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Sign-in failure scopes.
const (
	FailureScopeLogin   = "login"
	FailureScopeAddress = "address"
)

// SignInFailure is one failed sign-in, counted per login and per client
// address for rate limiting.
type SignInFailure struct {
	bun.BaseModel `bun:"table:signin_failures"`

	ID      int64     `bun:"id,pk,autoincrement"`
	Scope   string    `bun:"scope,notnull"`
	Subject string    `bun:"subject,notnull"`
	At      time.Time `bun:"at,notnull"`
}

// SignInChallenge is a sign-in waiting for its second factor: the password
// was right, the TOTP code is still to come. ID is the SHA-256 (hex) of the
// cookie token.
type SignInChallenge struct {
	bun.BaseModel `bun:"table:signin_challenges"`

	ID        string    `bun:"id,pk"`
	PersonID  int64     `bun:"person_id,notnull"`
	Suite     string    `bun:"suite,notnull,default:''"`
	Attempts  int       `bun:"attempts,notnull,default:0"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	ExpiresAt time.Time `bun:"expires_at,notnull"`
}

// Directory run sources and statuses.
const (
	DirectorySourceLDAP = "ldap"
	DirectorySourceCSV  = "csv"

	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// DirectoryRun is one synchronisation from LDAP or one CSV import, with
// its progress, shown to administrators.
type DirectoryRun struct {
	bun.BaseModel `bun:"table:directory_runs"`

	ID          int64      `bun:"id,pk,autoincrement"`
	AcademyCode string     `bun:"academy_code,notnull"`
	Source      string     `bun:"source,notnull"`            // ldap or csv
	Detail      string     `bun:"detail,notnull,default:''"` // workflow ID or file name
	Status      string     `bun:"status,notnull"`            // running, done, failed
	StartedAt   time.Time  `bun:"started_at,notnull"`
	FinishedAt  *time.Time `bun:"finished_at"`
	Seen        int        `bun:"seen,notnull,default:0"`
	Added       int        `bun:"added,notnull,default:0"`
	Updated     int        `bun:"updated,notnull,default:0"`
	Unchanged   int        `bun:"unchanged,notnull,default:0"`
	Disabled    int        `bun:"disabled,notnull,default:0"`
	Errors      int        `bun:"errors,notnull,default:0"`
	// Messages holds the first errors, one a line.
	Messages string `bun:"messages,notnull,default:''"`
}

// GetTOTP returns the person's TOTP secret, or an error wrapping
// ErrNotFound when they have none.
func (db *DB) GetTOTP(ctx context.Context, personID int64) (*TOTPSecret, error) {
	s := new(TOTPSecret)
	if err := db.NewSelect().Model(s).Where("person_id = ?", personID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: totp of person %d: %w", personID, notFound(err))
	}
	return s, nil
}

// SetPendingTOTP stores a new, unconfirmed secret for the person, replacing
// any unconfirmed one. It refuses (ErrConflict) to replace a confirmed one:
// the person must remove it first.
func (db *DB) SetPendingTOTP(ctx context.Context, personID int64, sealed string) error {
	return db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewDelete().Model((*TOTPSecret)(nil)).
			Where("person_id = ?", personID).Where("confirmed_at IS NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("store: replace pending totp of person %d: %w", personID, err)
		}
		s := &TOTPSecret{PersonID: personID, Secret: sealed, CreatedAt: time.Now().UTC()}
		res, err := tx.NewInsert().Model(s).On("CONFLICT (person_id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("store: set pending totp of person %d: %w", personID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: set pending totp of person %d: already confirmed: %w", personID, ErrConflict)
		}
		return nil
	})
}

// ErrConflict: the change contradicts the current state.
var ErrConflict = errors.New("conflict")

// UseTOTPStep records that the code of time step was accepted, confirming
// the secret if needed. It returns false when that step (or a later one)
// was already used: a code works once.
func (db *DB) UseTOTPStep(ctx context.Context, personID, step int64) (bool, error) {
	res, err := db.NewUpdate().Model((*TOTPSecret)(nil)).
		Set("last_step = ?", step).
		Set("confirmed_at = COALESCE(confirmed_at, ?)", time.Now().UTC()).
		Where("person_id = ?", personID).Where("last_step < ?", step).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("store: use totp step of person %d: %w", personID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DeleteTOTP removes the person's second factor.
func (db *DB) DeleteTOTP(ctx context.Context, personID int64) error {
	if _, err := db.NewDelete().Model((*TOTPSecret)(nil)).Where("person_id = ?", personID).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete totp of person %d: %w", personID, err)
	}
	return nil
}

// RecordSignInFailure counts one failed sign-in for subject (a login or an
// address) at time at.
func (db *DB) RecordSignInFailure(ctx context.Context, scope, subject string, at time.Time) error {
	f := &SignInFailure{Scope: scope, Subject: subject, At: at.UTC()}
	if _, err := db.NewInsert().Model(f).Exec(ctx); err != nil {
		return fmt.Errorf("store: record sign-in failure: %w", err)
	}
	return nil
}

// SignInFailuresSince returns the times of subject's failures after since,
// oldest first.
func (db *DB) SignInFailuresSince(ctx context.Context, scope, subject string, since time.Time) ([]time.Time, error) {
	var at []time.Time
	err := db.NewSelect().Model((*SignInFailure)(nil)).Column("at").
		Where("scope = ?", scope).Where("subject = ?", subject).Where("at > ?", since.UTC()).
		Order("at").Scan(ctx, &at)
	if err != nil {
		return nil, fmt.Errorf("store: sign-in failures of %s %q: %w", scope, subject, err)
	}
	return at, nil
}

// ClearSignInFailures forgets subject's failures (after a successful
// sign-in).
func (db *DB) ClearSignInFailures(ctx context.Context, scope, subject string) error {
	_, err := db.NewDelete().Model((*SignInFailure)(nil)).
		Where("scope = ?", scope).Where("subject = ?", subject).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: clear sign-in failures of %s %q: %w", scope, subject, err)
	}
	return nil
}

// PurgeSignInRecords deletes failures older than before and expired
// challenges.
func (db *DB) PurgeSignInRecords(ctx context.Context, before time.Time) error {
	if _, err := db.NewDelete().Model((*SignInFailure)(nil)).Where("at < ?", before.UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("store: purge sign-in failures: %w", err)
	}
	if _, err := db.NewDelete().Model((*SignInChallenge)(nil)).Where("expires_at < ?", time.Now().UTC()).Exec(ctx); err != nil {
		return fmt.Errorf("store: purge sign-in challenges: %w", err)
	}
	return nil
}

// CreateSignInChallenge records that personID passed the password step and
// returns the cookie token of the second step, valid for ttl.
func (db *DB) CreateSignInChallenge(ctx context.Context, personID int64, suite string, ttl time.Duration) (string, error) {
	token, err := sessionToken()
	if err != nil {
		return "", fmt.Errorf("store: create sign-in challenge: %w", err)
	}
	now := time.Now().UTC()
	ch := &SignInChallenge{ID: SessionID(token), PersonID: personID, Suite: suite, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if _, err := db.NewInsert().Model(ch).Exec(ctx); err != nil {
		return "", fmt.Errorf("store: create sign-in challenge for person %d: %w", personID, err)
	}
	return token, nil
}

// SignInChallenge returns the live challenge of a cookie token, or an error
// wrapping ErrNotFound (unknown or expired).
func (db *DB) SignInChallenge(ctx context.Context, token string) (*SignInChallenge, error) {
	ch := new(SignInChallenge)
	err := db.NewSelect().Model(ch).Where("id = ?", SessionID(token)).
		Where("expires_at > ?", time.Now().UTC()).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: sign-in challenge: %w", notFound(err))
	}
	return ch, nil
}

// CountChallengeAttempt adds one wrong code to the challenge and returns
// the attempts so far.
func (db *DB) CountChallengeAttempt(ctx context.Context, token string) (int, error) {
	var n int
	err := db.NewUpdate().Model((*SignInChallenge)(nil)).Set("attempts = attempts + 1").
		Where("id = ?", SessionID(token)).Returning("attempts").Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("store: count challenge attempt: %w", notFound(err))
	}
	return n, nil
}

// DeleteSignInChallenge ends a challenge (used or abandoned).
func (db *DB) DeleteSignInChallenge(ctx context.Context, token string) error {
	if _, err := db.NewDelete().Model((*SignInChallenge)(nil)).Where("id = ?", SessionID(token)).Exec(ctx); err != nil {
		return fmt.Errorf("store: delete sign-in challenge: %w", err)
	}
	return nil
}

// StartDirectoryRun records a run that begins now and sets run.ID.
func (db *DB) StartDirectoryRun(ctx context.Context, run *DirectoryRun) error {
	run.Status = RunRunning
	if run.StartedAt.IsZero() {
		run.StartedAt = time.Now().UTC()
	}
	if _, err := db.NewInsert().Model(run).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: start directory run: %w", err)
	}
	return nil
}

// SaveDirectoryRun writes the run's counts, status and messages.
func (db *DB) SaveDirectoryRun(ctx context.Context, run *DirectoryRun) error {
	_, err := db.NewUpdate().Model(run).WherePK().
		Column("status", "finished_at", "seen", "added", "updated", "unchanged", "disabled", "errors", "messages").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: save directory run %d: %w", run.ID, err)
	}
	return nil
}

// GetDirectoryRun returns one run, or an error wrapping ErrNotFound.
func (db *DB) GetDirectoryRun(ctx context.Context, id int64) (*DirectoryRun, error) {
	run := new(DirectoryRun)
	if err := db.NewSelect().Model(run).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: directory run %d: %w", id, notFound(err))
	}
	return run, nil
}

// DirectoryRuns lists the latest runs, newest first (of one académie when
// academy is not empty).
func (db *DB) DirectoryRuns(ctx context.Context, academy string, limit int) ([]DirectoryRun, error) {
	var runs []DirectoryRun
	q := db.NewSelect().Model(&runs).Order("started_at DESC", "id DESC").Limit(limit)
	if academy != "" {
		q = q.Where("academy_code = ?", academy)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: directory runs: %w", err)
	}
	return runs, nil
}

// DirectoryApply says how ApplyDirectory writes a batch of entries.
type DirectoryApply struct {
	// Source is recorded on each person (ldap, csv).
	Source string
	// SeenAt is recorded on each person: DisableUnseen compares with it.
	SeenAt time.Time
	// ManageDisabled makes the entries' Disabled field authoritative (the
	// directory says who is disabled); otherwise an existing person keeps
	// their state and new people are enabled.
	ManageDisabled bool
}

// DirectoryCounts are the outcome of ApplyDirectory.
type DirectoryCounts struct {
	Added, Updated, Unchanged int
}

// ApplyDirectory creates or updates people by login (directory fields
// only: passwords and global admin are kept), in batches of 500 each in one
// transaction, and sets each entry's ID. Entries must have a login,
// académie and names (the caller validates).
func (db *DB) ApplyDirectory(ctx context.Context, opts DirectoryApply, people []*Person) (DirectoryCounts, error) {
	var total DirectoryCounts
	const batch = 500
	for start := 0; start < len(people); start += batch {
		part := people[start:min(start+batch, len(people))]
		err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			c, err := applyDirectoryBatch(ctx, tx, opts, part)
			if err == nil {
				total.Added += c.Added
				total.Updated += c.Updated
				total.Unchanged += c.Unchanged
			}
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func applyDirectoryBatch(ctx context.Context, tx bun.Tx, opts DirectoryApply, part []*Person) (DirectoryCounts, error) {
	var c DirectoryCounts
	logins := make([]string, len(part))
	for i, p := range part {
		p.Login = NormalizeLogin(p.Login)
		logins[i] = p.Login
	}
	var existing []Person
	if err := tx.NewSelect().Model(&existing).Where("login IN (?)", bun.In(logins)).Scan(ctx); err != nil {
		return c, fmt.Errorf("store: apply directory: read people: %w", err)
	}
	byLogin := make(map[string]*Person, len(existing))
	for i := range existing {
		byLogin[existing[i].Login] = &existing[i]
	}
	now := time.Now().UTC()
	var fresh []*Person
	for _, p := range part {
		old, ok := byLogin[p.Login]
		if !ok {
			if !opts.ManageDisabled {
				p.Disabled = false
			}
			fresh = append(fresh, p)
			byLogin[p.Login] = p // a login twice in one batch: the first wins
			continue
		}
		if old == p {
			continue
		}
		disabled := old.Disabled
		if opts.ManageDisabled {
			disabled = p.Disabled
		}
		p.ID, p.PasswordHash, p.GlobalAdmin, p.CreatedAt = old.ID, old.PasswordHash, old.GlobalAdmin, old.CreatedAt
		if sameDirectoryFields(old, p) && disabled == old.Disabled {
			p.Disabled, p.UpdatedAt = old.Disabled, old.UpdatedAt
			c.Unchanged++
			continue
		}
		p.Disabled, p.UpdatedAt = disabled, now
		_, err := tx.NewUpdate().Model((*Person)(nil)).
			Set("academy_code = ?", p.AcademyCode).Set("last_name = ?", p.LastName).
			Set("first_name = ?", p.FirstName).Set("email = ?", p.Email).Set("phone = ?", p.Phone).
			Set("location = ?", p.Location).Set("entity = ?", p.Entity).Set("service = ?", p.Service).
			Set("office = ?", p.Office).Set("disabled = ?", disabled).
			Set("name_key = ?", NameKey(p.LastName, p.FirstName)).Set("updated_at = ?", now).
			Where("id = ?", old.ID).Exec(ctx)
		if err != nil {
			return c, fmt.Errorf("store: apply directory: update %q: %w", p.Login, err)
		}
		c.Updated++
	}
	if err := InsertPeople(ctx, tx, fresh); err != nil {
		return c, fmt.Errorf("store: apply directory: %w", err)
	}
	c.Added = len(fresh)
	_, err := tx.NewUpdate().Table("people").
		Set("directory_source = ?", opts.Source).Set("directory_seen_at = ?", opts.SeenAt.UTC()).
		Where("login IN (?)", bun.In(logins)).Exec(ctx)
	if err != nil {
		return c, fmt.Errorf("store: apply directory: mark seen: %w", err)
	}
	return c, nil
}

// sameDirectoryFields reports whether a and b agree on every directory
// field.
func sameDirectoryFields(a, b *Person) bool {
	return a.AcademyCode == b.AcademyCode && a.LastName == b.LastName && a.FirstName == b.FirstName &&
		a.Email == b.Email && a.Phone == b.Phone && a.Location == b.Location && a.Entity == b.Entity &&
		a.Service == b.Service && a.Office == b.Office
}

// DisableUnseen disables the enabled people of an académie last fed by
// source and not seen since seenAt (gone from the directory), ends their
// sessions, and returns how many.
func (db *DB) DisableUnseen(ctx context.Context, academy, source string, seenAt time.Time) (int, error) {
	var n int
	err := db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		err := tx.NewSelect().Table("people").Column("id").
			Where("academy_code = ?", academy).Where("directory_source = ?", source).
			Where("disabled = ?", false).
			Where("(directory_seen_at IS NULL OR directory_seen_at < ?)", seenAt.UTC()).
			Scan(ctx, &ids)
		if err != nil || len(ids) == 0 {
			return err
		}
		n = len(ids)
		if _, err := tx.NewUpdate().Table("people").Set("disabled = ?", true).
			Set("updated_at = ?", time.Now().UTC()).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*Session)(nil)).Where("person_id IN (?)", bun.In(ids)).Exec(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: disable people gone from %s of %s: %w", source, academy, err)
	}
	return n, nil
}

// SetDisabled enables or disables a person's account; disabling ends their
// sessions.
func (db *DB) SetDisabled(ctx context.Context, personID int64, disabled bool) error {
	return db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Table("people").Set("disabled = ?", disabled).
			Set("updated_at = ?", time.Now().UTC()).Where("id = ?", personID).Exec(ctx); err != nil {
			return fmt.Errorf("store: set disabled of person %d: %w", personID, err)
		}
		if disabled {
			if _, err := tx.NewDelete().Model((*Session)(nil)).Where("person_id = ?", personID).Exec(ctx); err != nil {
				return fmt.Errorf("store: end sessions of person %d: %w", personID, err)
			}
		}
		return nil
	})
}

// RunMessages appends msg to a run's messages, keeping at most max lines.
func RunMessages(existing, msg string, max int) string {
	if existing == "" {
		return msg
	}
	if strings.Count(existing, "\n")+1 >= max {
		return existing
	}
	return existing + "\n" + msg
}
