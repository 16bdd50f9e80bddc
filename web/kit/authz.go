package kit

// Authorization: the ONE table of who may do what.
//
// How the web server (package guichet/web, access.go) applies it:
//
//   - Protect each route with exactly one s.require(Perm…) call written
//     INSIDE the s.get / s.post call, in the handler list:
//
//     s.get("/file", s.require(PermQueueView), s.queueList)
//     s.post("/incidents/:number/prise", s.require(PermSignedIn), s.pickUp)
//     s.get("/healthz", s.require(PermPublic), s.healthz)
//
//     s.require also does what requireAuth did (a signed-out visitor is sent
//     to the sign-in page, API/htmx callers get a 401), so no separate
//     s.requireAuth is needed. s.get / s.post record the permission of the
//     route as it is registered (TestEveryRouteFollowsThePermissionTable
//     walks app.GetRoutes() and FAILS on a route that declares none). Do not
//     build a require handler ahead of time and reuse it on several routes:
//     the declaration is consumed by the next s.get / s.post.
//
//   - The académie a permission is checked in is s.academyOf(c): the route
//     parameter :academie, else the query parameter ?academie=, else the
//     signed-in person's home académie. Handlers must read the académie they
//     act on with s.academyOf(c) too, so the check and the query agree.
//
//   - Where the académie is only known after loading something (a ticket's
//     académie, /incidents/:number), declare PermSignedIn on the route and
//     check in the handler, before showing anything:
//
//     ok, err := s.can(c, PermTicketViewAny, t.AcademyCode)
//
//     and answer &kit.Error{Code: kit.ENOTFOUND} (or EFORBIDDEN) when it is
//     false.
//     Requesters' visibility (own tickets, filed for them, non-private of
//     their entity) is a query filter, on top of PermTicketViewOwn.
//
//   - Menus: show an entry only when s.can(c, perm, academy) is true.
//
// A global administrator (store.Person.GlobalAdmin) holds every permission in
// every académie. Nobody else sees another académie's data.

import (
	"fmt"
	"strings"

	"guichet/store"
)

// Permission names one thing a person may do in an académie.
type Permission string

// Pseudo-permissions: routes that need no role.
const (
	// PermPublic: anyone, signed in or not (health, static files, sign-in).
	PermPublic Permission = "public"
	// PermSignedIn: any signed-in person; the handler checks finer rights
	// once it knows the académie concerned (e.g. a ticket's).
	PermSignedIn Permission = "signed-in"
)

// Requester permissions (any staff member of the académie).
const (
	PermTicketCreate   Permission = "ticket.create"   // create an incident for oneself or a colleague
	PermTicketViewOwn  Permission = "ticket.view-own" // own tickets, filed for them, entity's non-private ones
	PermTicketAddInfo  Permission = "ticket.add-info" // add information to one's ticket
	PermTicketCancel   Permission = "ticket.cancel"   // cancel one's ticket
	PermTicketValidate Permission = "ticket.validate" // accept / refuse a resolution, with ratings
	PermKnowledgeRead  Permission = "knowledge.read"  // read the knowledge base
	PermNewsRead       Permission = "news.read"       // read the published news (home page)
	PermSearch         Permission = "search"          // global search (results still filtered)
)

// Technician permissions (support platform and level-2 teams).
const (
	PermQueueView       Permission = "queue.view"         // the académie's queue, Mes tickets
	PermTicketViewAny   Permission = "ticket.view-any"    // any ticket of the académie, internal notes
	PermTicketPickUp    Permission = "ticket.pick-up"     // take a ticket (also bulk)
	PermTicketAssign    Permission = "ticket.assign"      // assign to a person or a group
	PermTicketRequalify Permission = "ticket.requalify"   // change urgency / impact with a reason
	PermTicketReply     Permission = "ticket.reply"       // public reply
	PermTicketNote      Permission = "ticket.note"        // internal note
	PermTicketAskInfo   Permission = "ticket.ask-info"    // ask the requester a question
	PermTicketResolve   Permission = "ticket.resolve"     // resolve (solution or article)
	PermTicketDuplicate Permission = "ticket.duplicate"   // mark a duplicate
	PermCallIntake      Permission = "ticket.call-intake" // prise d'appel: create for a caller
	PermKnowledgeWrite  Permission = "knowledge.write"    // write / turn a solution into an article
	PermWorkflowHistory Permission = "workflow.history"   // link to the workflow in Temporal Web UI
	PermDirectorySearch Permission = "directory.search"   // search the whole académie directory
)

