package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
)

// groupIn returns a group of académie academy, or ErrNotFound.
func groupIn(ctx context.Context, db bun.IDB, academy string, id int64) (*Group, error) {
	g, err := getGroup(ctx, db, id)
	if err != nil {
		return nil, err
	}
	if g.AcademyCode != academy {
		return nil, fmt.Errorf("store: group %d of %s: %w", id, academy, ErrNotFound)
	}
	return g, nil
}

// AddGroup creates a group in by.Academy and sets g.ID, journalled.
func (db *DB) AddGroup(ctx context.Context, by Editor, g *Group) error {
	g.AcademyCode = by.Academy
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return fmt.Errorf("store: add group: empty name: %w", ErrInvalid)
	}
	return db.audited(ctx, by, AuditGroupCreate, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if err := insertGroup(ctx, tx, g); err != nil {
			return "", "", err
		}
		return g.Name, "niveau " + strconv.Itoa(g.Level), nil
	})
}

// UpdateGroup renames a group and sets its level (1 or 2).
func (db *DB) UpdateGroup(ctx context.Context, by Editor, id int64, name string, level int) error {
	name = strings.TrimSpace(name)
	if name == "" || level < 1 || level > 3 {
		return fmt.Errorf("store: update group %d: name and level 1–3 required: %w", id, ErrInvalid)
	}
	return db.audited(ctx, by, AuditGroupUpdate, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		g, err := groupIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.NewUpdate().Model((*Group)(nil)).Set("name = ?", name).Set("level = ?", level).
			Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: update group %d: %w", id, err)
		}
		return g.Name, name + ", niveau " + strconv.Itoa(level), nil
	})
}

// AddGroupMember puts a person of by.Academy in one of its groups
// (available). Adding twice is harmless (and recorded once more).
func (db *DB) AddGroupMember(ctx context.Context, by Editor, groupID, personID int64) error {
	return db.audited(ctx, by, AuditMemberAdd, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		g, err := groupIn(ctx, tx, by.Academy, groupID)
		if err != nil {
			return "", "", err
		}
		p := new(Person)
		if err := tx.NewSelect().Model(p).Where("id = ?", personID).Scan(ctx); err != nil {
			return "", "", fmt.Errorf("store: person %d: %w", personID, notFound(err))
		}
		if p.AcademyCode != by.Academy {
			return "", "", fmt.Errorf("store: person %d is not of %s: %w", personID, by.Academy, ErrInvalid)
		}
		if err := insertGroupMembers(ctx, tx, []GroupMember{{GroupID: groupID, PersonID: personID, Available: true}}); err != nil {
			return "", "", err
		}
		return g.Name, DisplayName(*p), nil
	})
}

// RemoveGroupMember takes a person out of a group of by.Academy.
func (db *DB) RemoveGroupMember(ctx context.Context, by Editor, groupID, personID int64) error {
	return db.audited(ctx, by, AuditMemberRemove, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		g, err := groupIn(ctx, tx, by.Academy, groupID)
		if err != nil {
			return "", "", err
		}
		names, err := personNamesTx(ctx, tx, personID)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.NewDelete().Model((*GroupMember)(nil)).
			Where("group_id = ?", groupID).Where("person_id = ?", personID).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: remove person %d from group %d: %w", personID, groupID, err)
		}
		return g.Name, names, nil
	})
}

// SetGroupMemberAvailable marks a member of a group of by.Academy
// available (or not) for new tickets.
func (db *DB) SetGroupMemberAvailable(ctx context.Context, by Editor, groupID, personID int64, available bool) error {
	return db.audited(ctx, by, AuditMemberAvailable, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		g, err := groupIn(ctx, tx, by.Academy, groupID)
		if err != nil {
			return "", "", err
		}
		res, err := tx.NewUpdate().Model((*GroupMember)(nil)).Set("available = ?", available).
			Where("group_id = ?", groupID).Where("person_id = ?", personID).Exec(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: availability of person %d in group %d: %w", personID, groupID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", "", fmt.Errorf("store: person %d in group %d: %w", personID, groupID, ErrNotFound)
		}
		name, err := personNamesTx(ctx, tx, personID)
		if err != nil {
			return "", "", err
		}
		state := "indisponible"
		if available {
			state = "disponible"
		}
		return g.Name, name + " : " + state, nil
	})
}

// CreateGroupUnaudited adds a support group and sets g.ID, without a
// journal entry: for seeding and tests (a supervisor's goes through
// AddGroup). An académie has at most one intake group (the database
// refuses a second).
func (db *DB) CreateGroupUnaudited(ctx context.Context, g *Group) error {
	return CreateGroupUnauditedTx(ctx, db.DB, g)
}

// CreateGroupUnauditedTx is CreateGroupUnaudited through db, which may be
// a transaction.
func CreateGroupUnauditedTx(ctx context.Context, db bun.IDB, g *Group) error {
	return insertGroup(ctx, db, g)
}

