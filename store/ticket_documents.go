package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// AttachmentInfos returns the documents of a ticket that belong to its
// timeline (linked to an event: the submission or a later action), without
// their bytes, in upload order. Documents stored for an action that never
// happened (event_seq 0) are left out.
func (db *DB) AttachmentInfos(ctx context.Context, number string) ([]Attachment, error) {
	var as []Attachment
	if err := db.NewSelect().Model(&as).ExcludeColumn("data").
		Where("ticket_number = ?", number).Where("event_seq > 0").Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: attachment infos of %q: %w", number, err)
	}
	return as, nil
}

// PeopleByIDs returns the people of ids (unknown IDs are left out), keyed by
// ID.
func (db *DB) PeopleByIDs(ctx context.Context, ids []int64) (map[int64]*Person, error) {
	out := make(map[int64]*Person, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ps []Person
	if err := db.NewSelect().Model(&ps).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: people by id: %w", err)
	}
	for i := range ps {
		out[ps[i].ID] = &ps[i]
	}
	return out, nil
}
