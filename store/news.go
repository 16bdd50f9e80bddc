package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// News states, as News.State reports them.
const (
	NewsDraft     = "draft"
	NewsScheduled = "scheduled"
	NewsPublished = "published"
	NewsExpired   = "expired"
)

// State is where the item stands at now: draft, scheduled (publication
// date to come), published or expired.
func (n News) State(now time.Time) string {
	switch {
	case n.Draft:
		return NewsDraft
	case n.ExpiresAt != nil && !n.ExpiresAt.After(now):
		return NewsExpired
	case n.PublishedAt.After(now):
		return NewsScheduled
	}
	return NewsPublished
}

// PublishedNews returns the news requesters see at now: not drafts,
// published, not expired; newest first, at most limit (default 10).
func (db *DB) PublishedNews(ctx context.Context, academy string, now time.Time, limit int) ([]News, error) {
	if limit <= 0 {
		limit = 10
	}
	now = now.UTC()
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		Where("draft = ?", false).Where("published_at <= ?", now).
		Where("(expires_at IS NULL OR expires_at > ?)", now).
		OrderExpr("published_at DESC, id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: published news of %s: %w", academy, err)
	}
	return ns, nil
}

// NewsOf lists every news item of an académie (for management), newest
// publication first.
func (db *DB) NewsOf(ctx context.Context, academy string) ([]News, error) {
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		OrderExpr("published_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news of %s: %w", academy, err)
	}
	return ns, nil
}

// GetNews returns one news item of an académie, or an error wrapping
// ErrNotFound.
func (db *DB) GetNews(ctx context.Context, academy string, id int64) (*News, error) {
	return getNews(ctx, db.DB, academy, id)
}

func getNews(ctx context.Context, db bun.IDB, academy string, id int64) (*News, error) {
	n := new(News)
	if err := db.NewSelect().Model(n).Where("id = ?", id).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news %d of %s: %w", id, academy, notFound(err))
	}
	return n, nil
}

// SaveNews creates (n.ID == 0, setting it) or updates a news item of
// by.Academy. Title and body are required; an expiry must follow the
// publication.
func (db *DB) SaveNews(ctx context.Context, by Editor, n *News) error {
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	if n.Title == "" || n.Body == "" {
		return fmt.Errorf("store: save news: title and body are required: %w", ErrInvalid)
	}
	now := time.Now().UTC()
	if n.PublishedAt.IsZero() {
		n.PublishedAt = now
	}
	n.PublishedAt = n.PublishedAt.UTC()
	if n.ExpiresAt != nil {
		e := n.ExpiresAt.UTC()
		n.ExpiresAt = &e
		if !e.After(n.PublishedAt) {
			return fmt.Errorf("store: save news: expiry before publication: %w", ErrInvalid)
		}
	}
	n.AcademyCode = by.Academy
	n.UpdatedAt = &now
	action := AuditNewsUpdate
	if n.ID == 0 {
		action = AuditNewsCreate
		author := by.PersonID
		n.AuthorID = &author
	}
	return db.audited(ctx, by, action, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if n.ID == 0 {
			if _, err := tx.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
				return "", "", fmt.Errorf("store: create news %q: %w", n.Title, err)
			}
		} else {
			if _, err := getNews(ctx, tx, by.Academy, n.ID); err != nil {
				return "", "", err
			}
			if _, err := tx.NewUpdate().Model(n).
				Column("title", "body", "published_at", "expires_at", "draft", "updated_at").
				WherePK().Exec(ctx); err != nil {
				return "", "", fmt.Errorf("store: update news %d: %w", n.ID, err)
			}
		}
		return n.Title, newsDetails(n), nil
	})
}

func newsDetails(n *News) string {
	d := "publication " + n.PublishedAt.Format(time.RFC3339)
	if n.ExpiresAt != nil {
		d += ", expiration " + n.ExpiresAt.Format(time.RFC3339)
	}
	if n.Draft {
		d += ", brouillon"
	}
	return d
}

// PublishNews publishes a news item at at: no longer a draft, published
// from at, and not expired (an expiry not after at is removed).
func (db *DB) PublishNews(ctx context.Context, by Editor, id int64, at time.Time) error {
	at = at.UTC()
	return db.audited(ctx, by, AuditNewsPublish, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		n.Draft, n.PublishedAt, n.UpdatedAt = false, at, &at
		if n.ExpiresAt != nil && !n.ExpiresAt.After(at) {
			n.ExpiresAt = nil
		}
		if _, err := tx.NewUpdate().Model(n).Column("draft", "published_at", "expires_at", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: publish news %d: %w", id, err)
		}
		return n.Title, newsDetails(n), nil
	})
}

// ExpireNews ends a news item's publication at at.
func (db *DB) ExpireNews(ctx context.Context, by Editor, id int64, at time.Time) error {
	at = at.UTC()
	return db.audited(ctx, by, AuditNewsExpire, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		n.ExpiresAt, n.UpdatedAt = &at, &at
		if n.PublishedAt.After(at) {
			n.PublishedAt = at
		}
		if _, err := tx.NewUpdate().Model(n).Column("published_at", "expires_at", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: expire news %d: %w", id, err)
		}
		return n.Title, newsDetails(n), nil
	})
}

// DeleteNews removes a news item.
func (db *DB) DeleteNews(ctx context.Context, by Editor, id int64) error {
	return db.audited(ctx, by, AuditNewsDelete, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.NewDelete().Model(n).WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: delete news %d: %w", id, err)
		}
		return n.Title, "", nil
	})
}

// CreateNewsUnaudited publishes an item in an académie's Actualités and
// sets n.ID, without a journal entry: for seeding and tests (a
// supervisor's goes through SaveNews). PublishedAt defaults to now.
func (db *DB) CreateNewsUnaudited(ctx context.Context, n *News) error {
	return CreateNewsUnauditedTx(ctx, db.DB, n)
}

// CreateNewsUnauditedTx is CreateNewsUnaudited through db, which may be a
// transaction.
func CreateNewsUnauditedTx(ctx context.Context, db bun.IDB, n *News) error {
	if n.AcademyCode == "" || strings.TrimSpace(n.Title) == "" || strings.TrimSpace(n.Body) == "" {
		return fmt.Errorf("store: create news %q: académie, title and body are required", n.Title)
	}
	if n.PublishedAt.IsZero() {
		n.PublishedAt = time.Now().UTC()
	}
	if _, err := db.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create news %q: %w", n.Title, err)
	}
	return nil
}

// ListNews returns an académie's news, newest first; limit defaults to 10.
func (db *DB) ListNews(ctx context.Context, academy string, limit int) ([]News, error) {
	if limit <= 0 {
		limit = 10
	}
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		OrderExpr("published_at DESC, id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news of %s: %w", academy, err)
	}
	return ns, nil
}
