package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Article is a knowledge-base article, written by the support of an
// académie (often from a ticket's solution). A shared article is read by
// every académie (mutualisation des solutions); others only by their own.
type Article struct {
	bun.BaseModel `bun:"table:kb_articles,alias:article"`

	ID          int64  `bun:"id,pk,autoincrement"`
	AcademyCode string `bun:"academy_code,notnull"`
	// Shared publishes the article to every académie.
	Shared bool   `bun:"shared,notnull,default:false"`
	Title  string `bun:"title,notnull"`
	// Body is Markdown; the web app renders it sanitised.
	Body         string `bun:"body,notnull"`
	CategoryID   *int64 `bun:"category_id"`
	CategoryPath string `bun:"category_path,notnull,default:''"`
	AuthorID     *int64 `bun:"author_id"`
	// SourceTicket is the number of the ticket whose solution the article
	// was written from ("" if none).
	SourceTicket string `bun:"source_ticket,notnull,default:''"`
	// Published articles are read by requesters; drafts only by support.
	Published bool `bun:"published,notnull,default:false"`
	// SolvedCount counts the tickets the article solved.
	SolvedCount int `bun:"solved_count,notnull,default:0"`
	// SolvedWithoutTicket counts the problems the article solved without a
	// ticket (kb_self_solved.go). The field is scan-only, read when a query
	// selects it (article.*, ArticleSolvedCounts), never written from the
	// model: only the counting queries change it, so saving an article
	// never overwrites a count made meanwhile.
	SolvedWithoutTicket int       `bun:"solved_without_ticket,scanonly"`
	CreatedAt           time.Time `bun:"created_at,notnull"`
	UpdatedAt           time.Time `bun:"updated_at,notnull"`

	// StemTitle and StemBody are the SQLite full-text shadow columns (French
	// stems of the folded words), written by the store only.
	StemTitle string `bun:"stem_title,notnull,default:''" json:"-"`
	StemBody  string `bun:"stem_body,notnull,default:''" json:"-"`
}

// prepareArticle validates a and fills its shadow columns for db's dialect.
func prepareArticle(db bun.IDB, a *Article) error {
	a.Title = strings.TrimSpace(a.Title)
	a.AcademyCode = strings.TrimSpace(a.AcademyCode)
	if a.Title == "" || a.AcademyCode == "" {
		return fmt.Errorf("a title and an académie are required")
	}
	a.StemTitle, a.StemBody = "", ""
	if db.Dialect().Name() != dialect.PG {
		a.StemTitle = stemText(a.Title)
		a.StemBody = stemText(a.CategoryPath + "\n" + a.Body)
	}
	return nil
}

// CreateArticle stores a new article and sets its ID and dates.
func (db *DB) CreateArticle(ctx context.Context, a *Article) error {
	if err := prepareArticle(db.DB, a); err != nil {
		return fmt.Errorf("store: create article: %w", err)
	}
	now := time.Now().UTC()
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	a.CreatedAt = a.CreatedAt.UTC()
	a.UpdatedAt = a.CreatedAt
	a.ID = 0
	if _, err := db.NewInsert().Model(a).Exec(ctx); err != nil {
		return fmt.Errorf("store: create article: %w", err)
	}
	return nil
}

// UpdateArticle saves the editable fields of an existing article (title,
// body, category, sharing, publication) and its update date. The
// académie, author, source ticket and counters are kept.
func (db *DB) UpdateArticle(ctx context.Context, a *Article) error {
	if err := prepareArticle(db.DB, a); err != nil {
		return fmt.Errorf("store: update article %d: %w", a.ID, err)
	}
	a.UpdatedAt = time.Now().UTC()
	res, err := db.NewUpdate().Model(a).
		Column("title", "body", "category_id", "category_path", "shared", "published", "updated_at", "stem_title", "stem_body").
		WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: update article %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update article %d: %w", a.ID, ErrNotFound)
	}
	return nil
}

// GetArticle returns an article by ID whoever asks, or an error wrapping
// ErrNotFound. Pages use VisibleArticle.
func (db *DB) GetArticle(ctx context.Context, id int64) (*Article, error) {
	a := new(Article)
	if err := db.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: article %d: %w", id, notFound(err))
	}
	return a, nil
}

