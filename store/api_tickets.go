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
	// So does the viewer's own list: their own tickets are all visible.
	vis := &v
	if mine || v.IsSupport(academy) {
		vis = nil
	}
	inAcademy := func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("ticket.academy_code = ?", academy)
	}
	scopes := []func(*bun.SelectQuery) *bun.SelectQuery{inAcademy}
	if mine {
		scopes = partyScopes(v, inAcademy)
	}
	l, err := db.listTickets(ctx, vis, o, scopes...)
	if err != nil {
		return nil, fmt.Errorf("store: api tickets of %s for person %d: %w", academy, v.PersonID, err)
	}
	return l, nil
}