// insertGroup inserts g, the write of AddGroup and CreateGroupUnaudited.
func insertGroup(ctx context.Context, db bun.IDB, g *Group) error {
	if g.AcademyCode == "" || strings.TrimSpace(g.Name) == "" {
		return fmt.Errorf("store: create group %q: académie and name are required", g.Name)
	}
	if g.Level < 1 {
		g.Level = 1
	}
	if _, err := db.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("store: create group %q in %s: %w", g.Name, g.AcademyCode, err)
	}
	return nil
}

// GetGroup returns the group with this ID, or an error wrapping
// ErrNotFound.
func (db *DB) GetGroup(ctx context.Context, id int64) (*Group, error) {
	return getGroup(ctx, db.DB, id)
}

func getGroup(ctx context.Context, db bun.IDB, id int64) (*Group, error) {
	g := new(Group)
	if err := db.NewSelect().Model(g).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: group %d: %w", id, notFound(err))
	}
	return g, nil
}

// GroupsOf lists an académie's groups: level 1 first, then by name.
func (db *DB) GroupsOf(ctx context.Context, academy string) ([]Group, error) {
	var gs []Group
	if err := db.NewSelect().Model(&gs).Where("academy_code = ?", academy).
		Order("level", "name", "id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: groups of %s: %w", academy, err)
	}
	return gs, nil
}

// IntakeGroup returns the group that receives an académie's new tickets,
// or an error wrapping ErrNotFound when none is marked.
func (db *DB) IntakeGroup(ctx context.Context, academy string) (*Group, error) {
	return intakeGroup(ctx, db.DB, academy)
}

func intakeGroup(ctx context.Context, db bun.IDB, academy string) (*Group, error) {
	g := new(Group)
	if err := db.NewSelect().Model(g).Where("academy_code = ?", academy).
		Where("intake = ?", true).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: intake group of %s: %w", academy, notFound(err))
	}
	return g, nil
}

// AddGroupMemberUnaudited puts a person in a group, available, without a
// journal entry: for seeding and tests (a supervisor's goes through
// AddGroupMember). Adding twice is harmless.
func (db *DB) AddGroupMemberUnaudited(ctx context.Context, groupID, personID int64) error {
	return insertGroupMembers(ctx, db.DB, []GroupMember{{GroupID: groupID, PersonID: personID, Available: true}})
}

// AddGroupMembersUnaudited inserts group memberships through db (which may
// be a transaction), ignoring those already there, without journal
// entries: the bulk form of AddGroupMemberUnaudited, for seeding.
func AddGroupMembersUnaudited(ctx context.Context, db bun.IDB, members []GroupMember) error {
	return insertGroupMembers(ctx, db, members)
}

// insertGroupMembers inserts memberships, ignoring those already there:
// the write of AddGroupMember and AddGroupMembersUnaudited.
func insertGroupMembers(ctx context.Context, db bun.IDB, members []GroupMember) error {
	if len(members) == 0 {
		return nil
	}
	// Raw VALUES: bun replaces a zero field tagged default:true by the
	// default, so the model insert could never store Available=false.
	var sql strings.Builder
	args := make([]any, 0, 3*len(members))
	sql.WriteString("INSERT INTO group_members (group_id, person_id, available) VALUES ")
	for i, m := range members {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?)")
		args = append(args, m.GroupID, m.PersonID, m.Available)
	}
	sql.WriteString(" ON CONFLICT DO NOTHING")
	if _, err := db.NewRaw(sql.String(), args...).Exec(ctx); err != nil {
		return fmt.Errorf("store: add %d group members: %w", len(members), err)
	}
	return nil
}

// SetGroupMemberAvailableUnaudited marks a member available (or not) for
// new tickets, without a journal entry: for tests (a supervisor's goes
// through SetGroupMemberAvailable).
func (db *DB) SetGroupMemberAvailableUnaudited(ctx context.Context, groupID, personID int64, available bool) error {
	res, err := db.NewUpdate().Model((*GroupMember)(nil)).Set("available = ?", available).
		Where("group_id = ?", groupID).Where("person_id = ?", personID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: set availability of person %d in group %d: %w", personID, groupID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: person %d in group %d: %w", personID, groupID, ErrNotFound)
	}
	return nil
}

// Member is a person of a group with their availability.
type Member struct {
	Person
	Available bool
}

// MembersOf lists a group's members ordered by name.
func (db *DB) MembersOf(ctx context.Context, groupID int64) ([]Member, error) {
	var gms []GroupMember
	if err := db.NewSelect().Model(&gms).Where("group_id = ?", groupID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", groupID, err)
	}
	if len(gms) == 0 {
		return []Member{}, nil
	}
	available := make(map[int64]bool, len(gms))
	ids := make([]int64, len(gms))
	for i, gm := range gms {
		available[gm.PersonID] = gm.Available
		ids[i] = gm.PersonID
	}
	var people []Person
	if err := db.NewSelect().Model(&people).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: members of group %d: %w", groupID, err)
	}
	slices.SortFunc(people, func(a, b Person) int {
		return cmp.Or(strings.Compare(NameKey(a.LastName, a.FirstName), NameKey(b.LastName, b.FirstName)),
			cmp.Compare(a.ID, b.ID))
	})
	ms := make([]Member, len(people))
	for i, p := range people {
		ms[i] = Member{Person: p, Available: available[p.ID]}
	}
	return ms, nil
}
