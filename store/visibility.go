package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// Viewer is a person looking at tickets, with what the visibility rule needs
// to know about them. Build it with NewViewer from the session's person and
// their role grants.
//
// The rule (SPEC §3 "Incident privé", §11): a viewer sees
//   - every ticket when GlobalAdmin;
//   - every ticket of an académie where they are support (technician or
//     supervisor);
//   - the tickets they filed (requester) or that were filed for them
//     (beneficiary), wherever they are;
//   - the non-private tickets of their own entity in their home académie.
type Viewer struct {
	PersonID    int64
	AcademyCode string // home académie
	Entity      string // directory entity ("" sees no colleague's ticket)
	GlobalAdmin bool
	// SupportIn lists the académies where the viewer is technician or
	// supervisor.
	SupportIn []string
}

// SupportRoles are the roles that see every ticket of their académie.
var supportRoles = []string{RoleTechnician, RoleSupervisor}

// NewViewer returns the viewer for a person and their role grants.
func NewViewer(p *Person, grants []RoleGrant) Viewer {
	v := Viewer{PersonID: p.ID, AcademyCode: p.AcademyCode, Entity: p.Entity, GlobalAdmin: p.GlobalAdmin}
	for _, g := range grants {
		if g.PersonID == p.ID && slices.Contains(supportRoles, g.Role) && !slices.Contains(v.SupportIn, g.AcademyCode) {
			v.SupportIn = append(v.SupportIn, g.AcademyCode)
		}
	}
	return v
}

// IsSupport reports whether the viewer works on the support platform of
// academy (a global administrator counts as support everywhere).
func (v Viewer) IsSupport(academy string) bool {
	return v.GlobalAdmin || slices.Contains(v.SupportIn, academy)
}

// CanSee reports whether the viewer may see the ticket: its page, its
// attachments, its public timeline. Internal notes need IsSupport too.
func (v Viewer) CanSee(t *Ticket) bool {
	switch {
	case t == nil:
		return false
	case v.IsSupport(t.AcademyCode):
		return true
	case t.RequesterID == v.PersonID || t.BeneficiaryID == v.PersonID:
		return true
	}
	return !t.Private && v.Entity != "" && t.Entity == v.Entity && t.AcademyCode == v.AcademyCode
}

// IsParty reports whether the viewer filed the ticket or is its
// beneficiary: the people who may add information, cancel and validate.
func (v Viewer) IsParty(t *Ticket) bool {
	return t != nil && (t.RequesterID == v.PersonID || t.BeneficiaryID == v.PersonID)
}

// VisibleTickets returns a bun query modifier restricting a select on the
// tickets table to what v may see. Use it on every ticket list, count and
// search:
//
//	db.NewSelect().Model(&tickets).Apply(store.VisibleTickets(v))
//
// The modifier names columns with the "ticket." alias bun gives the Ticket
// model; for a query on TableExpr("tickets AS t") use VisibleTicketsAs(v, "t").
func VisibleTickets(v Viewer) func(*bun.SelectQuery) *bun.SelectQuery {
	return VisibleTicketsAs(v, "ticket")
}

// VisibleTicketsAs is VisibleTickets for a tickets table aliased alias.
func VisibleTicketsAs(v Viewer, alias string) func(*bun.SelectQuery) *bun.SelectQuery {
	col := func(name string) bun.Ident { return bun.Ident(alias + "." + name) }
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if v.GlobalAdmin {
			return q
		}
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.WhereOr("? = ?", col("requester_id"), v.PersonID).
				WhereOr("? = ?", col("beneficiary_id"), v.PersonID)
			if len(v.SupportIn) > 0 {
				q = q.WhereOr("? IN (?)", col("academy_code"), bun.In(v.SupportIn))
			}
			if v.Entity != "" {
				q = q.WhereOr("(? = ? AND ? = ? AND ? = ?)",
					col("private"), false, col("entity"), v.Entity, col("academy_code"), v.AcademyCode)
			}
			return q
		})
	}
}

// VisibleTicket returns the ticket numbered number if v may see it. A
// ticket that exists but is hidden from v is reported as ErrNotFound, like
// a missing one: nobody learns that a private ticket exists.
func (db *DB) VisibleTicket(ctx context.Context, v Viewer, number string) (*Ticket, error) {
	t, err := db.GetTicket(ctx, number)
	if err != nil {
		return nil, err
	}
	if !v.CanSee(t) {
		return nil, fmt.Errorf("store: ticket %q: %w", number, ErrNotFound)
	}
	return t, nil
}

// VisibleAttachment returns attachment id of ticket number if v may see the
// ticket; ErrNotFound otherwise (missing, other ticket, or hidden).
func (db *DB) VisibleAttachment(ctx context.Context, v Viewer, number string, id int64) (*Attachment, error) {
	if _, err := db.VisibleTicket(ctx, v, number); err != nil {
		return nil, err
	}
	a := new(Attachment)
	err := db.NewSelect().Model(a).Where("id = ?", id).Where("ticket_number = ?", number).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: attachment %d of %q: %w", id, number, notFound(err))
	}
	return a, nil
}
