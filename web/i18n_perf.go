package web

// messagesPerf holds the messages of lists whose count stops at
// store.CountCap (or at the end of the page asked): "more than N".
func messagesPerf() map[string][2]string {
	return map[string][2]string{
		"lists.count.more":         {"Nombre d'enregistrements : plus de %d", "Number of records: more than %d"},
		"support.queue.count.more": {"Plus de %d tickets", "More than %d tickets"},
	}
}
