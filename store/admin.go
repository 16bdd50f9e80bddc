package store

// Management by supervisors: news with publication and expiry dates, the
// category tree, groups and members, routing, opening hours and holidays,
// role grants. Every change goes through audited, which writes an
// AuditEntry in the same transaction: a change is never unrecorded.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ErrInvalid is returned (wrapped) when a management change is refused
// because of its input (empty name, a category moved under itself, a
// group of another académie…). The message after "store: " says why.
var ErrInvalid = errors.New("invalid")

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

// DisplayName is "Prénom NOM".
func DisplayName(p Person) string {
	return strings.TrimSpace(p.FirstName + " " + strings.ToUpper(p.LastName))
}

// ---- News ----

// News states, as News.State reports them.
const (
	NewsDraft     = "draft"
	NewsScheduled = "scheduled"
	NewsPublished = "published"
	NewsExpired   = "expired"
)

// State is where the item stands at now: draft, scheduled (publication
// date to come), published or expired.
func (n News) State(now time.Time) string {
	switch {
	case n.Draft:
		return NewsDraft
	case n.ExpiresAt != nil && !n.ExpiresAt.After(now):
		return NewsExpired
	case n.PublishedAt.After(now):
		return NewsScheduled
	}
	return NewsPublished
}

// PublishedNews returns the news requesters see at now: not drafts,
// published, not expired; newest first, at most limit (default 10).
func (db *DB) PublishedNews(ctx context.Context, academy string, now time.Time, limit int) ([]News, error) {
	if limit <= 0 {
		limit = 10
	}
	now = now.UTC()
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		Where("draft = ?", false).Where("published_at <= ?", now).
		Where("(expires_at IS NULL OR expires_at > ?)", now).
		OrderExpr("published_at DESC, id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: published news of %s: %w", academy, err)
	}
	return ns, nil
}

// NewsOf lists every news item of an académie (for management), newest
// publication first.
func (db *DB) NewsOf(ctx context.Context, academy string) ([]News, error) {
	var ns []News
	if err := db.NewSelect().Model(&ns).Where("academy_code = ?", academy).
		OrderExpr("published_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news of %s: %w", academy, err)
	}
	return ns, nil
}

// GetNews returns one news item of an académie, or an error wrapping
// ErrNotFound.
func (db *DB) GetNews(ctx context.Context, academy string, id int64) (*News, error) {
	return getNews(ctx, db.DB, academy, id)
}

func getNews(ctx context.Context, db bun.IDB, academy string, id int64) (*News, error) {
	n := new(News)
	if err := db.NewSelect().Model(n).Where("id = ?", id).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: news %d of %s: %w", id, academy, notFound(err))
	}
	return n, nil
}

// SaveNews creates (n.ID == 0, setting it) or updates a news item of
// by.Academy. Title and body are required; an expiry must follow the
// publication.
func (db *DB) SaveNews(ctx context.Context, by Editor, n *News) error {
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	if n.Title == "" || n.Body == "" {
		return fmt.Errorf("store: save news: title and body are required: %w", ErrInvalid)
	}
	now := time.Now().UTC()
	if n.PublishedAt.IsZero() {
		n.PublishedAt = now
	}
	n.PublishedAt = n.PublishedAt.UTC()
	if n.ExpiresAt != nil {
		e := n.ExpiresAt.UTC()
		n.ExpiresAt = &e
		if !e.After(n.PublishedAt) {
			return fmt.Errorf("store: save news: expiry before publication: %w", ErrInvalid)
		}
	}
	n.AcademyCode = by.Academy
	n.UpdatedAt = &now
	action := AuditNewsUpdate
	if n.ID == 0 {
		action = AuditNewsCreate
		author := by.PersonID
		n.AuthorID = &author
	}
	return db.audited(ctx, by, action, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if n.ID == 0 {
			if _, err := tx.NewInsert().Model(n).Returning("id").Exec(ctx); err != nil {
				return "", "", fmt.Errorf("store: create news %q: %w", n.Title, err)
			}
		} else {
			if _, err := getNews(ctx, tx, by.Academy, n.ID); err != nil {
				return "", "", err
			}
			if _, err := tx.NewUpdate().Model(n).
				Column("title", "body", "published_at", "expires_at", "draft", "updated_at").
				WherePK().Exec(ctx); err != nil {
				return "", "", fmt.Errorf("store: update news %d: %w", n.ID, err)
			}
		}
		return n.Title, newsDetails(n), nil
	})
}

