package pages

import (
	"github.com/gofiber/fiber/v2"
)

// Routes registers the pages' routes, top to bottom in the order Fiber
// matches them: the spooled-submission page and the middleware keeping a
// submission through a database outage (both ahead of the session
// middleware, which needs the database), the session and CSRF middleware,
// then the pages, area by area. Each line gives the URL, the permission
// checked in the académie acted on (web/kit/authz.go) and the handler. The
// server (package guichet/web) calls it after the REST API's routes and
// before its 404 page; ../testdata/routes.txt holds the resulting list
// (TestRoutesMatchTheCheckedInList): the order matters, so change it only
// on purpose.
func (s *Pages) Routes() {
	app := s.app

	// Database outages during a submission (spool.go), ahead of the session
	// middleware, which needs the database: the confirmation of a spooled
	// submission, and the middleware that turns an outage during a
	// submission into a page keeping what was typed.
	s.get("/depot/:id", s.require(PermPublic), s.spooledShow)
	app.Use(s.keepSubmissions)

	// Everything below knows the session and refuses forged unsafe requests.
	app.Use(s.loadSession, s.checkCSRF)

	// Language switch, sign-in and sign-out.
	s.get("/langue/:lang", s.require(PermPublic), s.languageSwitch)
	s.get("/connexion", s.require(PermPublic), s.loginShow)
	s.post("/connexion", s.require(PermPublic), s.loginSubmit)
	s.post("/deconnexion", s.require(PermSignedIn), s.logout)

	// Home: news of the person's académie.
	s.get("/", s.require(PermSignedIn), s.home)

	// Developer tools: the built-in mailbox of the embedded default, its
	// sandboxed HTML preview, and its JSON (dev mode only).
	s.get("/outils/boite-mail", s.require(PermMailboxRead), s.requireMailbox, s.mailboxList)
	s.get("/outils/boite-mail/:id<int>", s.require(PermMailboxRead), s.requireMailbox, s.mailboxShow)
	s.get("/outils/boite-mail/:id<int>/apercu", s.require(PermMailboxRead), s.requireMailbox, s.mailboxPreview)
	s.get("/dev/mailbox.json", s.require(PermMailboxRead), s.requireDevTools, s.mailboxJSON)

	// Requester's lists (Suivi des incidents, Incidents de mon entité,
	// Validations), the Actions menu and the cancellation of selected
	// tickets, the validation form, favourites, the header counters and the
	// header's search box. They come before any route with /incidents/:number,
	// so /incidents/entite, /incidents/actions and /incidents/annulation are
	// not taken for numbers.
	s.get("/incidents", s.require(PermTicketViewOwn), s.incidentsList)
	s.get("/incidents/entite", s.require(PermTicketViewOwn), s.entityList)
	s.get("/incidents/actions", s.require(PermTicketViewOwn), s.incidentsAction)
	s.get("/incidents/annulation", s.require(PermTicketCancel), s.bulkCancelConfirm)
	s.post("/incidents/annulation", s.require(PermTicketCancel), s.bulkCancelSubmit)
	s.post("/incidents/:number/favori", s.require(PermTicketViewOwn), s.favouriteToggle)
	s.get("/validations", s.require(PermTicketValidate), s.validationsList)
	s.get("/validations/:number", s.require(PermTicketValidate), s.validationShow)
	s.post("/validations/:number", s.require(PermTicketValidate), s.validationSubmit)
	s.get("/compteurs", s.require(PermSignedIn), s.counters)
	s.get("/aller", s.require(PermSearch), s.globalSearch)

	// Support desk: the académie's queue (with its bulk actions and the
	// polled follow-up cell of each row), Mes tickets, and the ticket
	// workspace with one POST per workflow action. Routes carry the
	// permission checked in the person's académie; handlers check it again
	// in the ticket's académie (another académie's ticket is a 404).
	s.get("/support/file", s.require(PermQueueView), s.supportQueue)
	s.post("/support/file", s.require(PermQueueView), s.supportQueueBulk)
	s.get("/support/file/suivi/:number", s.require(PermQueueView), s.supportQueueCell)
	s.get("/support/mes-tickets", s.require(PermQueueView), s.supportMine)
	s.get("/support/incidents/:number", s.require(PermQueueView), s.supportTicket)
	s.get("/support/incidents/:number/documents/:id<int>", s.require(PermQueueView), s.supportDocument)
	// htmx fragments of the resolve form (support_resolve_article.go).
	s.get("/support/incidents/:number/resolution/articles", s.require(PermQueueView), s.supportResolveFragment("articles"))
	s.get("/support/incidents/:number/resolution/solution", s.require(PermQueueView), s.supportResolveFragment("solution"))
	// POST /support/incidents/:number/prendre, affecter, requalifier,
	// repondre, noter, questionner, resoudre, doublon (support_ticket_show.go).
	for _, a := range []string{sactPickUp, sactAssign, sactRequalify, sactReply, sactNote, sactAsk, sactResolve, sactDuplicate} {
		s.post("/support/incidents/:number/"+a, s.require(PermQueueView), s.supportActionHandler(a))
	}

	// Requester's journey: the new-incident form (and the technician's
	// Prise d'appel on the same code), the directory search, the
	// confirmation, the ticket page, its documents, and the actions Mise à
	// jour de l'incident and Annuler.
	s.get("/incidents/nouveau", s.require(PermTicketCreate), s.incidentNew)
	s.post("/incidents/nouveau", s.require(PermTicketCreate), s.incidentCreate)
	s.get("/incidents/nouveau/materiel", s.require(PermTicketCreate), s.incidentAsset)
	s.get("/annuaire/recherche", s.require(PermTicketCreate), s.directorySearch)
	s.get("/prise-appel", s.require(PermCallIntake), s.callNew)
	s.post("/prise-appel", s.require(PermCallIntake), s.callCreate)
	// The ticket's académie is known once it is loaded: the handlers check
	// visibility (store.Viewer) and the permission in that académie.
	s.get("/incidents/:number/confirmation", s.require(PermSignedIn), s.incidentCreated)
	s.get("/incidents/:number/documents/:id<int>", s.require(PermSignedIn), s.ticketDocument)
	s.get("/incidents/:number/informations", s.require(PermSignedIn), s.addInfoShow)
	s.post("/incidents/:number/informations", s.require(PermSignedIn), s.addInfoSubmit)
	s.get("/incidents/:number/annulation", s.require(PermSignedIn), s.ticketCancelShow)
	s.post("/incidents/:number/annulation", s.require(PermSignedIn), s.ticketCancelSubmit)
	s.get("/incidents/:number", s.require(PermSignedIn), s.ticketShow)

	// Knowledge base (read by everyone, written by support) and the
	// full-text search. Fixed paths come before /:id.
	s.get("/base-de-connaissances", s.require(PermKnowledgeRead), s.kbList)
	// htmx fragment of the new-incident form (kb_suggestions.go).
	s.get("/base-de-connaissances/suggestions", s.require(PermKnowledgeRead), s.kbSuggestions)
	s.get("/base-de-connaissances/nouvel-article", s.require(PermKnowledgeWrite), s.kbNew)
	s.post("/base-de-connaissances/depuis-incident", s.require(PermKnowledgeWrite), s.kbFromTicket)
	s.post("/base-de-connaissances", s.require(PermKnowledgeWrite), s.kbCreate)
	s.get("/base-de-connaissances/:id<int>", s.require(PermKnowledgeRead), s.kbShow)
	// The handlers also check that the person supports the article's
	// académie (Viewer.CanEditArticle).
	s.get("/base-de-connaissances/:id<int>/modifier", s.require(PermKnowledgeWrite), s.kbEdit)
	s.post("/base-de-connaissances/:id<int>", s.require(PermKnowledgeWrite), s.kbUpdate)
	// Problems solved without a ticket (kb_self_solved.go).
	s.post("/base-de-connaissances/:id<int>/resolu", s.require(PermKnowledgeRead), s.kbSolvedWithoutTicket)
	s.post("/incidents/nouveau/abandon", s.require(PermTicketCreate), s.incidentAbandon)
	s.get("/recherche", s.require(PermSearch), s.search)

	// Integration: a person's API tokens, and the administrators'
	// application tokens and webhooks.
	s.get("/compte/jetons", s.require(PermSignedIn), s.tokensPage)
	s.post("/compte/jetons", s.require(PermSignedIn), s.tokensCreate)
	s.post("/compte/jetons/:id<int>/revoquer", s.require(PermSignedIn), s.tokensRevoke)
	s.get("/admin/webhooks", s.require(PermAcademySettings), s.webhooksPage)
	s.post("/admin/webhooks", s.require(PermAcademySettings), s.webhooksCreate)
	s.post("/admin/webhooks/:id<int>/supprimer", s.require(PermAcademySettings), s.webhooksDelete)
	s.post("/admin/jetons", s.require(PermAcademySettings), s.appTokensCreate)
	s.post("/admin/jetons/:id<int>/revoquer", s.require(PermAcademySettings), s.appTokensRevoke)

	// Identity: the second sign-in step (TOTP), Mon compte, and the
	// administrators' directory page.
	s.get("/connexion/otp", s.require(PermPublic), s.loginOTPShow)
	s.get("/connexion/otp/qr.png", s.require(PermPublic), s.loginOTPQR)
	s.post("/connexion/otp", s.require(PermPublic), s.loginOTPSubmit)
	s.get("/compte", s.require(PermSignedIn), s.accountShow)
	s.get("/compte/otp/qr.png", s.require(PermSignedIn), s.accountTOTPQR)
	s.post("/compte/otp/commencer", s.require(PermSignedIn), s.accountTOTPBegin)
	s.post("/compte/otp/confirmer", s.require(PermSignedIn), s.accountTOTPConfirm)
	s.post("/compte/otp/supprimer", s.require(PermSignedIn), s.accountTOTPRemove)
	s.post("/compte/deconnexion-partout", s.require(PermSignedIn), s.accountSignOutEverywhere)
	s.post("/compte/langue", s.require(PermSignedIn), s.accountLang)
	s.get("/admin/annuaire", s.require(PermAcademySettings), s.adminDirectory)
	s.post("/admin/annuaire/import", s.require(PermAcademySettings), s.adminDirectoryImport)
	s.post("/admin/annuaire/synchroniser", s.require(PermAcademySettings), s.adminDirectorySync)

	// Supervision (pilotage.go and pilotage_*.go): the dashboard, the CSV
	// export and the management screens. Each acts on s.academyOf(c).
	s.get("/pilotage", s.require(PermDashboard), s.pilotageDashboard)
	s.get("/pilotage/export.csv", s.require(PermExport), s.pilotageExport)

	s.get("/pilotage/actualites", s.require(PermNewsManage), s.newsList)
	s.get("/pilotage/actualites/nouvelle", s.require(PermNewsManage), s.newsNew)
	s.post("/pilotage/actualites", s.require(PermNewsManage), s.newsCreate)
	s.get("/pilotage/actualites/:id<int>", s.require(PermNewsManage), s.newsEdit)
	s.post("/pilotage/actualites/:id<int>", s.require(PermNewsManage), s.newsUpdate)
	s.post("/pilotage/actualites/:id<int>/publier", s.require(PermNewsManage), s.newsPublish)
	s.post("/pilotage/actualites/:id<int>/retirer", s.require(PermNewsManage), s.newsExpire)
	s.post("/pilotage/actualites/:id<int>/supprimer", s.require(PermNewsManage), s.newsDelete)

	s.get("/pilotage/categories", s.require(PermCategoriesManage), s.categoriesShow)
	s.post("/pilotage/categories", s.require(PermCategoriesManage), s.categoryAdd)
	s.post("/pilotage/categories/:id<int>/renommer", s.require(PermCategoriesManage), s.categoryRename)
	s.post("/pilotage/categories/:id<int>/deplacer", s.require(PermCategoriesManage), s.categoryMove)
	s.post("/pilotage/categories/:id<int>/supprimer", s.require(PermCategoriesManage), s.categoryDelete)

	s.get("/pilotage/routage", s.require(PermRoutingManage), s.routingShow)
	s.post("/pilotage/routage", s.require(PermRoutingManage), s.routingSave)

	s.get("/pilotage/groupes", s.require(PermGroupsManage), s.groupsShow)
	s.post("/pilotage/groupes", s.require(PermGroupsManage), s.groupAdd)
	s.post("/pilotage/groupes/:id<int>", s.require(PermGroupsManage), s.groupUpdate)
	s.post("/pilotage/groupes/:id<int>/membres", s.require(PermGroupsManage), s.groupMemberAdd)
	s.post("/pilotage/groupes/:id<int>/membres/:person<int>/retirer", s.require(PermGroupsManage), s.groupMemberRemove)
	s.post("/pilotage/groupes/:id<int>/membres/:person<int>/disponibilite", s.require(PermGroupsManage), s.groupMemberAvailability)

	s.get("/pilotage/horaires", s.require(PermHoursManage), s.hoursShow)
	s.post("/pilotage/horaires", s.require(PermHoursManage), s.hoursSave)
	s.post("/pilotage/horaires/reinitialiser", s.require(PermHoursManage), s.hoursReset)
	s.post("/pilotage/horaires/fermetures", s.require(PermHoursManage), s.holidayAdd)
	s.post("/pilotage/horaires/fermetures/:day/supprimer", s.require(PermHoursManage), s.holidayRemove)

	s.get("/pilotage/roles", s.require(PermRolesManage), s.rolesShow)
	s.post("/pilotage/roles/attribuer", s.require(PermRolesManage), s.roleGrant)
	s.post("/pilotage/roles/retirer", s.require(PermRolesManage), s.roleRevoke)

	s.get("/pilotage/journal", s.require(PermAuditRead), s.journalShow)

}

// get registers a GET (and HEAD) route, named by its path in metrics.
func (s *Pages) get(path string, handlers ...fiber.Handler) {
	s.declare(path, fiber.MethodGet, fiber.MethodHead)
	s.app.Get(path, append([]fiber.Handler{routeName(path)}, handlers...)...)
}

// post registers a POST route, named by its path in metrics.
func (s *Pages) post(path string, handlers ...fiber.Handler) {
	s.declare(path, fiber.MethodPost)
	s.app.Post(path, append([]fiber.Handler{routeName(path)}, handlers...)...)
}

// routeName records the matched route's pattern for metrics and logs (raw
// paths would make unbounded label values).
func routeName(path string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, path)
		return c.Next()
	}
}
