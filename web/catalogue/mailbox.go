package catalogue

// mailboxMessages returns the messages of the built-in mailbox of the
// development setup: the list of captured mails and a mail's view.
func mailboxMessages() map[string][2]string {
	return map[string][2]string{
		// Side menu.
		"menu.mailbox": {"Boîte mail (développement)", "Mailbox (development)"},

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

		// Message view: headers and the sanitized HTML preview.
		"mail.headers":         {"En-têtes", "Headers"},
		"mail.headers.caption": {"En-têtes du message", "Message headers"},
		"mail.header.name":     {"Nom", "Name"},
		"mail.header.value":    {"Valeur", "Value"},
		"mail.preview":         {"Version HTML (aperçu nettoyé, sans script)", "HTML version (sanitized preview, no script)"},
		"mail.preview.title":   {"Aperçu HTML du mail", "HTML preview of the mail"},
		"mail.html.source":     {"Source HTML (non interprétée)", "HTML source (not rendered)"},
	}
}
