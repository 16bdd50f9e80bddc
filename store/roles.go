package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// RoleHolder is a person with their roles in one académie.
type RoleHolder struct {
	Person
	Roles []string
}

// StaffRoles lists the people holding a role other than requester in an
// académie (the support staff and managers), by name.
func (db *DB) StaffRoles(ctx context.Context, academy string) ([]RoleHolder, error) {
	var gs []RoleGrant
	if err := db.NewSelect().Model(&gs).Where("academy_code = ?", academy).
		Where("role <> ?", RoleRequester).Order("person_id", "role").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: staff roles of %s: %w", academy, err)
	}
	return db.holders(ctx, academy, gs)
}

// RolesIn returns the roles of the given people in an académie.
func (db *DB) RolesIn(ctx context.Context, academy string, people []Person) ([]RoleHolder, error) {
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	out := make([]RoleHolder, len(people))
	byID := map[int64]int{}
	for i, p := range people {
		out[i] = RoleHolder{Person: p}
		byID[p.ID] = i
	}
	if len(ids) == 0 {
		return out, nil
	}
	var gs []RoleGrant
	if err := db.NewSelect().Model(&gs).Where("academy_code = ?", academy).
		Where("person_id IN (?)", bun.In(ids)).Order("role").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: roles in %s: %w", academy, err)
	}
	for _, g := range gs {
		out[byID[g.PersonID]].Roles = append(out[byID[g.PersonID]].Roles, g.Role)
	}
	return out, nil
}

func (db *DB) holders(ctx context.Context, academy string, gs []RoleGrant) ([]RoleHolder, error) {
	var ids []int64
	roles := map[int64][]string{}
	for _, g := range gs {
		if _, ok := roles[g.PersonID]; !ok {
			ids = append(ids, g.PersonID)
		}
		roles[g.PersonID] = append(roles[g.PersonID], g.Role)
	}
	if len(ids) == 0 {
		return []RoleHolder{}, nil
	}
	var ps []Person
	if err := db.NewSelect().Model(&ps).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: role holders of %s: %w", academy, err)
	}
	slices.SortFunc(ps, func(a, b Person) int {
		return strings.Compare(NameKey(a.LastName, a.FirstName), NameKey(b.LastName, b.FirstName))
	})
	out := make([]RoleHolder, len(ps))
	for i, p := range ps {
		out[i] = RoleHolder{Person: p, Roles: roles[p.ID]}
	}
	return out, nil
}

// GrantRole gives a person a role in by.Academy, journalled.
func (db *DB) GrantRole(ctx context.Context, by Editor, personID int64, role string) error {
	if !validRole(role) {
		return fmt.Errorf("store: grant role %q: %w", role, ErrInvalid)
	}
	return db.audited(ctx, by, AuditRoleGrant, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		name, err := personNamesTx(ctx, tx, personID)
		if err != nil {
			return "", "", err
		}
		if err := insertRoleGrants(ctx, tx, []RoleGrant{{PersonID: personID, AcademyCode: by.Academy, Role: role}}); err != nil {
			return "", "", err
		}
		return name, role, nil
	})
}

// RevokeRole takes a role in by.Academy away from a person, journalled.
// Supervisors cannot revoke their own supervisor role (an
// académie would otherwise risk losing its last supervisor by mistake).
func (db *DB) RevokeRole(ctx context.Context, by Editor, personID int64, role string) error {
	if !validRole(role) {
		return fmt.Errorf("store: revoke role %q: %w", role, ErrInvalid)
	}
	if personID == by.PersonID && role == RoleSupervisor {
		return fmt.Errorf("store: revoke one's own supervisor role: %w", ErrInvalid)
	}
	return db.audited(ctx, by, AuditRoleRevoke, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		name, err := personNamesTx(ctx, tx, personID)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.NewDelete().Model((*RoleGrant)(nil)).Where("person_id = ?", personID).
			Where("academy_code = ?", by.Academy).Where("role = ?", role).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: revoke role %q of person %d: %w", role, personID, err)
		}
		return name, role, nil
	})
}

// validRole reports whether role is one of the Role… constants.
func validRole(role string) bool {
	switch role {
	case RoleRequester, RoleTechnician, RoleSupervisor, RoleAdministrator:
		return true
	}
	return false
}

// GrantRoleUnaudited gives the person a role in an académie, without a
// journal entry: for seeding and tests (a supervisor's goes through
// GrantRole). Granting it twice is harmless.
func (db *DB) GrantRoleUnaudited(ctx context.Context, personID int64, academy, role string) error {
	return GrantRolesUnaudited(ctx, db.DB, []RoleGrant{{PersonID: personID, AcademyCode: academy, Role: role}})
}

// GrantRolesUnaudited inserts role grants through db (which may be a
// transaction), ignoring those already there, without journal entries: the
// bulk form of GrantRoleUnaudited, for seeding and the directory.
func GrantRolesUnaudited(ctx context.Context, db bun.IDB, grants []RoleGrant) error {
	return insertRoleGrants(ctx, db, grants)
}

// insertRoleGrants inserts grants, ignoring those already there: the write
// of GrantRole and GrantRolesUnaudited.
func insertRoleGrants(ctx context.Context, db bun.IDB, grants []RoleGrant) error {
	if len(grants) == 0 {
		return nil
	}
	for _, g := range grants {
		if !validRole(g.Role) {
			return fmt.Errorf("store: grant role %q: unknown role", g.Role)
		}
		if g.AcademyCode == "" {
			return fmt.Errorf("store: grant role %q to person %d: empty académie", g.Role, g.PersonID)
		}
	}
	if _, err := db.NewInsert().Model(&grants).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("store: grant %d roles: %w", len(grants), err)
	}
	return nil
}

// RevokeRolesUnaudited takes the given roles away from a person in an
// académie (roles they do not hold are ignored), without journal entries:
// the directory synchronisation's, whose runs record what it changed (a
// supervisor's goes through RevokeRole).
func (db *DB) RevokeRolesUnaudited(ctx context.Context, personID int64, academy string, roles []string) error {
	_, err := db.NewDelete().Model((*RoleGrant)(nil)).
		Where("person_id = ?", personID).
		Where("academy_code = ?", academy).
		Where("role IN (?)", bun.In(roles)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: revoke roles %v of person %d in %s: %w", roles, personID, academy, err)
	}
	return nil
}

// Roles lists the person's grants, ordered by académie then role.
func (db *DB) Roles(ctx context.Context, personID int64) ([]RoleGrant, error) {
	var grants []RoleGrant
	err := db.NewSelect().Model(&grants).Where("person_id = ?", personID).
		Order("academy_code", "role").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: roles of person %d: %w", personID, err)
	}
	return grants, nil
}

// HasRole reports whether grants give role in académie academy.
func HasRole(grants []RoleGrant, academy, role string) bool {
	for _, g := range grants {
		if g.AcademyCode == academy && g.Role == role {
			return true
		}
	}
	return false
}
