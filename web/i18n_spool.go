package web

// messagesSpool holds the messages of the pages shown while the database
// is unavailable: a spooled submission's confirmation and the page keeping
// what was typed.
func messagesSpool() map[string][2]string {
	return map[string][2]string{
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
