package pages

import (
	"guichet/store"
	"guichet/web/kit"
)

// The shared kit's names (package guichet/web/kit) that the pages use: the
// permission table and the application errors. They are the kit's own,
// under the names they always had in the pages' code.

// Permission names one thing a person may do in an académie (kit.Permission).
type Permission = kit.Permission

// The permissions of the table (kit/authz.go says who holds each).
const (
	PermPublic           = kit.PermPublic
	PermSignedIn         = kit.PermSignedIn
	PermTicketCreate     = kit.PermTicketCreate
	PermTicketViewOwn    = kit.PermTicketViewOwn
	PermTicketAddInfo    = kit.PermTicketAddInfo
	PermTicketCancel     = kit.PermTicketCancel
	PermTicketValidate   = kit.PermTicketValidate
	PermKnowledgeRead    = kit.PermKnowledgeRead
	PermNewsRead         = kit.PermNewsRead
	PermSearch           = kit.PermSearch
	PermQueueView        = kit.PermQueueView
	PermTicketViewAny    = kit.PermTicketViewAny
	PermTicketPickUp     = kit.PermTicketPickUp
	PermTicketAssign     = kit.PermTicketAssign
	PermTicketRequalify  = kit.PermTicketRequalify
	PermTicketReply      = kit.PermTicketReply
	PermTicketNote       = kit.PermTicketNote
	PermTicketAskInfo    = kit.PermTicketAskInfo
	PermTicketResolve    = kit.PermTicketResolve
	PermTicketDuplicate  = kit.PermTicketDuplicate
	PermCallIntake       = kit.PermCallIntake
	PermKnowledgeWrite   = kit.PermKnowledgeWrite
	PermWorkflowHistory  = kit.PermWorkflowHistory
	PermDirectorySearch  = kit.PermDirectorySearch
	PermDashboard        = kit.PermDashboard
	PermExport           = kit.PermExport
	PermNewsManage       = kit.PermNewsManage
	PermCategoriesManage = kit.PermCategoriesManage
	PermGroupsManage     = kit.PermGroupsManage
	PermRoutingManage    = kit.PermRoutingManage
	PermHoursManage      = kit.PermHoursManage
	PermRolesManage      = kit.PermRolesManage
	PermAuditRead        = kit.PermAuditRead
	PermMailboxRead      = kit.PermMailboxRead
	PermAcademySettings  = kit.PermAcademySettings
)

// PermissionRoles is THE table: the roles (granted in an académie) that give
// perm in that académie (kit.PermissionRoles).
func PermissionRoles(perm Permission) []string { return kit.PermissionRoles(perm) }

// Permissions lists every permission of the table (kit.Permissions).
func Permissions() []Permission { return kit.Permissions() }

// Allows reports whether person p, holding grants, has perm in académie
// academy (kit.Allows).
func Allows(p *store.Person, grants []store.RoleGrant, perm Permission, academy string) bool {
	return kit.Allows(p, grants, perm, academy)
}

// RouteAccess is one registered route and the permissions it declares
// (kit.RouteAccess).
type RouteAccess = kit.RouteAccess

// Error is an application error: a code, a user-safe message given as a
// catalogue key, and the logged cause (kit.Error).
type Error = kit.Error

// Application error codes (kit/errors.go maps them to HTTP statuses).
const (
	ENOTFOUND     = kit.ENOTFOUND
	EUNAUTHORIZED = kit.EUNAUTHORIZED
	EFORBIDDEN    = kit.EFORBIDDEN
	EINVALID      = kit.EINVALID
	ECONFLICT     = kit.ECONFLICT
	ETOOLARGE     = kit.ETOOLARGE
	ETOOMANY      = kit.ETOOMANY
	EINTERNAL     = kit.EINTERNAL
)

// Errorf builds an application error with a catalogue key for the message
// (kit.Errorf).
func Errorf(code, key string, args ...any) *Error { return kit.Errorf(code, key, args...) }
