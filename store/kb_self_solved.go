package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// SelfSolved records that an article solved a person's problem without a
// ticket (they said so on the article, or cancelled the new-incident form
// after reading it). One row per person and article: the counter
// kb_articles.solved_without_ticket moves only when a row is added.
type SelfSolved struct {
	bun.BaseModel `bun:"table:kb_self_solved"`

	PersonID  int64     `bun:"person_id,pk"`
	ArticleID int64     `bun:"article_id,pk"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// suggestionView is a suggested article opened from the new-incident form
// during a session (the link of the suggestions carries ?depuis=saisie).
type suggestionView struct {
	bun.BaseModel `bun:"table:kb_suggestion_views"`

	SessionID string    `bun:"session_id,pk"`
	ArticleID int64     `bun:"article_id,pk"`
	PersonID  int64     `bun:"person_id,notnull"`
	ViewedAt  time.Time `bun:"viewed_at,notnull"`
}

// SolvedCounts are the two counters of an article: tickets resolved with
// it, and problems it solved without a ticket.
type SolvedCounts struct {
	WithTicket    int `bun:"solved_count"`
	WithoutTicket int `bun:"solved_without_ticket"`
}

// RecordSuggestionView notes that the person of session sessionID opened
// suggested article articleID from the new-incident form (again: the date
// moves, the last one read is the one a cancelled form counts).
func (db *DB) RecordSuggestionView(ctx context.Context, sessionID string, personID, articleID int64) error {
	v := &suggestionView{SessionID: sessionID, ArticleID: articleID, PersonID: personID, ViewedAt: time.Now().UTC()}
	if _, err := db.NewInsert().Model(v).
		On("CONFLICT (session_id, article_id) DO UPDATE").Set("viewed_at = EXCLUDED.viewed_at").
		Exec(ctx); err != nil {
		return fmt.Errorf("store: record suggestion view of article %d: %w", articleID, err)
	}
	return nil
}

// CountSolvedWithoutTicket counts article articleID as having solved the
// problem of person personID without a ticket, once per person and article
// whatever the number of calls (counted reports whether this call counted
// it). The suggestions viewed in session sessionID ("" for none) are
// forgotten: the form they came from is done with. An unknown article is
// reported as ErrNotFound.
func (db *DB) CountSolvedWithoutTicket(ctx context.Context, sessionID string, personID, articleID int64) (counted bool, err error) {
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		counted, err = countSelfSolved(ctx, tx, personID, articleID)
		if err != nil {
			return err
		}
		return forgetSuggestionViews(ctx, tx, sessionID)
	})
	if err != nil {
		return false, fmt.Errorf("store: count article %d solved without ticket: %w", articleID, err)
	}
	return counted, nil
}

// AbandonIncidentForm is called when the person of session sessionID
// cancels the new-incident form: the suggested article they read last in
// this session (after their latest ticket, filed by them or for them) is
// counted as having solved their problem without a ticket, once per person
// and article. It returns that article's ID (0 if none) and whether it was
// counted now; the session's viewed suggestions are forgotten either way.
func (db *DB) AbandonIncidentForm(ctx context.Context, sessionID string, personID int64) (articleID int64, counted bool, err error) {
	err = db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var last suggestionView
		err := tx.NewSelect().Model(&last).
			Where("session_id = ?", sessionID).Where("person_id = ?", personID).
			OrderExpr("viewed_at DESC, article_id DESC").Limit(1).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		// A ticket filed after the article was read: the article did not
		// solve the problem, that ticket did (or will).
		for _, col := range []string{"requester_id", "beneficiary_id"} {
			var latest []time.Time
			if err := tx.NewSelect().Model((*Ticket)(nil)).Column("created_at").
				Where("? = ?", bun.Ident(col), personID).
				OrderExpr("created_at DESC").Limit(1).Scan(ctx, &latest); err != nil {
				return err
			}
			if len(latest) > 0 && !latest[0].Before(last.ViewedAt) {
				return forgetSuggestionViews(ctx, tx, sessionID)
			}
		}
		articleID = last.ArticleID
		if counted, err = countSelfSolved(ctx, tx, personID, last.ArticleID); err != nil {
			return err
		}
		return forgetSuggestionViews(ctx, tx, sessionID)
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: abandon incident form: %w", err)
	}
	return articleID, counted, nil
}

// countSelfSolved adds the (person, article) row and, if it is new, one to
// the article's counter.
func countSelfSolved(ctx context.Context, tx bun.Tx, personID, articleID int64) (bool, error) {
	exists, err := tx.NewSelect().Model((*Article)(nil)).Where("id = ?", articleID).Exists(ctx)
	if err != nil {
		return false, err
	}
	if !exists {
		return false, fmt.Errorf("article %d: %w", articleID, ErrNotFound)
	}
	row := &SelfSolved{PersonID: personID, ArticleID: articleID, CreatedAt: time.Now().UTC()}
	res, err := tx.NewInsert().Model(row).On("CONFLICT (person_id, article_id) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := tx.NewUpdate().Model((*Article)(nil)).
		Set("solved_without_ticket = solved_without_ticket + 1").Where("id = ?", articleID).Exec(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// forgetSuggestionViews deletes the viewed suggestions of a session.
func forgetSuggestionViews(ctx context.Context, tx bun.Tx, sessionID string) error {
	if sessionID == "" {
		return nil
	}
	_, err := tx.NewDelete().Model((*suggestionView)(nil)).Where("session_id = ?", sessionID).Exec(ctx)
	return err
}

// ArticleSolvedCounts returns the two counters of article id, or an error
// wrapping ErrNotFound.
func (db *DB) ArticleSolvedCounts(ctx context.Context, id int64) (SolvedCounts, error) {
	var c SolvedCounts
	err := db.NewSelect().Model((*Article)(nil)).
		Column("solved_count", "solved_without_ticket").Where("id = ?", id).Scan(ctx, &c)
	if err != nil {
		return SolvedCounts{}, fmt.Errorf("store: article %d counts: %w", id, notFound(err))
	}
	return c, nil
}
