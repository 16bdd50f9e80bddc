package catalogue

// errorMessages returns the messages of the error pages: the title and the
// generic message of each error code (web/kit/errors.go), and the CSRF refusal.
func errorMessages() map[string][2]string {
	return map[string][2]string{
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

		// Too many requests (a token over the API rate limit).
		"error.title.ETOOMANY": {"Trop de requêtes", "Too many requests"},
		"error.ETOOMANY":       {"Trop de requêtes : réessayez dans quelques instants.", "Too many requests: try again in a moment."},
	}
}
