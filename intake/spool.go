package intake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"guichet/store"
)

// ErrSpooled is the error (matched with errors.Is) Submit returns when the
// database stayed unavailable and the submission was written to the spool
// instead: it is safe, and the drainer will store it as soon as the
// database answers. SpooledID gives the submission's ID.
var ErrSpooled = errors.New("intake: submission spooled, the database is unavailable")

// SpooledError is the error Submit returns for a spooled submission.
type SpooledError struct {
	// ID is the submission's ID, the key of its spool file and, once
	// stored, of its ticket (tickets.submission_id).
	ID string
	// Cause is the database error that made Submit spool.
	Cause error
}

// Error implements error.
func (e *SpooledError) Error() string {
	return fmt.Sprintf("%v (submission %s): %v", ErrSpooled, e.ID, e.Cause)
}

// Is makes errors.Is(err, ErrSpooled) true.
func (e *SpooledError) Is(target error) bool { return target == ErrSpooled }

// Unwrap returns the database error.
func (e *SpooledError) Unwrap() error { return e.Cause }

// SpooledID returns the submission ID of a spooled submission's error.
func SpooledID(err error) (string, bool) {
	var se *SpooledError
	if errors.As(err, &se) {
		return se.ID, true
	}
	return "", false
}

// SpoolEntry is one submission kept in the spool: the ticket as submitted
// and its files.
type SpoolEntry struct {
	ID        string             `json:"id"`
	SpooledAt time.Time          `json:"spooled_at"`
	Ticket    store.Ticket       `json:"ticket"`
	Files     []store.Attachment `json:"files"`
}

// Spool is a directory of submissions the database refused, one JSON file
// each (files base64-encoded), written atomically: a temporary file is
// written, synced, then renamed, and the directory synced, so a crash
// leaves either the whole entry or none.
type Spool struct {
	dir string
}

// NewSpool returns the spool kept in dir (created on first write).
func NewSpool(dir string) *Spool { return &Spool{dir: dir} }

// Dir returns the spool's directory.
func (sp *Spool) Dir() string { return sp.dir }

const (
	spoolExt    = ".json"
	spoolTmp    = ".tmp-"
	staleTmpAge = time.Hour
)

// NewSubmissionID returns a random submission ID that sorts by time.
func NewSubmissionID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("intake: submission id: %w", err)
	}
	return fmt.Sprintf("%016x-%s", time.Now().UnixNano(), hex.EncodeToString(b[:])), nil
}

// validID reports whether id is a submission ID (so a name read from the
// directory or given by a caller never escapes it).
func validID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return false
		}
	}
	return true
}

// Put writes an entry durably. The entry's ID must be set.
func (sp *Spool) Put(e *SpoolEntry) error {
	if !validID(e.ID) {
		return fmt.Errorf("intake: spool: bad submission id %q", e.ID)
	}
	if e.SpooledAt.IsZero() {
		e.SpooledAt = time.Now().UTC()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("intake: spool: encode %s: %w", e.ID, err)
	}
	if err := os.MkdirAll(sp.dir, 0o700); err != nil {
		return fmt.Errorf("intake: spool: %w", err)
	}
	f, err := os.CreateTemp(sp.dir, spoolTmp+e.ID+"-*")
	if err != nil {
		return fmt.Errorf("intake: spool: %w", err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, sp.path(e.ID))
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("intake: spool: write %s: %w", e.ID, werr)
	}
	if err := syncDir(sp.dir); err != nil {
		return fmt.Errorf("intake: spool: %w", err)
	}
	return nil
}

// Get reads one entry.
func (sp *Spool) Get(id string) (*SpoolEntry, error) {
	if !validID(id) {
		return nil, fmt.Errorf("intake: spool: bad submission id %q", id)
	}
	data, err := os.ReadFile(sp.path(id))
	if err != nil {
		return nil, fmt.Errorf("intake: spool: read %s: %w", id, err)
	}
	e := new(SpoolEntry)
	if err := json.Unmarshal(data, e); err != nil {
		return nil, fmt.Errorf("intake: spool: decode %s: %w", id, err)
	}
	return e, nil
}

// Remove deletes an entry (a missing one is not an error).
func (sp *Spool) Remove(id string) error {
	if !validID(id) {
		return fmt.Errorf("intake: spool: bad submission id %q", id)
	}
	if err := os.Remove(sp.path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("intake: spool: remove %s: %w", id, err)
	}
	return syncDir(sp.dir)
}

