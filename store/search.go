package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/french"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Full-text search, French-aware on both databases: accents and case are
// folded and words reduced to their Snowball French stem, so "imprimantes"
// finds "imprimante" and "ecran" finds "écran".
//
// PostgreSQL does it natively (text search configuration guichet_french:
// unaccent then french_stem, see knowledgeBaseFullTextSearch); SQLite indexes shadow columns
// of stems computed here (stemText) with FTS5, and queries are stemmed the
// same way (queryTerms).

// Highlight markers in raw snippets (never shown: snippets are split into
// SnippetParts at these markers).
const (
	markStart = "\x02"
	markStop  = "\x03"
)

// SnippetPart is a piece of a search excerpt; Match marks the words that
// matched the query (shown highlighted). Text is plain text: render it
// escaped.
type SnippetPart struct {
	Text  string
	Match bool
}

// textWords returns the words of s (runs of letters and digits) with their
// byte offsets.
func textWords(s string) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// stemWord returns the search key of one word: folded (lower case, no
// accents), then reduced to its French stem. Stop words and one-letter
// words (the l of l'imprimante) give "".
func stemWord(w string) string {
	lower := strings.ToLower(w)
	if utf8.RuneCountInString(lower) < 2 || french.IsStopWord(lower) {
		return ""
	}
	folded := strings.ReplaceAll(foldName(lower), " ", "")
	if folded == "" || french.IsStopWord(folded) {
		return ""
	}
	return french.Stem(folded, false)
}

// stemText returns the stems of every word of s, space-separated: what
// SQLite indexes.
func stemText(s string) string {
	var b strings.Builder
	for _, w := range textWords(s) {
		if st := stemWord(s[w[0]:w[1]]); st != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(st)
		}
	}
	return b.String()
}

// maxQueryTerms bounds the words of one query.
const maxQueryTerms = 12

// queryWords returns the distinct words of a query as typed (letters and
// digits only, so they are safe in FTS5 and tsquery syntax), skipping the
// words that stem to nothing, at most maxQueryTerms.
func queryWords(q string) []string {
	var out, stems []string
	for _, w := range textWords(q) {
		word := strings.ToLower(q[w[0]:w[1]])
		st := stemWord(word)
		if st == "" || slices.Contains(stems, st) {
			continue
		}
		stems = append(stems, st)
		out = append(out, word)
		if len(out) == maxQueryTerms {
			break
		}
	}
	return out
}

// textQuery is a parsed search query.
type textQuery struct {
	words []string // as typed, lower case (PostgreSQL stems them itself)
	stems []string // folded stems (SQLite, and highlighting)
	any   bool     // match any word (suggestions) instead of all
	// prefix makes the last word a prefix (suggestions while typing).
	prefix bool
}

func parseQuery(q string, any, prefix bool) textQuery {
	tq := textQuery{words: queryWords(q), any: any, prefix: prefix}
	for _, w := range tq.words {
		tq.stems = append(tq.stems, stemWord(w))
	}
	return tq
}

func (tq textQuery) empty() bool { return len(tq.words) == 0 }

// tsquery is the query in to_tsquery syntax (the words are letters and
// digits only).
func (tq textQuery) tsquery() string {
	op := " & "
	if tq.any {
		op = " | "
	}
	parts := slices.Clone(tq.words)
	if tq.prefix {
		parts[len(parts)-1] += ":*"
	}
	return strings.Join(parts, op)
}

// fts5 is the query in FTS5 syntax over stems.
func (tq textQuery) fts5() string {
	parts := make([]string, len(tq.stems))
	for i, s := range tq.stems {
		parts[i] = `"` + s + `"`
	}
	if tq.prefix {
		parts[len(parts)-1] += "*"
	}
	op := " "
	if tq.any {
		op = " OR "
	}
	return strings.Join(parts, op)
}

// matches reports whether a word of a text matches the query (for the
// excerpts SQLite's results show).
func (tq textQuery) matches(word string) bool {
	st := stemWord(word)
	if st == "" {
		return false
	}
	for i, s := range tq.stems {
		if st == s || (tq.prefix && i == len(tq.stems)-1 && strings.HasPrefix(st, s)) {
			return true
		}
	}
	return false
}

// snippetWords is how many words an excerpt shows.
const snippetWords = 30