// Supervisor permissions (platform lead, DSI).
const (
	PermDashboard        Permission = "pilotage.dashboard" // dashboard
	PermExport           Permission = "pilotage.export"    // CSV export of tickets
	PermNewsManage       Permission = "manage.news"        // Actualités
	PermCategoriesManage Permission = "manage.categories"  // category tree
	PermGroupsManage     Permission = "manage.groups"      // groups and members
	PermRoutingManage    Permission = "manage.routing"     // routing rules category → group
	PermHoursManage      Permission = "manage.hours"       // opening hours and holidays
	PermRolesManage      Permission = "manage.roles"       // grant / revoke roles
	PermAuditRead        Permission = "manage.audit"       // read the management journal
	PermMailboxRead      Permission = "tools.mailbox"      // built-in mailbox (dev / no SMTP relay)
)

// Administrator permissions.
const (
	PermAcademySettings Permission = "admin.academy" // académie settings (name, logo, authentication)
)

// PermissionRoles is THE table: the roles (granted in an académie) that give
// perm in that académie. A global administrator has every permission
// everywhere; PermPublic and PermSignedIn need no role (nil). An unknown
// permission is given to nobody but global administrators.
func PermissionRoles(perm Permission) []string {
	switch perm {
	case PermPublic, PermSignedIn:
		return nil

	// requester: create, follow, add information, cancel, validate. The
	// support staff hold these too: a technician files tickets for
	// themselves without a separate grant.
	case PermTicketCreate, PermTicketViewOwn, PermTicketAddInfo, PermTicketCancel,
		PermTicketValidate, PermKnowledgeRead, PermNewsRead, PermSearch:
		return []string{store.RoleRequester, store.RoleTechnician, store.RoleSupervisor}

	// technician (and supervisor): the queue and every workflow action.
	case PermQueueView, PermTicketViewAny, PermTicketPickUp, PermTicketAssign,
		PermTicketRequalify, PermTicketReply, PermTicketNote, PermTicketAskInfo,
		PermTicketResolve, PermTicketDuplicate, PermCallIntake, PermKnowledgeWrite,
		PermWorkflowHistory, PermDirectorySearch:
		return []string{store.RoleTechnician, store.RoleSupervisor}

	// supervisor: pilotage and the management screens.
	case PermDashboard, PermExport, PermNewsManage, PermCategoriesManage,
		PermGroupsManage, PermRoutingManage, PermHoursManage, PermAuditRead:
		return []string{store.RoleSupervisor}

	// supervisor and administrator: people's roles, the built-in mailbox.
	case PermRolesManage, PermMailboxRead:
		return []string{store.RoleSupervisor, store.RoleAdministrator}

	// administrator: académie settings.
	case PermAcademySettings:
		return []string{store.RoleAdministrator}
	}
	return nil
}

// Permissions lists every permission of the table (pseudo-permissions
// first), for tests and documentation.
func Permissions() []Permission {
	return []Permission{
		PermPublic, PermSignedIn,
		PermTicketCreate, PermTicketViewOwn, PermTicketAddInfo, PermTicketCancel, PermTicketValidate,
		PermKnowledgeRead, PermNewsRead, PermSearch,
		PermQueueView, PermTicketViewAny, PermTicketPickUp, PermTicketAssign, PermTicketRequalify,
		PermTicketReply, PermTicketNote, PermTicketAskInfo, PermTicketResolve, PermTicketDuplicate,
		PermCallIntake, PermKnowledgeWrite, PermWorkflowHistory, PermDirectorySearch,
		PermDashboard, PermExport, PermNewsManage, PermCategoriesManage, PermGroupsManage,
		PermRoutingManage, PermHoursManage, PermRolesManage, PermAuditRead, PermMailboxRead,
		PermAcademySettings,
	}
}

// Allows reports whether person p, holding grants, has perm in académie
// academy. It is the pure form of the web server's
// permission check (web/pages/access.go). A nil person has only
// PermPublic.
func Allows(p *store.Person, grants []store.RoleGrant, perm Permission, academy string) bool {
	switch {
	case perm == PermPublic:
		return true
	case p == nil:
		return false
	case perm == PermSignedIn, p.GlobalAdmin:
		return true
	case academy == "":
		return false
	}
	for _, role := range PermissionRoles(perm) {
		if store.HasRole(grants, academy, role) {
			return true
		}
	}
	return false
}

// RouteAccess is one registered route and the permissions it declares.
type RouteAccess struct {
	Method, Path string
	// Perms are all required; empty means the route declares nothing (a
	// bug the route test reports).
	Perms []Permission
	// Declared is false for routes registered without s.get / s.post.
	Declared bool
}

// String renders a route's access for test messages: "GET /path [perm…]".
func (r RouteAccess) String() string {
	ps := make([]string, len(r.Perms))
	for i, p := range r.Perms {
		ps[i] = string(p)
	}
	return fmt.Sprintf("%s %s [%s]", r.Method, r.Path, strings.Join(ps, " "))
}