func newsDetails(n *News) string {
	d := "publication " + n.PublishedAt.Format(time.RFC3339)
	if n.ExpiresAt != nil {
		d += ", expiration " + n.ExpiresAt.Format(time.RFC3339)
	}
	if n.Draft {
		d += ", brouillon"
	}
	return d
}

// PublishNews publishes a news item at at: no longer a draft, published
// from at, and not expired (an expiry not after at is removed).
func (db *DB) PublishNews(ctx context.Context, by Editor, id int64, at time.Time) error {
	at = at.UTC()
	return db.audited(ctx, by, AuditNewsPublish, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		n.Draft, n.PublishedAt, n.UpdatedAt = false, at, &at
		if n.ExpiresAt != nil && !n.ExpiresAt.After(at) {
			n.ExpiresAt = nil
		}
		if _, err := tx.NewUpdate().Model(n).Column("draft", "published_at", "expires_at", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: publish news %d: %w", id, err)
		}
		return n.Title, newsDetails(n), nil
	})
}

// ExpireNews ends a news item's publication at at.
func (db *DB) ExpireNews(ctx context.Context, by Editor, id int64, at time.Time) error {
	at = at.UTC()
	return db.audited(ctx, by, AuditNewsExpire, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		n.ExpiresAt, n.UpdatedAt = &at, &at
		if n.PublishedAt.After(at) {
			n.PublishedAt = at
		}
		if _, err := tx.NewUpdate().Model(n).Column("published_at", "expires_at", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: expire news %d: %w", id, err)
		}
		return n.Title, newsDetails(n), nil
	})
}

// DeleteNews removes a news item.
func (db *DB) DeleteNews(ctx context.Context, by Editor, id int64) error {
	return db.audited(ctx, by, AuditNewsDelete, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		n, err := getNews(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		if _, err := tx.NewDelete().Model(n).WherePK().Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: delete news %d: %w", id, err)
		}
		return n.Title, "", nil
	})
}

// ---- Categories and routing ----

// categoryIn returns a category of académie academy, or ErrNotFound.
func categoryIn(ctx context.Context, db bun.IDB, academy string, id int64) (*Category, error) {
	c, err := getCategory(ctx, db, id)
	if err != nil {
		return nil, err
	}
	if c.AcademyCode != academy {
		return nil, fmt.Errorf("store: category %d of %s: %w", id, academy, ErrNotFound)
	}
	return c, nil
}

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

// AddCategory adds a category to by.Academy's tree (under c.ParentID when
// set) and sets c.ID and c.Path.
func (db *DB) AddCategory(ctx context.Context, by Editor, c *Category) error {
	c.AcademyCode = by.Academy
	return db.audited(ctx, by, AuditCategoryCreate, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if c.ParentID != nil {
			if _, err := categoryIn(ctx, tx, by.Academy, *c.ParentID); err != nil {
				return "", "", err
			}
		}
		if strings.TrimSpace(c.Name) == "" {
			return "", "", fmt.Errorf("store: add category: empty name: %w", ErrInvalid)
		}
		if err := CreateCategoryTx(ctx, tx, c); err != nil {
			return "", "", err
		}
		return c.Path, "", nil
	})
}

// RenameCategory renames a category; its path and its descendants' paths
// follow.
func (db *DB) RenameCategory(ctx context.Context, by Editor, id int64, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || strings.Contains(name, strings.TrimSpace(PathSeparator)) {
		return fmt.Errorf("store: rename category %d: empty name or containing %q: %w", id, PathSeparator, ErrInvalid)
	}
	return db.audited(ctx, by, AuditCategoryRename, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		old := c.Path
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("name = ?", name).
			Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: rename category %d: %w", id, err)
		}
		if err := repath(ctx, tx, by.Academy); err != nil {
			return "", "", err
		}
		return old, name, nil
	})
}