// highlight cuts an excerpt of text around the densest run of matching
// words and marks them (SQLite's excerpts; PostgreSQL uses ts_headline).
func (tq textQuery) highlight(text string) []SnippetPart {
	ws := textWords(text)
	if len(ws) == 0 {
		return nil
	}
	match := make([]bool, len(ws))
	for i, w := range ws {
		match[i] = tq.matches(text[w[0]:w[1]])
	}
	best, bestN := 0, -1
	for i := range ws {
		if i > 0 && !match[i] {
			continue
		}
		n := 0
		for j := i; j < len(ws) && j < i+snippetWords; j++ {
			if match[j] {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	// A little context before the first match.
	start := max(0, best-3)
	end := min(len(ws), start+snippetWords)
	var parts []SnippetPart
	add := func(s string, m bool) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Match == m {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, SnippetPart{Text: s, Match: m})
	}
	if start > 0 {
		add("… ", false)
	}
	pos := ws[start][0]
	for i := start; i < end; i++ {
		add(text[pos:ws[i][0]], false)
		add(text[ws[i][0]:ws[i][1]], match[i])
		pos = ws[i][1]
	}
	if end < len(ws) {
		add(" …", false)
	}
	return parts
}

// headlineLT stands for "<" in the text given to ts_headline, whose parser
// would otherwise take "<script>" for a tag and drop it from the excerpt.
const headlineLT = "\x04"

// parseHeadline splits a ts_headline result (marked with markStart and
// markStop, "<" written headlineLT) into parts.
func parseHeadline(h string) []SnippetPart {
	h = strings.ReplaceAll(h, headlineLT, "<")
	var parts []SnippetPart
	for h != "" {
		i := strings.Index(h, markStart)
		if i < 0 {
			parts = append(parts, SnippetPart{Text: h})
			break
		}
		if i > 0 {
			parts = append(parts, SnippetPart{Text: h[:i]})
		}
		h = h[i+len(markStart):]
		j := strings.Index(h, markStop)
		if j < 0 {
			j = len(h)
		}
		parts = append(parts, SnippetPart{Text: h[:j], Match: true})
		h = strings.TrimPrefix(h[j:], markStop)
	}
	return parts
}

// headlineOptions are ts_headline's options.
const headlineOptions = "StartSel=" + markStart + ", StopSel=" + markStop +
	", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""

// ticketDocument builds the searchable text of a ticket: its number,
// category path, description, solution and the bodies of its public
// timeline events.
func ticketDocument(ctx context.Context, db bun.IDB, number string) (string, error) {
	var t struct {
		Number       string `bun:"number"`
		CategoryPath string `bun:"category_path"`
		Description  string `bun:"description"`
		Solution     string `bun:"solution"`
	}
	if err := db.NewSelect().Table("tickets").Column("number", "category_path", "description", "solution").
		Where("number = ?", number).Scan(ctx, &t); err != nil {
		return "", fmt.Errorf("read ticket: %w", notFound(err))
	}
	var bodies []string
	if err := db.NewSelect().Table("ticket_events").Column("body").
		Where("ticket_number = ?", number).Where("public = ?", true).Where("body <> ''").
		Order("seq").Scan(ctx, &bodies); err != nil {
		return "", fmt.Errorf("read timeline: %w", err)
	}
	return joinDocument(t.Number, t.CategoryPath, t.Description, t.Solution, bodies), nil
}

// joinDocument assembles a ticket's searchable text. The description comes
// first so excerpts start with it; the number and category path, shown
// beside every result anyway, come last.
func joinDocument(number, categoryPath, description, solution string, bodies []string) string {
	parts := []string{description}
	if solution != "" {
		parts = append(parts, solution)
	}
	parts = append(parts, bodies...)
	return strings.Join(append(parts, categoryPath, number), "\n")
}

// reindexTicket rebuilds the search entry of one ticket through db (which
// may be the projection's transaction). ApplyProjection calls it, so the
// index follows every change the workflow makes.
func reindexTicket(ctx context.Context, db bun.IDB, number string) error {
	doc, err := ticketDocument(ctx, db, number)
	if err != nil {
		return fmt.Errorf("reindex ticket %q: %w", number, err)
	}
	stem := ""
	if db.Dialect().Name() != dialect.PG {
		stem = stemText(doc)
	}
	if _, err := db.NewRaw(`INSERT INTO ticket_search (ticket_number, document, stem) VALUES (?, ?, ?)
		ON CONFLICT (ticket_number) DO UPDATE SET document = EXCLUDED.document, stem = EXCLUDED.stem
		WHERE ticket_search.document <> EXCLUDED.document`, number, doc, stem).Exec(ctx); err != nil {
		return fmt.Errorf("reindex ticket %q: %w", number, err)
	}
	return nil
}

// ReindexTicket rebuilds the search entry of one ticket (for writers that
// bypass ApplyProjection, such as bulk loaders).
func (db *DB) ReindexTicket(ctx context.Context, number string) error {
	if err := reindexTicket(ctx, db.DB, number); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// ReindexAllTickets rebuilds the search entry of every ticket and returns
// how many there are.
func (db *DB) ReindexAllTickets(ctx context.Context) (int, error) {
	n, err := reindexAllTickets(ctx, db.DB)
	if err != nil {
		return n, fmt.Errorf("store: %w", err)
	}
	return n, nil
}

// ticketSearchRow is a row of ticket_search (its id, on SQLite, and its
// tsvector, on PostgreSQL, are the database's own).
type ticketSearchRow struct {
	bun.BaseModel `bun:"table:ticket_search"`

	TicketNumber string `bun:"ticket_number"`
	Document     string `bun:"document"`
	Stem         string `bun:"stem"`
}

// reindexBatch is how many tickets reindexAllTickets rebuilds per query.
const reindexBatch = 500

// ReindexTicketsFrom rebuilds the search entry of every ticket numbered
// from on (in number order) and returns how many there are: the tickets a
// bulk loader just appended, when their numbers sort after the others.
func (db *DB) ReindexTicketsFrom(ctx context.Context, from string) (int, error) {
	n, err := reindexTicketsFrom(ctx, db.DB, from)
	if err != nil {
		return n, fmt.Errorf("store: %w", err)
	}
	return n, nil
}

func reindexAllTickets(ctx context.Context, db bun.IDB) (int, error) {
	return reindexTicketsFrom(ctx, db, "")
}

func reindexTicketsFrom(ctx context.Context, db bun.IDB, from string) (int, error) {
	pg := db.Dialect().Name() == dialect.PG
	total, after, op := 0, from, ">="
	for {
		var ts []struct {
			Number       string `bun:"number"`
			CategoryPath string `bun:"category_path"`
			Description  string `bun:"description"`
			Solution     string `bun:"solution"`
		}
		if err := db.NewSelect().Table("tickets").Column("number", "category_path", "description", "solution").
			Where("number "+op+" ?", after).Order("number").Limit(reindexBatch).Scan(ctx, &ts); err != nil {
			return total, fmt.Errorf("read tickets to reindex: %w", err)
		}
		if len(ts) == 0 {
			return total, nil
		}
		numbers := make([]string, len(ts))
		for i, t := range ts {
			numbers[i] = t.Number
		}
		var evs []struct {
			TicketNumber string `bun:"ticket_number"`
			Body         string `bun:"body"`
		}
		if err := db.NewSelect().Table("ticket_events").Column("ticket_number", "body").
			Where("ticket_number IN (?)", bun.In(numbers)).Where("public = ?", true).Where("body <> ''").
			Order("ticket_number", "seq").Scan(ctx, &evs); err != nil {
			return total, fmt.Errorf("read timelines to reindex: %w", err)
		}
		bodies := map[string][]string{}
		for _, e := range evs {
			bodies[e.TicketNumber] = append(bodies[e.TicketNumber], e.Body)
		}
		rows := make([]ticketSearchRow, len(ts))
		for i, t := range ts {
			doc := joinDocument(t.Number, t.CategoryPath, t.Description, t.Solution, bodies[t.Number])
			rows[i] = ticketSearchRow{TicketNumber: t.Number, Document: doc}
			if !pg {
				rows[i].Stem = stemText(doc)
			}
		}
		if _, err := db.NewInsert().Model(&rows).
			On("CONFLICT (ticket_number) DO UPDATE").
			Set("document = EXCLUDED.document").Set("stem = EXCLUDED.stem").
			Exec(ctx); err != nil {
			return total, fmt.Errorf("write search entries: %w", err)
		}
		total += len(ts)
		after, op = ts[len(ts)-1].Number, ">"
	}
}

// TicketSearch is a search over tickets.
type TicketSearch struct {
	Query string
	// Status keeps tickets of one status ("" any).
	Status string
	// From and To keep tickets created on or after From and before To
	// (zero: unbounded).
	From, To time.Time
	// Limit defaults to 20 (at most 100).
	Limit  int
	Offset int
}

// TicketHit is a ticket found by SearchTickets.
type TicketHit struct {
	Number       string
	AcademyCode  string
	CategoryPath string
	Status       string
	Private      bool
	CreatedAt    time.Time
	// Snippet is an excerpt of the ticket's text with the matches marked.
	Snippet []SnippetPart
}

// SearchCandidates is how many of the most recent matching tickets a
// search ranks on PostgreSQL (more when the page asked goes further): a
// search finds the best of the latest SearchCandidates matches, not of
// every match since the first ticket.
const SearchCandidates = 200

// SearchTickets finds the tickets v may see that match s.Query (every
// word, French-aware), best first, and reports whether more follow. An
// empty query (or one of stop words only) finds nothing. On PostgreSQL
// only the SearchCandidates most recent matches are ranked.
func (db *DB) SearchTickets(ctx context.Context, v Viewer, s TicketSearch) ([]TicketHit, bool, error) {
	tq := parseQuery(s.Query, false, false)
	if tq.empty() {
		return nil, false, nil
	}
	limit := clampLimit(s.Limit)
	var rows []struct {
		Number       string    `bun:"number"`
		AcademyCode  string    `bun:"academy_code"`
		CategoryPath string    `bun:"category_path"`
		Status       string    `bun:"status"`
		Private      bool      `bun:"private"`
		CreatedAt    time.Time `bun:"created_at"`
		Document     string    `bun:"document"`
		Headline     string    `bun:"headline"`
	}
	filters := func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Apply(VisibleTicketsAs(v, "t"))
		if s.Status != "" {
			q = q.Where("t.status = ?", s.Status)
		}
		if !s.From.IsZero() {
			q = q.Where("t.created_at >= ?", s.From.UTC())
		}
		if !s.To.IsZero() {
			q = q.Where("t.created_at < ?", s.To.UTC())
		}
		return q
	}
	cols := "t.number, t.academy_code, t.category_path, t.status, t.private, t.created_at"
	var err error
	if db.Driver() == DriverPostgres {
		// Ranking every match costs as much as the matches (an eighth of a
		// million tickets hold "écran"): only the most recent candidates
		// that v may see are ranked, walking the search index by ticket
		// number (numbers start with the filing day) and stopping there;
		// the planner reads the full-text index first instead when the
		// words are rare. The excerpt is built for the page's rows only.
		cands := db.NewSelect().TableExpr("ticket_search AS s").
			ColumnExpr(cols+", s.search_tsv").
			Join("JOIN tickets AS t ON t.number = s.ticket_number").
			Where("s.search_tsv @@ to_tsquery('guichet_french', ?)", tq.tsquery()).
			Apply(filters).
			OrderExpr("s.ticket_number DESC").
			Limit(max(SearchCandidates, max(s.Offset, 0)+limit+1))
		ranked := db.NewSelect().TableExpr("(?) AS c", cands).
			ColumnExpr("c.number, c.academy_code, c.category_path, c.status, c.private, c.created_at").
			ColumnExpr("ts_rank(c.search_tsv, to_tsquery('guichet_french', ?)) AS score", tq.tsquery()).
			OrderExpr("score DESC, c.created_at DESC, c.number DESC").
			Limit(limit + 1).Offset(max(s.Offset, 0))
		err = db.NewSelect().TableExpr("(?) AS h", ranked).
			Join("JOIN ticket_search AS s ON s.ticket_number = h.number").
			ColumnExpr("h.number, h.academy_code, h.category_path, h.status, h.private, h.created_at").
			ColumnExpr("ts_headline('guichet_french', replace(s.document, '<', chr(4)), to_tsquery('guichet_french', ?), ?) AS headline", tq.tsquery(), headlineOptions).
			OrderExpr("h.score DESC, h.created_at DESC, h.number DESC").
			Scan(ctx, &rows)
	} else {
		err = db.NewSelect().TableExpr("ticket_search_fts").
			ColumnExpr(cols+", s.document").
			Join("JOIN ticket_search AS s ON s.id = ticket_search_fts.rowid").
			Join("JOIN tickets AS t ON t.number = s.ticket_number").
			Where("ticket_search_fts MATCH ?", tq.fts5()).
			Apply(filters).
			OrderExpr("bm25(ticket_search_fts), t.created_at DESC").
			Limit(limit+1).Offset(max(s.Offset, 0)).
			Scan(ctx, &rows)
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: search tickets: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	hits := make([]TicketHit, len(rows))
	for i, r := range rows {
		hits[i] = TicketHit{
			Number: r.Number, AcademyCode: r.AcademyCode, CategoryPath: r.CategoryPath,
			Status: r.Status, Private: r.Private, CreatedAt: r.CreatedAt,
		}
		if db.Driver() == DriverPostgres {
			hits[i].Snippet = parseHeadline(r.Headline)
		} else {
			hits[i].Snippet = tq.highlight(r.Document)
		}
	}
	return hits, more, nil
}

// ArticleSearch is a search over knowledge-base articles.
type ArticleSearch struct {
	Query string
	// Any matches articles holding any word of the query (suggestions for
	// a description being typed) rather than all of them; it also treats
	// the last word as a prefix.
	Any bool
	// Category keeps articles of this category path or below it.
	Category string
	// Limit defaults to 20 (at most 100).
	Limit  int
	Offset int
}

// ArticleHit is an article found by SearchArticles.
type ArticleHit struct {
	Article
	// Snippet is an excerpt of the body with the matches marked.
	Snippet []SnippetPart
}

// SearchArticles finds the articles v may read that match s.Query, best
// first (title matches weigh most), and reports whether more follow.
func (db *DB) SearchArticles(ctx context.Context, v Viewer, s ArticleSearch) ([]ArticleHit, bool, error) {
	tq := parseQuery(s.Query, s.Any, s.Any)
	if tq.empty() {
		return nil, false, nil
	}
	limit := clampLimit(s.Limit)
	var rows []struct {
		Article  `bun:",extend"`
		Headline string `bun:"headline"`
	}
	var err error
	if db.Driver() == DriverPostgres {
		inner := db.NewSelect().Model((*Article)(nil)).
			ColumnExpr("article.*").
			ColumnExpr("ts_rank(article.search_tsv, q) AS score").
			Join("CROSS JOIN to_tsquery('guichet_french', ?) AS q", tq.tsquery()).
			Where("article.search_tsv @@ q").
			Apply(visibleArticlesAs(v, "article")).
			Apply(articleCategory(s.Category)).
			OrderExpr("score DESC, article.updated_at DESC").
			Limit(limit + 1).Offset(max(s.Offset, 0))
		err = db.NewSelect().TableExpr("(?) AS article", inner).
			ColumnExpr("article.id, article.academy_code, article.shared, article.title, article.body").
			ColumnExpr("article.category_id, article.category_path, article.author_id, article.source_ticket").
			ColumnExpr("article.published, article.solved_count, article.created_at, article.updated_at").
			ColumnExpr("ts_headline('guichet_french', replace(article.body, '<', chr(4)), to_tsquery('guichet_french', ?), ?) AS headline", tq.tsquery(), headlineOptions).
			OrderExpr("article.score DESC, article.updated_at DESC").
			Scan(ctx, &rows)
	} else {
		err = db.NewSelect().TableExpr("kb_articles_fts").
			ColumnExpr("article.*").
			Join("JOIN kb_articles AS article ON article.id = kb_articles_fts.rowid").
			Where("kb_articles_fts MATCH ?", tq.fts5()).
			Apply(visibleArticlesAs(v, "article")).
			Apply(articleCategory(s.Category)).
			OrderExpr("bm25(kb_articles_fts, 5.0, 1.0), article.updated_at DESC").
			Limit(limit+1).Offset(max(s.Offset, 0)).
			Scan(ctx, &rows)
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: search articles: %w", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	hits := make([]ArticleHit, len(rows))
	for i, r := range rows {
		a := r.Article
		a.StemTitle, a.StemBody = "", ""
		hits[i] = ArticleHit{Article: a}
		if db.Driver() == DriverPostgres {
			hits[i].Snippet = parseHeadline(r.Headline)
		} else {
			hits[i].Snippet = tq.highlight(a.Body)
		}
	}
	return hits, more, nil
}

// sortStrings sorts s in place, French-friendly enough for short labels
// (accents folded first).
func sortStrings(s []string) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := foldName(s[i]), foldName(s[j])
		if a != b {
			return a < b
		}
		return s[i] < s[j]
	})
}
