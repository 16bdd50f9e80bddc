// Package catalogue holds every message Guichet's web interface shows (pages
// and REST API errors), in French and in English, and gives the text of a key
// in a language: T formats it with its arguments, integers shown with the
// language's digit grouping (« 1 000 », numbers.go).
//
// Messages are grouped by screen family, one file each, and each file
// contributes one map (a key cannot be written twice in one map literal:
// that does not compile):
//
//	layout.go    the layout of every page, the home page, words every form uses
//	errors.go    the error pages: title and message of each error code
//	account.go   sign-in (password, TOTP), Mon compte, personal API tokens
//	incident.go  new-incident form, Prise d'appel, confirmation, outage pages
//	lists.go     requester's lists, validation form, header counters, favourites
//	ticket.go    ticket page: fields, statuses, history, its actions
//	support.go   support desk: queue, Mes tickets, ticket workspace
//	kb.go        knowledge base and full-text search
//	pilotage.go  supervisors' dashboard and management screens
//	admin.go     académie administration: directory, application tokens, webhooks
//	mailbox.go   built-in mailbox (development)
//	api.go       REST API errors
//	rules.go     ticket statuses and the refusals of the rules table
//
// sections lists them; New merges them and refuses a key defined in two
// files, so no message silently overrides another. The package's tests
// check that every key has a French and an English text; web's tests check
// that every key its templates and Go code use is here.
package catalogue

import (
	"fmt"
	"sort"
	"strings"
)

// Languages of the interface. French is the default; English is offered
// through the language switch.
const (
	French  = "fr"
	English = "en"
)

// Languages returns the interface's languages, French (the default) first.
func Languages() []string { return []string{French, English} }

// Supported returns lang if the interface offers it, else French.
func Supported(lang string) string {
	if lang == English {
		return English
	}
	return French
}

// section is one file's messages: key → [French, English].
type section struct {
	file string
	msgs map[string][2]string
}

// sections returns the messages of every screen family, one file each.
func sections() []section {
	return []section{
		{"layout.go", layoutMessages()},
		{"errors.go", errorMessages()},
		{"account.go", accountMessages()},
		{"incident.go", incidentMessages()},
		{"lists.go", listsMessages()},
		{"ticket.go", ticketMessages()},
		{"support.go", supportMessages()},
		{"kb.go", kbMessages()},
		{"pilotage.go", pilotageMessages()},
		{"admin.go", adminMessages()},
		{"mailbox.go", mailboxMessages()},
		{"api.go", apiMessages()},
		{"rules.go", rulesMessages()},
	}
}

// Catalogue is the merged messages of every screen family. It is read-only
// once built and safe for concurrent use.
type Catalogue struct {
	msgs map[string][2]string // key → [French, English]
}

// New builds the catalogue from every screen family's file. It fails when a
// key is defined in two files, naming them.
func New() (*Catalogue, error) {
	return merge(sections())
}

// MustNew is New for tests and callers that cannot handle its error: it
// panics on a key defined twice.
func MustNew() *Catalogue {
	c, err := New()
	if err != nil {
		panic(err)
	}
	return c
}

// merge merges secs into one catalogue, reporting every key defined in more
// than one of them.
func merge(secs []section) (*Catalogue, error) {
	c := &Catalogue{msgs: map[string][2]string{}}
	from := map[string]string{}
	var dups []string
	for _, s := range secs {
		for k, m := range s.msgs {
			if f, ok := from[k]; ok {
				dups = append(dups, fmt.Sprintf("%q in %s and %s", k, f, s.file))
				continue
			}
			from[k] = s.file
			c.msgs[k] = m
		}
	}
	if len(dups) > 0 {
		sort.Strings(dups)
		return nil, fmt.Errorf("catalogue: keys defined twice: %s", strings.Join(dups, ", "))
	}
	return c, nil
}

// T returns the message for key in lang (French for an unknown language),
// formatted with args. An unknown key is returned bracketed, so it shows
// (and a test catches it). Integer arguments are shown with the language's
// digit grouping (« 1 000 »): pass an identifier as a string.
func (c *Catalogue) T(lang, key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return "[" + key + "]"
	}
	s := m[0]
	if lang == English && m[1] != "" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, groupArgs(lang, args)...)
	}
	return s
}

// Has reports whether key is in the catalogue.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalogue) Keys() []string {
	keys := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