// MoveCategory puts a category (with its subtree) under another parent of
// the same académie, or at the root when parentID is nil. A category cannot
// move under itself or its descendants.
func (db *DB) MoveCategory(ctx context.Context, by Editor, id int64, parentID *int64) error {
	return db.audited(ctx, by, AuditCategoryMove, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		dest := "racine"
		if parentID != nil {
			p, err := categoryIn(ctx, tx, by.Academy, *parentID)
			if err != nil {
				return "", "", err
			}
			// Walk up from the new parent: meeting id means a cycle.
			for cur := p; ; {
				if cur.ID == id {
					return "", "", fmt.Errorf("store: move category %d under its own subtree: %w", id, ErrInvalid)
				}
				if cur.ParentID == nil {
					break
				}
				if cur, err = getCategory(ctx, tx, *cur.ParentID); err != nil {
					return "", "", err
				}
			}
			dest = p.Path
		}
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("parent_id = ?", parentID).
			Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: move category %d: %w", id, err)
		}
		if err := repath(ctx, tx, by.Academy); err != nil {
			return "", "", err
		}
		return c.Path, dest, nil
	})
}

// repath recomputes the Path of every category of an académie from the
// names (after a rename or a move).
func repath(ctx context.Context, tx bun.IDB, academy string) error {
	var cs []Category
	if err := tx.NewSelect().Model(&cs).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return fmt.Errorf("store: repath categories of %s: %w", academy, err)
	}
	byID := make(map[int64]*Category, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	var path func(c *Category, depth int) string
	path = func(c *Category, depth int) string {
		if c.ParentID == nil || depth > 64 {
			return c.Name
		}
		p, ok := byID[*c.ParentID]
		if !ok {
			return c.Name
		}
		return path(p, depth+1) + PathSeparator + c.Name
	}
	for i := range cs {
		if p := path(&cs[i], 0); p != cs[i].Path {
			if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("path = ?", p).
				Where("id = ?", cs[i].ID).Exec(ctx); err != nil {
				return fmt.Errorf("store: repath category %d: %w", cs[i].ID, err)
			}
		}
	}
	return nil
}

// DeleteCategory removes a category without children that no ticket uses.
func (db *DB) DeleteCategory(ctx context.Context, by Editor, id int64) error {
	return db.audited(ctx, by, AuditCategoryDelete, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, id)
		if err != nil {
			return "", "", err
		}
		kids, err := tx.NewSelect().Model((*Category)(nil)).Where("parent_id = ?", id).Count(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		used, err := tx.NewSelect().Model((*Ticket)(nil)).Where("category_id = ?", id).Count(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		if kids > 0 || used > 0 {
			return "", "", fmt.Errorf("store: delete category %d: it has subcategories or tickets: %w", id, ErrInvalid)
		}
		if _, err := tx.NewDelete().Model((*Category)(nil)).Where("id = ?", id).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: delete category %d: %w", id, err)
		}
		return c.Path, "", nil
	})
}

// RouteCategory routes new tickets of a category (and of its descendants
// without their own route) to a group of the same académie; nil removes the
// route (the parent's route or the intake group applies).
func (db *DB) RouteCategory(ctx context.Context, by Editor, categoryID int64, groupID *int64) error {
	return db.audited(ctx, by, AuditRouteSet, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		c, err := categoryIn(ctx, tx, by.Academy, categoryID)
		if err != nil {
			return "", "", err
		}
		dest := "(héritée)"
		if groupID != nil {
			g, err := groupIn(ctx, tx, by.Academy, *groupID)
			if err != nil {
				return "", "", err
			}
			dest = g.Name
		}
		if _, err := tx.NewUpdate().Model((*Category)(nil)).Set("group_id = ?", groupID).
			Where("id = ?", categoryID).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: route category %d: %w", categoryID, err)
		}
		return c.Path, dest, nil
	})
}

// ---- Groups ----