// CanReadArticle reports whether v may read a: a global administrator reads
// everything; the support of the article's académie reads its drafts too;
// everyone reads the published articles of their home académie, of the
// académies they support, and the shared ones.
func (v Viewer) CanReadArticle(a *Article) bool {
	switch {
	case a == nil:
		return false
	case v.IsSupport(a.AcademyCode):
		return true
	case !a.Published:
		return false
	}
	return a.Shared || a.AcademyCode == v.AcademyCode
}

// CanEditArticle reports whether v may edit a: the support of its académie
// (or a global administrator).
func (v Viewer) CanEditArticle(a *Article) bool {
	return a != nil && v.IsSupport(a.AcademyCode)
}

// VisibleArticle returns article id if v may read it; a hidden article is
// reported as ErrNotFound, like a missing one.
func (db *DB) VisibleArticle(ctx context.Context, v Viewer, id int64) (*Article, error) {
	a, err := db.GetArticle(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.CanReadArticle(a) {
		return nil, fmt.Errorf("store: article %d: %w", id, ErrNotFound)
	}
	return a, nil
}

// visibleArticlesAs restricts a select on kb_articles (aliased alias) to
// what v may read (the SQL form of CanReadArticle).
func visibleArticlesAs(v Viewer, alias string) func(*bun.SelectQuery) *bun.SelectQuery {
	col := func(name string) bun.Ident { return bun.Ident(alias + "." + name) }
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if v.GlobalAdmin {
			return q
		}
		return q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.WhereOr("(? = ? AND (? = ? OR ? = ?))",
				col("published"), true, col("shared"), true, col("academy_code"), v.AcademyCode)
			if len(v.SupportIn) > 0 {
				q = q.WhereOr("? IN (?)", col("academy_code"), bun.In(v.SupportIn))
			}
			return q
		})
	}
}

// ArticleFilter selects articles of the knowledge base list.
type ArticleFilter struct {
	// Category keeps articles whose category path is this one or below it
	// ("Matériel" keeps "Matériel › Écran").
	Category string
	// Limit defaults to 20 (at most 100).
	Limit  int
	Offset int
}

// ListArticles returns the articles v may read, most recently updated
// first, and whether more follow.
func (db *DB) ListArticles(ctx context.Context, v Viewer, f ArticleFilter) ([]Article, bool, error) {
	limit := clampLimit(f.Limit)
	var as []Article
	q := db.NewSelect().Model(&as).
		ExcludeColumn("stem_title", "stem_body").
		Apply(visibleArticlesAs(v, "article")).
		OrderExpr("article.updated_at DESC, article.id DESC").
		Limit(limit + 1).Offset(max(f.Offset, 0))
	q = q.Apply(articleCategory(f.Category))
	if err := q.Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("store: list articles: %w", err)
	}
	more := len(as) > limit
	if more {
		as = as[:limit]
	}
	return as, more, nil
}

// articleCategory keeps the articles (aliased article) of category path
// category or below it; "" keeps all.
func articleCategory(category string) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery {
		if category == "" {
			return q
		}
		return q.Where("(article.category_path = ? OR article.category_path LIKE ? ESCAPE '\\')",
			category, likePrefix(category+PathSeparator))
	}
}

// ArticleCategories returns the top-level categories (first element of the
// path) of the articles v may read, sorted, for the list's filter.
func (db *DB) ArticleCategories(ctx context.Context, v Viewer) ([]string, error) {
	var paths []string
	err := db.NewSelect().Model((*Article)(nil)).
		ColumnExpr("DISTINCT article.category_path").
		Apply(visibleArticlesAs(v, "article")).
		Where("article.category_path <> ''").
		Scan(ctx, &paths)
	if err != nil {
		return nil, fmt.Errorf("store: article categories: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		top, _, _ := strings.Cut(p, PathSeparator)
		if !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	sortStrings(out)
	return out, nil
}

// CountArticleSolved adds one to the number of tickets article id solved.
func (db *DB) CountArticleSolved(ctx context.Context, id int64) error {
	res, err := db.NewUpdate().Model((*Article)(nil)).
		Set("solved_count = solved_count + 1").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: count article %d solved: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: count article %d solved: %w", id, ErrNotFound)
	}
	return nil
}

// clampLimit brings a page size into 1…100, 20 by default.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 20
	case n > 100:
		return 100
	}
	return n
}

// likePrefix escapes the LIKE wildcards of s (with backslash, the escape
// character the queries name) and appends %: a prefix match.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
