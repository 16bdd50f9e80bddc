package catalogue

// rulesMessages are the labels of the ticket statuses (status.<code>, the
// keys of workflows.StatusKey) and the messages of the rules table's
// refusals (rule.…, see refusalMessage): one French and English text per
// refusal code, with more precise texts for some actions or fields.
// Arguments, by position: 1 the limit, 2 the minimum, 3 the status label,
// 4 the ticket number.
func rulesMessages() map[string][2]string {
	return map[string][2]string{
		"status.new":         {"Nouveau", "New"},
		"status.in_progress": {"En cours de traitement", "In progress"},
		"status.waiting":     {"En attente d'information", "Waiting for information"},
		"status.resolved":    {"Résolu — en attente de validation", "Resolved — awaiting validation"},
		"status.closed":      {"Clôturé", "Closed"},
		"status.cancelled":   {"Annulé", "Cancelled"},

		"rule.unidentified":     {"Action refusée : personne non identifiée.", "Action refused: unidentified person."},
		"rule.support_only":     {"Action réservée à l'équipe de support.", "Only the support team may do this."},
		"rule.technician_only":  {"Seul un technicien peut prendre un ticket en charge.", "Only a technician may pick up a ticket."},
		"rule.not_party":        {"Action réservée au demandeur ou au bénéficiaire du ticket.", "Only the ticket's requester or beneficiary may do this."},
		"rule.cancel.not_party": {"Seul le demandeur peut annuler son ticket.", "Only the requester may cancel their ticket."},

		"rule.state":           {"Action impossible : le ticket est « %[3]s ».", "Not possible: the ticket is « %[3]s »."},
		"rule.state.closed":    {"Le ticket %[4]s est clôturé : il n'accepte plus aucune action.", "Ticket %[4]s is closed: it accepts no more actions."},
		"rule.state.cancelled": {"Le ticket %[4]s est annulé : il n'accepte plus aucune action.", "Ticket %[4]s is cancelled: it accepts no more actions."},
		"rule.cancel.state.resolved": {"Le ticket est résolu : acceptez ou refusez la solution au lieu de l'annuler.",
			"The ticket is resolved: accept or refuse the solution instead of cancelling it."},
		"rule.already_yours": {"Vous avez déjà pris ce ticket en charge.", "You have picked up this ticket already."},
		"rule.taken":         {"Ce ticket est déjà pris en charge par un autre technicien.", "Another technician has picked up this ticket already."},

		"rule.unchanged":           {"Rien ne change.", "Nothing changes."},
		"rule.assign.unchanged":    {"Le ticket est déjà affecté ainsi.", "The ticket is assigned so already."},
		"rule.requalify.unchanged": {"Rien à requalifier : l'urgence et l'impact sont inchangés.", "Nothing to requalify: urgency and impact are unchanged."},

		"rule.required":                       {"Ce champ est obligatoire.", "This field is required."},
		"rule.assign.technician_id.required":  {"Choisissez un technicien ou un groupe.", "Choose a technician or a group."},
		"rule.requalify.reason.required":      {"Indiquez le motif de la requalification.", "Give the reason for the requalification."},
		"rule.reply.body.required":            {"La réponse est vide.", "The reply is empty."},
		"rule.note.body.required":             {"La note est vide.", "The note is empty."},
		"rule.request-info.question.required": {"Posez votre question au demandeur.", "Ask the requester your question."},
		"rule.add-info.body.required":         {"Saisissez l'information à ajouter, ou joignez un document.", "Type the information to add, or attach a document."},
		"rule.resolve.solution.required":      {"Décrivez la solution apportée.", "Describe the solution."},
		"rule.refuse.comment.required":        {"Un refus doit être motivé : indiquez ce qui ne convient pas.", "A refusal needs a reason: say what is wrong."},
		"rule.mark-duplicate.of.required":     {"Indiquez le numéro du ticket à suivre.", "Give the number of the ticket to follow."},
		"rule.too_long":                       {"Le texte est trop long (%[1]d caractères au plus).", "The text is too long (%[1]d characters at most)."},
		"rule.reason.too_long":                {"Le motif est trop long (%[1]d caractères au plus).", "The reason is too long (%[1]d characters at most)."},
		"rule.comment.too_long":               {"Le commentaire est trop long (%[1]d caractères au plus).", "The comment is too long (%[1]d characters at most)."},
		"rule.ratings_range":                  {"Les notes vont de %[2]d à %[1]d.", "Ratings go from %[2]d to %[1]d."},
		"rule.rating_delay.ratings_range":     {"Délai d'intervention : choisissez une note de %[2]d à %[1]d.", "Response time: choose a rating from %[2]d to %[1]d."},
		"rule.rating_quality.ratings_range":   {"Qualité d'intervention : choisissez une note de %[2]d à %[1]d.", "Quality of service: choose a rating from %[2]d to %[1]d."},
		"rule.level_range":                    {"Le niveau vaut 1 (haute), 2 (moyenne) ou 3 (faible).", "The level is 1 (high), 2 (medium) or 3 (low)."},
		"rule.urgency.level_range":            {"L'urgence doit valoir 1 (haute), 2 (moyenne) ou 3 (faible).", "Urgency must be 1 (high), 2 (medium) or 3 (low)."},
		"rule.impact.level_range":             {"L'impact doit valoir 1 (haute), 2 (moyenne) ou 3 (faible).", "Impact must be 1 (high), 2 (medium) or 3 (low)."},
		"rule.unknown":                        {"Action inconnue.", "Unknown action."},
		"rule.article_id.unknown":             {"Article de la base de connaissances inconnu.", "Unknown knowledge-base article."},
		"rule.technician_id.unknown":          {"Technicien ou groupe inconnu.", "Unknown technician or group."},
		"rule.group_id.unknown":               {"Technicien ou groupe inconnu.", "Unknown technician or group."},
		"rule.of.unknown":                     {"Le ticket %[4]s n'existe pas.", "Ticket %[4]s does not exist."},
		"rule.self":                           {"Un ticket ne peut pas être le doublon de lui-même.", "A ticket cannot be its own duplicate."},
		"rule.other_academy":                  {"Le ticket %[4]s appartient à une autre académie.", "Ticket %[4]s belongs to another académie."},
		"rule.not_open":                       {"Le ticket %[4]s est « %[3]s » : choisissez un ticket ouvert.", "Ticket %[4]s is « %[3]s »: choose an open ticket."},
	}
}
