package pages

import (
	"testing"

	"guichet/store"
	"guichet/workflows"
)

func TestReadsLikeFailure(t *testing.T) {
	cases := []struct {
		name    string
		comment string
		want    bool
	}{
		{"a plain thank-you is an acceptation", "Merci, tout fonctionne parfaitement.", false},
		{"an empty comment is an acceptation", "", false},
		{"« toujours pas » reads like a failure", "Merci mais l'écran ne s'allume toujours pas.", true},
		{"capitals and accents do not hide a failure", "ÇA NE FONCTIONNE PAS DU TOUT", true},
		{"« ne fonctionne toujours pas » reads like a failure", "Le poste ne fonctionne toujours pas", true},
		{"« pas résolu » without its accent reads like a failure", "probleme pas resolu", true},
		{"« non résolu » reads like a failure", "Incident non résolu.", true},
		{"« encore » alone reads like a failure", "L'imprimante bloque encore", true},
		{"« encore merci » is a thank-you", "Encore merci pour votre aide !", false},
		{"« toujours le même problème » reads like a failure", "Toujours le même problème ce matin", true},
		{"a typographic apostrophe is understood", "Rien n’a changé depuis hier", true},
		{"words are matched whole", "Il est reparti pour toujours, parfait.", false},
		{"« ne marche plus » reads like a failure", "la souris ne marche plus", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			phrase, got := readsLikeFailure(tc.comment)
			if got != tc.want {
				t.Fatalf("readsLikeFailure(%q) = %q, %v; want %v", tc.comment, phrase, got, tc.want)
			}
			if got && phrase == "" {
				t.Fatal("a failure comes with the phrase found")
			}
		})
	}
}

func TestReadsLikeFailureQuotesTheLongestPhrase(t *testing.T) {
	if phrase, _ := readsLikeFailure("Le poste ne fonctionne toujours pas"); phrase != "ne fonctionne toujours pas" {
		t.Fatalf("phrase %q", phrase)
	}
}

func TestListMessagesCoverEveryValue(t *testing.T) {
	cat := newCatalog()
	var keys []string
	for _, s := range []string{store.StatusNew, store.StatusInProgress, store.StatusWaiting,
		store.StatusResolved, store.StatusClosed, store.StatusCancelled} {
		keys = append(keys, workflows.StatusKey(s))
	}
	for _, k := range []string{workflows.EventCreated, workflows.EventPickedUp, workflows.EventAssigned,
		workflows.EventUrgencyChanged, workflows.EventImpactChanged, workflows.EventReply, workflows.EventNote,
		workflows.EventInfoRequested, workflows.EventInfoAdded, workflows.EventResolved, workflows.EventAccepted,
		workflows.EventRefused, workflows.EventReminderSent, workflows.EventLate, workflows.EventClosed,
		workflows.EventCancelled, workflows.EventDuplicate, workflows.EventMailSent} {
		keys = append(keys, "event."+k)
	}
	for _, f := range []string{store.FilterOpen, store.FilterAll, store.FilterClosed} {
		keys = append(keys, "lists.filter."+f)
	}
	keys = append(keys, "urgency.1", "urgency.2", "urgency.3",
		"lists.suivi.title", "lists.entite.title", "lists.caption.suivi", "lists.caption.entite")
	for _, k := range keys {
		t.Run("the catalogue has "+k, func(t *testing.T) {
			if !cat.Has(k) {
				t.Fatalf("missing %s", k)
			}
		})
	}
}
