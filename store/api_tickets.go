package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// APITickets lists the tickets of académie academy that v may see (mine:
// only those v filed or that were filed for v), with the web lists'
// filter, sort and pagination (ListOptions).
func (db *DB) APITickets(ctx context.Context, v Viewer, academy string, mine bool, o ListOptions) (*TicketList, error) {
	// Support sees every ticket of its académie: the visibility rule would
	// only add an OR the database evaluates on every row.
	vis := &v
	if !mine && v.IsSupport(academy) {
		vis = nil
	}
	l, err := db.listTickets(ctx, vis, o, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("ticket.academy_code = ?", academy)
		if mine {
			q = q.Apply(partyOf(v))
		}
		return q
	})
	if err != nil {
		return nil, fmt.Errorf("store: api tickets of %s for person %d: %w", academy, v.PersonID, err)
	}
	return l, nil
}