// AddGroup creates a group in by.Academy and sets g.ID.
func (db *DB) AddGroup(ctx context.Context, by Editor, g *Group) error {
	g.AcademyCode = by.Academy
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return fmt.Errorf("store: add group: empty name: %w", ErrInvalid)
	}
	return db.audited(ctx, by, AuditGroupCreate, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if err := CreateGroupTx(ctx, tx, g); err != nil {
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
		if err := AddMembers(ctx, tx, []GroupMember{{GroupID: groupID, PersonID: personID, Available: true}}); err != nil {
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

func personNamesTx(ctx context.Context, tx bun.IDB, id int64) (string, error) {
	p := new(Person)
	if err := tx.NewSelect().Model(p).Column("id", "first_name", "last_name").Where("id = ?", id).Scan(ctx); err != nil {
		return "", fmt.Errorf("store: person %d: %w", id, notFound(err))
	}
	return DisplayName(*p), nil
}

// ---- Opening hours and holidays ----

// AcademyHours are an académie's opening hours, overriding the
// configuration (config.OpeningHoursFor) when present.
type AcademyHours struct {
	bun.BaseModel `bun:"table:academy_hours"`

	AcademyCode string    `bun:"academy_code,pk"`
	TimeZone    string    `bun:"time_zone,notnull"`
	Open        string    `bun:"opens_at,notnull"`  // "08:00"
	Close       string    `bun:"closes_at,notnull"` // "18:00"
	Days        string    `bun:"days,notnull"`      // "1,2,3,4,5" (1 = Monday)
	Holidays    string    `bun:"holidays,notnull"`  // "fr" or "none"
	UpdatedAt   time.Time `bun:"updated_at,notnull"`
}

// DayList returns Days as numbers.
func (h AcademyHours) DayList() []int {
	var out []int
	for _, f := range strings.Split(h.Days, ",") {
		if d, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// Holiday is an extra closed day of an académie (on top of the public
// holidays the hours' Holidays setting brings).
type Holiday struct {
	bun.BaseModel `bun:"table:academy_holidays"`

	AcademyCode string `bun:"academy_code,pk"`
	Day         string `bun:"day,pk"` // "2026-12-24"
	Label       string `bun:"label,notnull"`
}

// validClock reports whether s is a "HH:MM" time of day.
func validClock(s string) bool {
	t, err := time.Parse("15:04", s)
	return err == nil && t.Format("15:04") == s
}

// HoursOf returns an académie's own opening hours, or an error wrapping
// ErrNotFound when it follows the configuration.
func (db *DB) HoursOf(ctx context.Context, academy string) (*AcademyHours, error) {
	h := new(AcademyHours)
	if err := db.NewSelect().Model(h).Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: hours of %s: %w", academy, notFound(err))
	}
	return h, nil
}

// SaveHours sets by.Academy's opening hours (Open < Close, "HH:MM", days
// 1–7, a known time zone, holidays "fr" or "none").
func (db *DB) SaveHours(ctx context.Context, by Editor, h *AcademyHours) error {
	h.AcademyCode = by.Academy
	if !validClock(h.Open) || !validClock(h.Close) || h.Open >= h.Close {
		return fmt.Errorf("store: save hours: opening %q–%q: %w", h.Open, h.Close, ErrInvalid)
	}
	days := h.DayList()
	if len(days) == 0 {
		return fmt.Errorf("store: save hours: no open day: %w", ErrInvalid)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	parts := make([]string, len(days))
	for i, d := range days {
		if d < 1 || d > 7 {
			return fmt.Errorf("store: save hours: day %d: %w", d, ErrInvalid)
		}
		parts[i] = strconv.Itoa(d)
	}
	h.Days = strings.Join(parts, ",")
	if h.TimeZone == "" {
		h.TimeZone = "Europe/Paris"
	}
	if _, err := time.LoadLocation(h.TimeZone); err != nil {
		return fmt.Errorf("store: save hours: time zone %q: %w", h.TimeZone, ErrInvalid)
	}
	if h.Holidays != "fr" && h.Holidays != "none" {
		return fmt.Errorf("store: save hours: holidays %q: %w", h.Holidays, ErrInvalid)
	}
	h.UpdatedAt = time.Now().UTC()
	return db.audited(ctx, by, AuditHoursSet, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewInsert().Model(h).On("CONFLICT (academy_code) DO UPDATE").
			Set("time_zone = EXCLUDED.time_zone").Set("opens_at = EXCLUDED.opens_at").
			Set("closes_at = EXCLUDED.closes_at").Set("days = EXCLUDED.days").
			Set("holidays = EXCLUDED.holidays").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: save hours of %s: %w", by.Academy, err)
		}
		return by.Academy, fmt.Sprintf("%s–%s, jours %s, fériés %s, %s", h.Open, h.Close, h.Days, h.Holidays, h.TimeZone), nil
	})
}

// ResetHours removes by.Academy's own hours: the configuration applies.
func (db *DB) ResetHours(ctx context.Context, by Editor) error {
	return db.audited(ctx, by, AuditHoursReset, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewDelete().Model((*AcademyHours)(nil)).Where("academy_code = ?", by.Academy).Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: reset hours of %s: %w", by.Academy, err)
		}
		return by.Academy, "", nil
	})
}

// HolidaysOf lists an académie's extra closed days, in date order.
func (db *DB) HolidaysOf(ctx context.Context, academy string) ([]Holiday, error) {
	var hs []Holiday
	if err := db.NewSelect().Model(&hs).Where("academy_code = ?", academy).Order("day").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: holidays of %s: %w", academy, err)
	}
	return hs, nil
}

