package store

import (
	"strings"

	"github.com/uptrace/bun"
)

// nameMatch restricts q (a select of people) to those whose name has, for
// each of words (folded: letters and digits only), a word starting with
// it, ordered by name_key then id. It goes through the full-text index of
// signInAndDirectory, so that a directory of 200,000 people answers in
// milliseconds whatever the prefix.
func (db *DB) nameMatch(q *bun.SelectQuery, words []string) *bun.SelectQuery {
	if db.driver == DriverPostgres {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = w + ":*"
		}
		// Ordering under the "C" collation (the same order: name keys are
		// lower-case ASCII letters, digits and spaces) keeps the planner off
		// the (academy_code, name_key) b-tree, which it would walk in order
		// filtering row by row: the GIN index then a top-N sort is far
		// faster.
		return q.Where("to_tsvector('simple', name_key) @@ to_tsquery('simple', ?)", strings.Join(terms, " & ")).
			OrderExpr(`name_key COLLATE "C", id`)
	}
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return q.Where("id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?)", strings.Join(terms, " ")).
		Order("name_key", "id")
}
