package web

// messagesMailbox holds the messages of the built-in mailbox's message view.
func messagesMailbox() map[string][2]string {
	return map[string][2]string{
		"mail.headers":         {"En-têtes", "Headers"},
		"mail.headers.caption": {"En-têtes du message", "Message headers"},
		"mail.header.name":     {"Nom", "Name"},
		"mail.header.value":    {"Valeur", "Value"},
		"mail.preview":         {"Version HTML (aperçu nettoyé, sans script)", "HTML version (sanitized preview, no script)"},
		"mail.preview.title":   {"Aperçu HTML du mail", "HTML preview of the mail"},
		"mail.html.source":     {"Source HTML (non interprétée)", "HTML source (not rendered)"},
	}
}
