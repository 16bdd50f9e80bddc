package web

// messagesPolish holds the messages of the finishing touches: resolving
// from a knowledge-base article, Transformer en article, and the language
// of mails on Mon compte.
func messagesPolish() map[string][2]string {
	return map[string][2]string{
		"support.resolve.search":          {"Chercher un article", "Search for an article"},
		"support.resolve.search.hint":     {"Quelques mots du problème ; la liste ci-dessous se met à jour.", "A few words of the problem; the list below updates."},
		"support.resolve.search.none":     {"Aucun article publié ne correspond à cette recherche.", "No published article matches this search."},
		"support.resolve.article.hint":    {"Articles publiés que le demandeur peut lire. Le texte de l'article complète la solution.", "Published articles the requester may read. The article's text completes the solution."},
		"support.resolve.article.none":    {"— Aucun article —", "— No article —"},
		"support.resolve.article.unknown": {"Cet article n'existe pas, n'est pas publié ou le demandeur ne peut pas le lire.", "This article does not exist, is not published or the requester cannot read it."},
		"support.resolve.refill":          {"Reprendre le texte de l'article dans la solution", "Copy the article's text into the solution"},
		"support.resolve.fromarticle":     {"%s\n\n%s\n\nArticle de la base de connaissances : %s", "%s\n\n%s\n\nKnowledge-base article: %s"},
		"support.toarticle":               {"Transformer en article", "Turn into an article"},

		"account.lang.title":  {"Langue des courriels", "Language of mails"},
		"account.lang.legend": {"Les courriels de Guichet vous sont envoyés en :", "Guichet's mails are sent to you in:"},
		"account.lang.fr":     {"Français", "Français"},
		"account.lang.en":     {"English", "English"},
		"account.lang.save":   {"Enregistrer la langue", "Save the language"},
		"account.lang.done":   {"La langue de vos courriels est enregistrée.", "The language of your mails is saved."},
		"account.lang.bad":    {"Choisissez Français ou English.", "Choose Français or English."},
	}
}