// IDs lists the entries' IDs, oldest first. Temporary files left by a
// crash mid-write are removed once old.
func (sp *Spool) IDs() ([]string, error) {
	des, err := os.ReadDir(sp.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("intake: spool: %w", err)
	}
	var ids []string
	for _, de := range des {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, spoolTmp):
			if info, err := de.Info(); err == nil && time.Since(info.ModTime()) > staleTmpAge {
				_ = os.Remove(filepath.Join(sp.dir, name))
			}
		case strings.HasSuffix(name, spoolExt) && validID(strings.TrimSuffix(name, spoolExt)):
			ids = append(ids, strings.TrimSuffix(name, spoolExt))
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (sp *Spool) path(id string) string { return filepath.Join(sp.dir, id+spoolExt) }

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir) // #nosec G304 -- the spool directory from configuration, opened only to fsync it
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Default delays between Submit's attempts at storing a submission while
// the database is unavailable (about 3 s in all), and the drainer's period.
func defaultRetryDelays() []time.Duration {
	return []time.Duration{300 * time.Millisecond, 900 * time.Millisecond, 1800 * time.Millisecond}
}

// DefaultDrainEvery is the period of RunSpoolDrainer.
const DefaultDrainEvery = 5 * time.Second

// create stores a submission under its submission ID, retrying while the
// database is unavailable (each delay of RetryDelays, bounded by ctx).
func (s *Service) create(ctx context.Context, id string, t *store.Ticket, files []store.Attachment) (string, error) {
	delays := s.RetryDelays
	if delays == nil {
		delays = defaultRetryDelays()
	}
	for attempt := 0; ; attempt++ {
		number, _, err := s.db.CreateTicketOnce(ctx, id, t, files)
		if err == nil || !store.IsUnavailable(err) || attempt >= len(delays) {
			return number, err
		}
		s.logger.WarnContext(ctx, "intake: database unavailable, retrying", "submission", id, "error", err)
		timer := time.NewTimer(delays[attempt])
		select {
		case <-ctx.Done():
			timer.Stop()
			return "", errors.Join(err, ctx.Err())
		case <-timer.C:
		}
	}
}

// spool keeps a submission the database refused. It returns the
// *SpooledError Submit hands back, or the write's failure.
func (s *Service) spool(ctx context.Context, id string, t *store.Ticket, files []store.Attachment, cause error) error {
	e := &SpoolEntry{ID: id, Ticket: *t, Files: files}
	e.Ticket.Number = ""
	if err := s.Spool.Put(e); err != nil {
		return fmt.Errorf("intake: submit: %w (and not spooled: %w)", cause, err)
	}
	s.logger.WarnContext(ctx, "intake: database unavailable, submission spooled",
		"submission", id, "dir", s.Spool.Dir(), "error", cause)
	return &SpooledError{ID: id, Cause: cause}
}

// DrainSpool stores every spooled submission, oldest first, then starts its
// workflow. An entry is removed only once its ticket is committed; a
// submission already stored (the process stopped between the commit and
// the removal) is recognised by its submission ID and not stored twice.
// It stops at the first entry the database refuses and returns how many
// entries it stored.
func (s *Service) DrainSpool(ctx context.Context) (int, error) {
	if s.Spool == nil {
		return 0, nil
	}
	ids, err := s.Spool.IDs()
	if err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		e, err := s.Spool.Get(id)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue // drained meanwhile
			}
			// An unreadable entry is left for an operator; the others go on.
			s.logger.ErrorContext(ctx, "intake: spooled submission unreadable", "submission", id, "error", err)
			continue
		}
		t := e.Ticket
		number, existed, err := s.db.CreateTicketOnce(ctx, e.ID, &t, e.Files)
		if err != nil {
			return done, fmt.Errorf("intake: drain %s: %w", id, err)
		}
		if err := s.Spool.Remove(id); err != nil {
			return done, err
		}
		done++
		s.logger.InfoContext(ctx, "intake: spooled submission stored", "submission", id, "ticket", number, "already", existed)
		stored, err := s.db.GetTicket(ctx, number)
		if err != nil {
			s.logger.WarnContext(ctx, "intake: spooled ticket not reloaded, the resumer will start it", "ticket", number, "error", err)
			continue
		}
		if stored.WorkflowStartedAt == nil {
			if err := s.start(ctx, stored); err != nil {
				s.logger.WarnContext(ctx, "intake: workflow not started, the ticket stays pending", "ticket", number, "error", err)
			}
		}
	}
	return done, nil
}

// RunSpoolDrainer calls DrainSpool at once and then every DrainEvery until
// ctx ends; it returns nil when ctx is cancelled. Without a Spool it only
// waits for ctx.
func (s *Service) RunSpoolDrainer(ctx context.Context) error {
	if s.Spool == nil {
		<-ctx.Done()
		return nil
	}
	every := s.DrainEvery
	if every <= 0 {
		every = DefaultDrainEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := s.DrainSpool(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "intake: spooled submissions not stored yet", "stored", n, "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
