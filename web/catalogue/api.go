package catalogue

// apiMessages returns the messages of the REST API's JSON errors
// (web/api/).
func apiMessages() map[string][2]string {
	return map[string][2]string{
		// API errors.
		"api.message":                   {"%s", "%s"},
		"api.error.token.missing":       {"Authentification requise : envoyez un jeton d'API dans l'en-tête « Authorization: Bearer … ».", "Authentication required: send an API token in the \"Authorization: Bearer …\" header."},
		"api.error.token.invalid":       {"Jeton d'API inconnu ou révoqué.", "Unknown or revoked API token."},
		"api.error.token.expired":       {"Ce jeton d'API a expiré : créez-en un nouveau.", "This API token has expired: create a new one."},
		"api.error.token.scope":         {"Ce jeton d'API ne permet que la lecture.", "This API token is read-only."},
		"api.error.attachment.notfound": {"Document introuvable.", "Document not found."},
		"api.error.ratelimited":         {"Trop de requêtes avec ce jeton d'API (%d par minute au plus) : réessayez dans %d seconde(s).", "Too many requests with this API token (%d per minute at most): try again in %d second(s)."},
		"api.error.forbidden.action":    {"Vous n'avez pas le droit d'effectuer cette action sur ce ticket.", "You may not perform this action on this ticket."},
		"api.error.action":              {"Action inconnue : « %s ».", "Unknown action: \"%s\"."},
		"api.error.query":               {"Paramètre « %s » invalide.", "Invalid parameter \"%s\"."},
		"api.error.json":                {"Corps JSON invalide : %s", "Invalid JSON body: %s"},
		"api.error.multipart":           {"Corps multipart invalide.", "Invalid multipart body."},
		"api.error.mediatype":           {"Envoyez du JSON (application/json) ou un formulaire multipart (multipart/form-data).", "Send JSON (application/json) or a multipart form (multipart/form-data)."},
		"api.error.required":            {"Le champ « %s » est obligatoire.", "The field \"%s\" is required."},
		"api.error.fileids":             {"Document inconnu : envoyez d'abord le fichier avec POST /api/v1/files, avec le même jeton.", "Unknown document: upload the file first with POST /api/v1/files, with the same token."},
		"api.error.idempotency":         {"En-tête « Idempotency-Key » invalide : de 1 à %d caractères ASCII imprimables, sans espace.", "Invalid \"Idempotency-Key\" header: 1 to %d printable ASCII characters, no spaces."},
		"api.error.nofiles":             {"Cette action n'accepte pas de documents.", "This action takes no documents."},
		"api.error.busy":                {"Le service est momentanément indisponible : réessayez dans quelques secondes.", "The service is unavailable right now: try again in a few seconds."},
		"api.error.unavailable":         {"La création de tickets est momentanément indisponible.", "Ticket creation is unavailable right now."},
	}
}
