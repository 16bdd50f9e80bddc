package store

import (
	"context"
	"fmt"
)

// ArticleSolved is an article of the supervisor's dashboard with its two
// counters.
type ArticleSolved struct {
	ID    int64  `bun:"id"`
	Title string `bun:"title"`
	SolvedCounts
}

// KnowledgeStats sums what the knowledge base of an académie solved: with a
// ticket (resolved with an article) and without (read, then no ticket), and
// its most useful articles.
type KnowledgeStats struct {
	SolvedCounts
	Top []ArticleSolved
}

// KnowledgeStats returns the counters of the articles written by académie
// academy (all time), with its top articles (at most limit, by problems
// solved with and without a ticket, those that solved nothing left out).
func (db *DB) KnowledgeStats(ctx context.Context, academy string, limit int) (*KnowledgeStats, error) {
	k := &KnowledgeStats{}
	err := db.NewSelect().Model((*Article)(nil)).
		ColumnExpr("COALESCE(SUM(solved_count), 0) AS solved_count").
		ColumnExpr("COALESCE(SUM(solved_without_ticket), 0) AS solved_without_ticket").
		Where("academy_code = ?", academy).
		Scan(ctx, &k.SolvedCounts)
	if err != nil {
		return nil, fmt.Errorf("store: knowledge stats of %s: %w", academy, err)
	}
	if limit <= 0 {
		return k, nil
	}
	err = db.NewSelect().Model((*Article)(nil)).
		Column("id", "title", "solved_count", "solved_without_ticket").
		Where("academy_code = ?", academy).
		Where("solved_count + solved_without_ticket > 0").
		OrderExpr("solved_count + solved_without_ticket DESC, id").
		Limit(limit).
		Scan(ctx, &k.Top)
	if err != nil {
		return nil, fmt.Errorf("store: knowledge stats of %s: %w", academy, err)
	}
	return k, nil
}