// AddHoliday adds (or relabels) a closed day of by.Academy; Day is
// "YYYY-MM-DD".
func (db *DB) AddHoliday(ctx context.Context, by Editor, h Holiday) error {
	h.AcademyCode = by.Academy
	h.Label = strings.TrimSpace(h.Label)
	if _, err := time.Parse(time.DateOnly, h.Day); err != nil || h.Label == "" {
		return fmt.Errorf("store: add holiday %q: date and label required: %w", h.Day, ErrInvalid)
	}
	return db.audited(ctx, by, AuditHolidayAdd, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		if _, err := tx.NewInsert().Model(&h).On("CONFLICT (academy_code, day) DO UPDATE").
			Set("label = EXCLUDED.label").Exec(ctx); err != nil {
			return "", "", fmt.Errorf("store: add holiday %s: %w", h.Day, err)
		}
		return h.Day, h.Label, nil
	})
}

// RemoveHoliday removes a closed day of by.Academy.
func (db *DB) RemoveHoliday(ctx context.Context, by Editor, day string) error {
	return db.audited(ctx, by, AuditHolidayRemove, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		res, err := tx.NewDelete().Model((*Holiday)(nil)).Where("academy_code = ?", by.Academy).
			Where("day = ?", day).Exec(ctx)
		if err != nil {
			return "", "", fmt.Errorf("store: remove holiday %s: %w", day, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "", "", fmt.Errorf("store: holiday %s: %w", day, ErrNotFound)
		}
		return day, "", nil
	})
}

// ---- Roles ----

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

// GrantRoleAudited gives a person a role in by.Academy, recorded.
func (db *DB) GrantRoleAudited(ctx context.Context, by Editor, personID int64, role string) error {
	if !validRole(role) {
		return fmt.Errorf("store: grant role %q: %w", role, ErrInvalid)
	}
	return db.audited(ctx, by, AuditRoleGrant, func(ctx context.Context, tx bun.Tx) (string, string, error) {
		name, err := personNamesTx(ctx, tx, personID)
		if err != nil {
			return "", "", err
		}
		if err := GrantRoles(ctx, tx, []RoleGrant{{PersonID: personID, AcademyCode: by.Academy, Role: role}}); err != nil {
			return "", "", err
		}
		return name, role, nil
	})
}

// RevokeRoleAudited takes a role in by.Academy away from a person,
// recorded. Supervisors cannot revoke their own supervisor role (an
// académie would otherwise risk losing its last supervisor by mistake).
func (db *DB) RevokeRoleAudited(ctx context.Context, by Editor, personID int64, role string) error {
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
