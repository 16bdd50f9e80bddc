package catalogue

// incidentMessages returns the messages of the new-incident form and the
// technicians' Prise d'appel on the same code, the directory search, the
// confirmation, and the pages shown when a submission meets a database
// outage.
func incidentMessages() map[string][2]string {
	return map[string][2]string{
		// Menu and header.
		"menu.incident.new": {"Nouvel incident", "New incident"},
		"menu.call":         {"Prise d'appel", "Call intake"},

		// New-incident form.
		"incident.title":              {"Nouvel incident", "New incident"},
		"call.title":                  {"Prise d'appel", "Call intake"},
		"call.caller":                 {"Appelant", "Caller"},
		"call.caller.none":            {"Aucun appelant choisi : recherchez-le dans l'annuaire.", "No caller chosen: find them in the directory."},
		"call.search":                 {"Rechercher l'appelant dans l'annuaire", "Find the caller in the directory"},
		"incident.identity":           {"Carte d'identité du ticket", "Ticket identity card"},
		"incident.thirdparty":         {"Demande pour une tierce personne", "Request for someone else"},
		"incident.thirdparty.hint":    {"Saisissez le nom (et éventuellement le prénom) de la personne dans l'annuaire de l'académie, personnels des établissements compris.", "Type the person's last name (and first name) to search the académie's directory, school staff included."},
		"incident.search.button":      {"Rechercher", "Search"},
		"incident.phone.hint":         {"Il est conseillé d'indiquer un numéro de téléphone.", "Giving a phone number is recommended."},
		"incident.availability.hint":  {"Jours et heures où vous êtes joignable, par exemple « du lundi au vendredi, 9 h – 17 h ».", "Days and hours you can be reached."},
		"incident.request":            {"Votre demande", "Your request"},
		"incident.subject.hint":       {"Obligatoire : sélectionnez le thème qui se rapporte à votre demande.", "Required: choose the theme of your request."},
		"incident.subject.choose":     {"— Sélectionnez un thème —", "— Choose a theme —"},
		"incident.urgency.hint":       {"L'urgence peut être requalifiée par la plateforme.", "The platform may requalify the urgency."},
		"incident.private.hint":       {"Un incident privé n'est visible que de vous, du bénéficiaire et de la plateforme. Sinon vos collègues de la même entité le voient, et ne signalent pas deux fois la même panne.", "A private incident is seen only by you, the beneficiary and support. Otherwise colleagues of the same entity see it and do not report the same failure twice."},
		"incident.description.hint":   {"Décrivez le problème en détail : ce que vous faisiez, le message affiché, ce que vous avez déjà essayé.", "Describe the problem in detail: what you were doing, the message shown, what you already tried."},
		"incident.equipment":          {"Matériel concerné", "Equipment"},
		"incident.equipment.hint":     {"Facultatif.", "Optional."},
		"incident.asset":              {"Matériel connu du bénéficiaire", "Beneficiary's known equipment"},
		"incident.asset.none":         {"— Autre matériel (saisie libre) —", "— Other equipment (free text) —"},
		"incident.asset.fill":         {"Remplir avec ce matériel", "Fill with this equipment"},
		"incident.documents.add":      {"Joindre des documents", "Attach documents"},
		"incident.documents.hint":     {"Plusieurs fichiers possibles ; %s au plus par fichier, %s au plus en tout.", "Several files allowed; at most %s a file, %s in all."},
		"incident.drafts.kept":        {"Documents déjà joints (décochez pour retirer) :", "Documents already attached (untick to remove):"},
		"incident.send":               {"Envoyer", "Send"},
		"incident.cancel":             {"Annuler", "Cancel"},
		"incident.error.beneficiary":  {"Choisissez le bénéficiaire dans l'annuaire.", "Choose the beneficiary in the directory."},
		"incident.error.caller":       {"Choisissez l'appelant dans l'annuaire.", "Choose the caller in the directory."},
		"incident.error.search.empty": {"Saisissez un nom à rechercher.", "Type a name to search for."},
		"incident.error.category":     {"Sélectionnez l'objet de la demande.", "Choose the subject of the request."},
		"incident.error.urgency":      {"Choisissez une urgence : 1 - Haute, 2 - Moyenne ou 3 - Faible.", "Choose an urgency: 1 - High, 2 - Medium or 3 - Low."},
		"incident.error.description":  {"Décrivez le problème rencontré.", "Describe the problem."},
		"incident.error.toolong":      {"Ce texte est trop long (%d caractères au plus).", "This text is too long (%d characters at most)."},
		"incident.error.file.size":    {"Le fichier « %s » n'a pas été joint : il dépasse la taille maximale de %s par fichier.", "File “%s” was not attached: it is larger than %s, the limit per file."},
		"incident.error.file.total":   {"Le fichier « %s » n'a pas été joint : l'ensemble des documents dépasserait la taille maximale de %s par ticket.", "File “%s” was not attached: the documents would exceed %s, the limit per ticket."},
		"incident.error.file.empty":   {"Le fichier « %s » est vide.", "File “%s” is empty."},
		"incident.error.unavailable":  {"La création d'incident est momentanément indisponible. Votre saisie est conservée : réessayez dans quelques instants.", "Creating incidents is unavailable right now. What you typed is kept: try again in a moment."},

		// Directory search (beneficiary, caller).
		"directory.caption":   {"Résultats de la recherche dans l'annuaire", "Directory search results"},
		"directory.lastname":  {"Nom", "Last name"},
		"directory.firstname": {"Prénom", "First name"},
		"directory.choose":    {"Choisir", "Choose"},
		"directory.none":      {"Personne ne correspond à « %s » dans l'annuaire.", "Nobody matches “%s” in the directory."},

		// Confirmation.
		"created.title":   {"Demande envoyée", "Request sent"},
		"created.sent":    {"Votre demande a été envoyée.", "Your request has been sent."},
		"created.number":  {"La fiche a été enregistrée sous le numéro", "The record was saved under number"},
		"created.see":     {"Pour voir la fiche,", "To see the record,"},
		"created.here":    {"cliquer ici", "click here"},
		"created.another": {"Créer un autre incident", "Create another incident"},

		// Database outages (spool.go): a spooled submission's confirmation and
		// the page keeping what was typed.
		"spool.received.title":     {"Demande reçue", "Request received"},
		"spool.received.message":   {"Votre demande a bien été reçue. Le service est momentanément ralenti : elle sera enregistrée dans quelques instants et vous recevrez son numéro par mail.", "Your request was received. The service is slow right now: it will be recorded in a few moments and you will receive its number by mail."},
		"spool.received.reference": {"Référence du dépôt :", "Submission reference:"},
		"spool.kept.title":         {"Service momentanément indisponible", "Service unavailable for a moment"},
		"spool.kept.message":       {"Le service est momentanément indisponible. Votre saisie est conservée ci-dessous : renvoyez-la dans quelques instants.", "The service is unavailable for a moment. What you typed is kept below: send it again in a few moments."},
		"spool.kept.files":         {"Les documents joints n'ont pas pu être conservés : joignez-les de nouveau avant de renvoyer.", "The attached documents could not be kept: attach them again before sending."},
		"spool.kept.send":          {"Renvoyer", "Send again"},
		"spool.field.phone":        {"Téléphone", "Phone"},
		"spool.field.otherphone":   {"Autre téléphone", "Other phone"},
		"spool.field.availability": {"Disponibilité", "Availability"},
		"spool.field.service":      {"Service", "Department"},
		"spool.field.office":       {"Bureau", "Office"},
		"spool.field.equipment":    {"Matériel", "Equipment"},
		"spool.field.brand":        {"Marque", "Brand"},
		"spool.field.model":        {"Modèle", "Model"},
		"spool.field.serial":       {"Numéro de série", "Serial number"},
		"spool.field.maintenance":  {"Contrat de maintenance", "Maintenance contract"},
		"spool.field.placement":    {"Emplacement", "Location"},
		"spool.field.description":  {"Description du problème", "Problem description"},
	}
}
