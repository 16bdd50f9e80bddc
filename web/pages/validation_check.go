package pages

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// failurePhrases are what an acceptation comment says when the problem is
// in fact not solved (SPEC §6), written without accents, lower case, with
// single spaces: the comment is folded the same way before matching.
func failurePhrases() []string {
	return []string{
		"toujours pas", "toujours le meme probleme", "toujours le meme souci", "toujours en panne",
		"ne fonctionne pas", "ne fonctionne plus", "ne fonctionne toujours pas", "fonctionne toujours pas", "fonctionne pas",
		"ne marche pas", "ne marche plus", "ne marche toujours pas", "marche toujours pas", "marche pas",
		"pas resolu", "non resolu", "pas regle", "non regle", "pas repare", "pas corrige",
		"ne s'allume pas", "ne s'allume plus", "ne demarre pas", "ne demarre plus",
		"probleme persiste", "le probleme est toujours", "rien n'a change", "aucun changement",
		"encore", "de nouveau", "a nouveau", "recommence", "en panne",
	}
}

// falseAlarms are phrases containing a failure phrase that say nothing of
// the kind ("encore merci").
func falseAlarms() []string {
	return []string{"encore merci", "merci encore", "encore bravo"}
}

// foldComment lowercases text, strips accents, turns typographic
// apostrophes into ' and collapses spaces and punctuation around words, so
// "Ça ne FONCTIONNE  toujours pas !" reads "ca ne fonctionne toujours pas".
func foldComment(text string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, text)
	if err != nil {
		folded = text
	}
	folded = strings.ToLower(folded)
	var b strings.Builder
	space := true
	for _, r := range folded {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`':
			b.WriteRune('\'')
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// readsLikeFailure reports whether an acceptation comment reads like the
// problem is still there, and returns the phrase found. Matching is on
// whole words, accent- and case-insensitive.
func readsLikeFailure(comment string) (string, bool) {
	folded := " " + foldComment(comment) + " "
	for _, fa := range falseAlarms() {
		folded = strings.ReplaceAll(folded, " "+fa+" ", " ")
	}
	phrases := failurePhrases()
	// The longest phrase found is the one quoted back to the user.
	slices.SortStableFunc(phrases, func(a, b string) int { return len(b) - len(a) })
	for _, p := range phrases {
		if strings.Contains(folded, " "+p+" ") {
			return p, true
		}
	}
	return "", false
}
