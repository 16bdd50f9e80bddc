package web

import (
	"fmt"
	"maps"
	"sort"
)

// Languages of the interface. French is the default; English is offered
// through the language switch (cookie "lang").
const (
	LangFR = "fr"
	LangEN = "en"
)

// catalog holds every user-visible string of the web app, by key and
// language. Templates reach it through the T function; handlers through
// Server.i18n.T. A message may take fmt arguments.
type catalog struct {
	msgs map[string][2]string // key → [fr, en]
}

// T returns the message for key in lang, formatted with args. An unknown
// key is returned bracketed, so it shows (and a test catches it). Integer
// arguments are shown with the language's digit grouping (« 1 000 »,
// web/nombre.go): pass an identifier as a string.
func (c *catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return "[" + key + "]"
	}
	s := m[0]
	if lang == LangEN && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, groupArgs(lang, args)...)
	}
	return s
}

// Has reports whether key is in the catalogue.
func (c *catalog) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns every key, sorted.
func (c *catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// supportedLang returns lang if supported, else French.
func supportedLang(lang string) string {
	if lang == LangEN {
		return LangEN
	}
	return LangFR
}

// newCatalog builds the message catalogue. Keys are grouped by screen;
// each family of screens adds its own group here.
func newCatalog() *catalog {
	c := &catalog{msgs: map[string][2]string{
		// Whole site.
		"app.name":             {"Guichet", "Guichet"},
		"app.tagline":          {"Assistance informatique de l'%s", "IT support of the %s"},
		"app.tagline.default":  {"Assistance informatique des académies", "IT support of the académies"},
		"app.republic":         {"République<br>Française", "République<br>Française"},
		"layout.skip.content":  {"Contenu", "Content"},
		"layout.skip.menu":     {"Menu", "Menu"},
		"layout.skip.footer":   {"Pied de page", "Footer"},
		"layout.skiplinks":     {"Accès rapide", "Quick access"},
		"layout.menu":          {"Menu", "Menu"},
		"layout.close":         {"Fermer", "Close"},
		"layout.home":          {"Accueil", "Home"},
		"layout.home.title":    {"Accueil — Guichet", "Home — Guichet"},
		"layout.signout":       {"Déconnexion", "Sign out"},
		"layout.user":          {"Connecté : %s", "Signed in: %s"},
		"layout.language":      {"Langue", "Language"},
		"layout.lang.switch":   {"English", "Français"},
		"layout.lang.other":    {"en", "fr"},
		"layout.footer":        {"Plateforme d'assistance des académies — Guichet", "Académies support platform — Guichet"},
		"layout.sidemenu":      {"Menus", "Menus"},
		"layout.sidemenu.open": {"Ouvrir le menu", "Open the menu"},
		"menu.home":            {"Accueil", "Home"},
		"menu.mailbox":         {"Boîte mail (développement)", "Mailbox (development)"},

		// Sign-in.
		"login.title":         {"Connexion", "Sign in"},
		"login.heading":       {"Authentification", "Authentication"},
		"login.intro":         {"Connectez-vous avec vos identifiants de messagerie.", "Sign in with your mail credentials."},
		"login.login":         {"Identifiant", "Login"},
		"login.login.hint":    {"Identifiant de messagerie", "Mail login"},
		"login.password":      {"Mot de passe ou Passcode OTP", "Password or OTP passcode"},
		"login.password.show": {"Afficher", "Show"},
		"login.submit":        {"Valider", "Submit"},
		"login.error.title":   {"Connexion impossible", "Could not sign in"},
		"login.error.invalid": {"Identifiant ou mot de passe incorrect.", "Wrong login or password."},
		"login.error.disabled": {"Ce compte est désactivé. Contactez la plateforme d'assistance de votre académie.",
			"This account is disabled. Contact your académie's support platform."},
		"login.error.missing":  {"Saisissez votre identifiant et votre mot de passe.", "Enter your login and your password."},
		"login.error.login":    {"Saisissez votre identifiant.", "Enter your login."},
		"login.error.password": {"Saisissez votre mot de passe.", "Enter your password."},
		"login.expired":        {"Votre session a expiré. Veuillez vous reconnecter.", "Your session has expired. Please sign in again."},

		// Home.
		"home.title":     {"Accueil", "Home"},
		"home.welcome":   {"Bonjour %s", "Hello %s"},
		"home.news":      {"Actualités", "News"},
		"home.news.none": {"Aucune actualité pour le moment.", "No news for now."},
		"home.news.date": {"Publié le %s", "Published on %s"},

		// Built-in mailbox.
		"mailbox.title":       {"Boîte mail intégrée", "Built-in mailbox"},
		"mailbox.intro":       {"Les mails envoyés par Guichet sont conservés ici tant qu'aucun serveur SMTP n'est configuré (développement).", "Mails sent by Guichet are kept here while no SMTP server is configured (development)."},
		"mailbox.caption":     {"Mails envoyés, du plus récent au plus ancien", "Sent mails, newest first"},
		"mailbox.empty":       {"Aucun mail.", "No mail."},
		"mailbox.col.date":    {"Date", "Date"},
		"mailbox.col.to":      {"Destinataire", "To"},
		"mailbox.col.subject": {"Objet", "Subject"},
		"mailbox.col.ticket":  {"N° d'incident", "Ticket"},
		"mailbox.col.state":   {"État", "State"},
		"mailbox.state.sent":  {"Envoyé", "Sent"},
		"mailbox.state.kept":  {"Conservé", "Kept"},
		"mailbox.state.wait":  {"En attente", "Pending"},
		"mailbox.count":       {"%d mail(s)", "%d mail(s)"},
		"mailbox.pages":       {"Pagination", "Pagination"},
		"mailbox.prev":        {"Page précédente", "Previous page"},
		"mailbox.next":        {"Page suivante", "Next page"},
		"mailbox.page":        {"Page %d sur %d", "Page %d of %d"},
		"mail.title":          {"Mail n° %s", "Mail #%s"},
		"mail.back":           {"Retour à la boîte mail", "Back to the mailbox"},
		"mail.from":           {"De", "From"},
		"mail.to":             {"À", "To"},
		"mail.subject":        {"Objet", "Subject"},
		"mail.date":           {"Date", "Date"},
		"mail.ticket":         {"N° d'incident", "Ticket"},
		"mail.messageid":      {"Message-ID", "Message-ID"},
		"mail.text":           {"Texte du message", "Message text"},
		"mail.html":           {"Version HTML (source, non interprétée)", "HTML version (source, not rendered)"},
		"mail.raw":            {"Message complet (RFC 5322)", "Full message (RFC 5322)"},
		"mail.error":          {"Dernière erreur d'envoi", "Last sending error"},

		// Errors: titles and generic messages by code.
		"error.title.ENOTFOUND":     {"Page non trouvée", "Page not found"},
		"error.title.EUNAUTHORIZED": {"Connexion requise", "Sign-in required"},
		"error.title.EFORBIDDEN":    {"Accès refusé", "Access denied"},
		"error.title.EINVALID":      {"Demande incorrecte", "Bad request"},
		"error.title.ECONFLICT":     {"Conflit", "Conflict"},
		"error.title.ETOOLARGE":     {"Envoi trop volumineux", "Upload too large"},
		"error.title.EINTERNAL":     {"Erreur inattendue", "Unexpected error"},
		"error.ENOTFOUND":           {"La page que vous cherchez est introuvable. Vérifiez l'adresse ou revenez à l'accueil.", "The page you are looking for cannot be found. Check the address or go back home."},
		"error.EUNAUTHORIZED":       {"Vous devez vous connecter pour accéder à cette page.", "You must sign in to see this page."},
		"error.EFORBIDDEN":          {"Vous n'avez pas les droits nécessaires pour accéder à cette page.", "You do not have the rights to see this page."},
		"error.EINVALID":            {"La demande envoyée est incorrecte.", "The request is not valid."},
		"error.ECONFLICT":           {"L'opération est en conflit avec une modification récente. Rechargez la page.", "The operation conflicts with a recent change. Reload the page."},
		"error.ETOOLARGE":           {"L'envoi dépasse la taille maximale autorisée (%s).", "The upload is larger than allowed (%s)."},
		"error.EINTERNAL":           {"Une erreur inattendue s'est produite. Réessayez dans quelques instants ; si le problème persiste, contactez la plateforme d'assistance.", "An unexpected error occurred. Try again in a moment; if it persists, contact the support platform."},
		"error.csrf":                {"Le formulaire a expiré ou ne provient pas de Guichet. Rechargez la page et recommencez.", "The form has expired or does not come from Guichet. Reload the page and try again."},
		"error.code":                {"Erreur %d", "Error %d"},
		"error.back":                {"Revenir à l'accueil", "Back to home"},
	}}
	// Each screen area's messages (web/i18n_<area>.go), one line each.
	for _, m := range []map[string][2]string{
		messagesIdentity(),
		messagesRequester(),
		messagesRequesterLists(),
		messagesSupport(),
		messagesAdmin(),
		messagesMailbox(),
		messagesKB(),
		messagesAPI(),
		messagesPolish(),
		messagesPerf(),
		messagesSpool(),
	} {
		maps.Copy(c.msgs, m)
	}
	return c
}
