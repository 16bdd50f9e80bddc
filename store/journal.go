package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// The management journal (audit_log): every change a supervisor makes
// (news, categories and routing, groups and members, opening hours and
// holidays, role grants) goes through audited, which writes an AuditEntry
// in the same transaction, so a change is never unrecorded. The few writes
// of those kinds that are not journalled (seeding, tests, the directory
// synchronisation) say so in their name: …Unaudited.

// Audit actions recorded by the management functions.
const (
	AuditNewsCreate      = "news.create"
	AuditNewsUpdate      = "news.update"
	AuditNewsPublish     = "news.publish"
	AuditNewsExpire      = "news.expire"
	AuditNewsDelete      = "news.delete"
	AuditCategoryCreate  = "category.create"
	AuditCategoryRename  = "category.rename"
	AuditCategoryMove    = "category.move"
	AuditCategoryDelete  = "category.delete"
	AuditRouteSet        = "routing.set"
	AuditGroupCreate     = "group.create"
	AuditGroupUpdate     = "group.update"
	AuditMemberAdd       = "group.member.add"
	AuditMemberRemove    = "group.member.remove"
	AuditMemberAvailable = "group.member.available"
	AuditHoursSet        = "hours.set"
	AuditHoursReset      = "hours.reset"
	AuditHolidayAdd      = "holiday.add"
	AuditHolidayRemove   = "holiday.remove"
	AuditRoleGrant       = "role.grant"
	AuditRoleRevoke      = "role.revoke"
)

// Editor is who makes a management change, and in which académie: every
// change is scoped to Academy (rows of another académie are not found).
type Editor struct {
	PersonID int64
	Academy  string
}

// AuditEntry is one line of the management journal.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID          int64     `bun:"id,pk,autoincrement"`
	At          time.Time `bun:"at,notnull"`
	ActorID     int64     `bun:"actor_id,notnull"`
	AcademyCode string    `bun:"academy_code,notnull"`
	Action      string    `bun:"action,notnull"`  // one of the Audit… constants
	Target      string    `bun:"target,notnull"`  // what was changed, readable ("Matériel › Écran")
	Details     string    `bun:"details,notnull"` // the new value, readable
}

// AuditLine is an AuditEntry with its actor's name.
type AuditLine struct {
	AuditEntry
	ActorName string
}

// audited runs fn in a transaction and records the change made by by.
func (db *DB) audited(ctx context.Context, by Editor, action string, fn func(ctx context.Context, tx bun.Tx) (target, details string, err error)) error {
	if by.Academy == "" || by.PersonID == 0 {
		return fmt.Errorf("store: %s: editor and académie are required: %w", action, ErrInvalid)
	}
	return db.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		target, details, err := fn(ctx, tx)
		if err != nil {
			return err
		}
		e := &AuditEntry{At: time.Now().UTC(), ActorID: by.PersonID, AcademyCode: by.Academy,
			Action: action, Target: target, Details: details}
		if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return fmt.Errorf("store: audit %s: %w", action, err)
		}
		return nil
	})
}

// AuditLog returns an académie's journal, newest first, a page of limit
// lines from offset, and the total number of lines.
func (db *DB) AuditLog(ctx context.Context, academy string, limit, offset int) ([]AuditLine, int, error) {
	if limit <= 0 {
		limit = 50
	}
	var es []AuditEntry
	total, err := db.NewSelect().Model(&es).Where("academy_code = ?", academy).
		OrderExpr("at DESC, id DESC").Limit(limit).Offset(offset).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store: audit log of %s: %w", academy, err)
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ActorID
	}
	names, err := db.personNames(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]AuditLine, len(es))
	for i, e := range es {
		out[i] = AuditLine{AuditEntry: e, ActorName: names[e.ActorID]}
	}
	return out, total, nil
}

// personNames maps person IDs to "Prénom NOM".
func (db *DB) personNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return out, nil
	}
	var ps []Person
	if err := db.NewSelect().Model(&ps).Column("id", "first_name", "last_name").
		Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: names of people: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = DisplayName(p)
	}
	return out, nil
}

func personNamesTx(ctx context.Context, tx bun.IDB, id int64) (string, error) {
	p := new(Person)
	if err := tx.NewSelect().Model(p).Column("id", "first_name", "last_name").Where("id = ?", id).Scan(ctx); err != nil {
		return "", fmt.Errorf("store: person %d: %w", id, notFound(err))
	}
	return DisplayName(*p), nil
}
