package catalogue

// layoutMessages returns the messages of the layout every page shares
// (header, skip links, side menu, language switch, footer), the home page
// and the words every form uses.
func layoutMessages() map[string][2]string {
	return map[string][2]string{
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

		// Home.
		"home.title":     {"Accueil", "Home"},
		"home.welcome":   {"Bonjour %s", "Hello %s"},
		"home.news":      {"Actualités", "News"},
		"home.news.none": {"Aucune actualité pour le moment.", "No news for now."},
		"home.news.date": {"Publié le %s", "Published on %s"},

		// Header.
		"layout.create": {"Créer un incident [Alt+N]", "Create an incident [Alt+N]"},

		// Shared form words.
		"form.required.hint":      {"Les champs marqués d'un astérisque (*) sont obligatoires.", "Fields marked with an asterisk (*) are required."},
		"form.error.summary":      {"Le formulaire comporte %d erreur(s) à corriger", "The form has %d error(s) to correct"},
		"form.error.title.prefix": {"Erreur — ", "Error — "},
		"na":                      {"N/A", "N/A"},
		"yes":                     {"Oui", "Yes"},
		"no":                      {"Non", "No"},
	}
}
