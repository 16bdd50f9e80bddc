package catalogue

// ticketMessages returns the messages of the ticket page: the ticket's
// fields, statuses, urgencies and history events, the refusals of its
// actions, and the actions Mise à jour de l'incident and Annuler.
func ticketMessages() map[string][2]string {
	return map[string][2]string{
		// Ticket actions (web/tickets/actions.go), shown on the form that sent them.
		"action.closed":        {"Ce ticket est clôturé : il n'accepte plus aucune action.", "This ticket is closed: it accepts no further action."},
		"action.workflowended": {"Le traitement de ce ticket a été arrêté en dehors de Guichet : il n'accepte plus aucune action.", "The processing of this ticket was stopped outside Guichet: it accepts no further action."},
		"action.pending":       {"Ce ticket est en cours d'enregistrement par la plateforme. Réessayez dans quelques instants : votre saisie est conservée.", "This ticket is still being registered. Try again in a moment: what you typed is kept."},
		"action.unavailable":   {"Le service de traitement des tickets est momentanément indisponible. Votre saisie est conservée : réessayez dans quelques instants.", "The ticket service is unavailable right now. What you typed is kept: try again in a moment."},
		"action.refused.title": {"L'action n'a pas été effectuée", "The action was not carried out"},
		"ticket.notfound":      {"L'incident %s est introuvable, ou vous n'avez pas le droit de le consulter.", "Ticket %s cannot be found, or you may not see it."},
		"urgency.1":            {"1 - Haute", "1 - High"},
		"urgency.2":            {"2 - Moyenne", "2 - Medium"},
		"urgency.3":            {"3 - Faible", "3 - Low"},

		// Ticket fields (form and page).
		"ticket.requester":    {"Demandeur", "Requester"},
		"ticket.beneficiary":  {"Bénéficiaire", "Beneficiary"},
		"ticket.location":     {"Localisation", "Location"},
		"ticket.entity":       {"Entité", "Entity"},
		"ticket.phone":        {"Téléphone", "Phone"},
		"ticket.otherphone":   {"Autre N° Tél", "Other phone"},
		"ticket.availability": {"Disponibilité", "Availability"},
		"ticket.service":      {"Service", "Department"},
		"ticket.office":       {"Bureau", "Office"},
		"ticket.subject":      {"Objet de la demande", "Subject"},
		"ticket.equipment":    {"Matériel", "Equipment"},
		"ticket.brand":        {"Marque", "Brand"},
		"ticket.model":        {"Modèle", "Model"},
		"ticket.serial":       {"Numéro de série", "Serial number"},
		"ticket.maintenance":  {"Maintenance", "Maintenance"},
		"ticket.placement":    {"Emplacement", "Placement"},
		"ticket.urgency":      {"Urgence", "Urgency"},
		"ticket.impact":       {"Impact", "Impact"},
		"ticket.priority":     {"Priorité", "Priority"},
		"ticket.private":      {"Incident privé", "Private incident"},
		"ticket.description":  {"Description", "Description"},
		"ticket.documents":    {"Documents", "Documents"},
		"ticket.status":       {"Statut", "Status"},
		"ticket.created":      {"Émise le", "Filed on"},
		"ticket.group":        {"Groupe", "Group"},
		"ticket.technician":   {"Technicien", "Technician"},
		"ticket.pickedup":     {"Pris en charge le", "Picked up on"},
		"ticket.resolved":     {"Résolu le", "Resolved on"},
		"ticket.closed":       {"Clôturé le", "Closed on"},

		// Ticket page.
		"ticket.title":            {"Incident %s", "Incident %s"},
		"ticket.heading":          {"Incident %s", "Incident %s"},
		"ticket.private.badge":    {"Privé", "Private"},
		"ticket.tracking":         {"Suivi", "Tracking"},
		"ticket.solution":         {"Solution", "Solution"},
		"ticket.documents.none":   {"Aucun document.", "No document."},
		"ticket.document.preview": {"Aperçu de %s", "Preview of %s"},
		"ticket.timeline":         {"Historique", "History"},
		"ticket.internal":         {"Note interne", "Internal note"},
		"ticket.validation.title": {"Votre validation est attendue", "Your validation is awaited"},
		"ticket.validation.due":   {"Sans validation de votre part, l'incident sera clôturé automatiquement le %s.", "Without your validation, the incident closes by itself on %s."},
		"ticket.validation.link":  {"Valider l'intervention", "Validate the intervention"},
		"event.created":           {"Création de l'incident", "Incident created"},
		"event.filedby":           {"Saisi par %s (prise d'appel)", "Filed by %s (call intake)"},
		"event.picked_up":         {"Prise en charge", "Picked up"},
		"event.assigned":          {"Affectation", "Assigned"},
		"event.urgency_changed":   {"Urgence requalifiée", "Urgency changed"},
		"event.impact_changed":    {"Impact requalifié", "Impact changed"},
		"event.reply":             {"Réponse de la plateforme", "Reply from support"},
		"event.note":              {"Note interne", "Internal note"},
		"event.info_requested":    {"Demande de précisions", "Information requested"},
		"event.info_added":        {"Information ajoutée", "Information added"},
		"event.resolved":          {"Résolution", "Resolved"},
		"event.accepted":          {"Validation : acceptation", "Validation: accepted"},
		"event.refused":           {"Validation : refus", "Validation: refused"},
		"event.reminder_sent":     {"Relance envoyée", "Reminder sent"},
		"event.late":              {"Délai de prise en charge dépassé", "Pick-up deadline passed"},
		"event.closed":            {"Clôture", "Closed"},
		"event.cancelled":         {"Annulation", "Cancelled"},
		"event.duplicate":         {"Doublon", "Duplicate"},
		"event.mail_sent":         {"Courriel envoyé", "Mail sent"},

		// The alert of a ticket whose workflow ended outside Guichet
		// (templates/shared/workflow_ended.html, both ticket pages).
		"ticket.workflowended.title": {"Traitement de l'incident arrêté", "Ticket processing stopped"},
		"ticket.workflowended.text":  {"Le traitement de cet incident a été arrêté en dehors de Guichet (constaté le %s) : il n'évolue plus et ses actions ne sont plus possibles. Le support en a été informé.", "The processing of this ticket was stopped outside Guichet (found on %s): it no longer moves and its actions are no longer possible. Support has been told."},

		// Mise à jour de l'incident.
		"addinfo.title":     {"Mise à jour de l'incident", "Update the incident"},
		"addinfo.page":      {"Mise à jour de l'incident %s", "Update incident %s"},
		"addinfo.intro":     {"Ajoutez un complément d'information à l'incident", "Add information to incident"},
		"addinfo.body":      {"Information ajoutée", "Information to add"},
		"addinfo.body.hint": {"Elle est ajoutée à l'historique de l'incident et transmise à la plateforme.", "It is added to the incident's history and passed on to support."},
		"addinfo.done":      {"Votre information a été ajoutée à l'incident.", "Your information was added to the incident."},

		// Annuler.
		"cancel.action":  {"Annuler l'incident", "Cancel the incident"},
		"cancel.title":   {"Annuler l'incident %s", "Cancel incident %s"},
		"cancel.page":    {"Annulation de l'incident %s", "Cancellation of incident %s"},
		"cancel.confirm": {"L'incident sera retiré de la file de la plateforme et clôturé comme annulé. Cette action est définitive.", "The incident will leave the support queue and be closed as cancelled. This cannot be undone."},
		"cancel.reason":  {"Motif de l'annulation", "Reason for cancelling"},
		"cancel.submit":  {"Confirmer l'annulation", "Confirm the cancellation"},
		"cancel.back":    {"Revenir à l'incident", "Back to the incident"},
		"cancel.done":    {"L'incident a été annulé.", "The incident was cancelled."},
	}
}
