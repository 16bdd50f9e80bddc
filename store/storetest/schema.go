package storetest

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"guichet/store"
)

// Schema describes db's schema as sorted text lines, one per table column,
// index, constraint, trigger and (PostgreSQL) extension, function or text
// search configuration: two databases have the same schema when their
// Schema is equal. The migrator's own tables are left out.
func Schema(ctx context.Context, db *store.DB) (string, error) {
	var lines []string
	var err error
	if db.Driver() == store.DriverPostgres {
		lines, err = postgresSchema(ctx, db)
	} else {
		lines, err = sqliteSchema(ctx, db)
	}
	if err != nil {
		return "", err
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

// migratorTable reports the bun migrator's bookkeeping tables (and their
// sequences).
func migratorTable(name string) bool {
	return strings.HasPrefix(name, "bun_migration")
}

var spaces = regexp.MustCompile(`\s+`)

// squeeze collapses whitespace so formatting of the DDL does not count.
func squeeze(s string) string {
	s = spaces.ReplaceAllString(strings.TrimSpace(s), " ")
	s = strings.ReplaceAll(s, "( ", "(")
	return strings.ReplaceAll(s, " )", ")")
}

// queryStrings runs q and returns every row as its columns' text joined by
// " | ": catalogue text (which PostgreSQL sends as bytes for its name types).
func queryStrings(ctx context.Context, db *store.DB, q string, args ...any) ([]string, error) {
	return queryFormatted(ctx, db, func(v any) string {
		if b, ok := v.([]byte); ok {
			return string(b)
		}
		return FormatValue(v)
	}, q, args...)
}

// queryFormatted runs q and returns every row as its columns formatted by
// format, joined by " | ".
func queryFormatted(ctx context.Context, db *store.DB, format func(any) string, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("schema: %s: %w", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("schema: columns: %w", err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("schema: scan: %w", err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = format(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schema: rows: %w", err)
	}
	return out, nil
}

// FormatValue renders a scanned column value as text: NULL, hex for bytes,
// RFC 3339 for times, %v otherwise.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return "x" + hex.EncodeToString(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Sprintf("%v", x)
	}
}

func sqliteSchema(ctx context.Context, db *store.DB) ([]string, error) {
	objs, err := queryStrings(ctx, db,
		`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		 WHERE name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, o := range objs {
		f := strings.SplitN(o, " | ", 4)
		kind, name, table, ddl := f[0], f[1], f[2], f[3]
		if migratorTable(table) {
			continue
		}
		switch kind {
		case "table":
			if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
				lines = append(lines, "virtual "+name+": "+squeeze(ddl))
				continue
			}
			lines = append(lines, "table "+name+": "+squeeze(ddl))
			cols, err := queryStrings(ctx, db,
				`SELECT cid, name, type, "notnull", coalesce(dflt_value, 'NULL'), pk, hidden FROM pragma_table_xinfo(?)`, name)
			if err != nil {
				return nil, err
			}
			for _, c := range cols {
				lines = append(lines, "column "+name+": "+c)
			}
			fks, err := queryStrings(ctx, db,
				`SELECT "table", "from", coalesce("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?)`, name)
			if err != nil {
				return nil, err
			}
			for _, fk := range fks {
				lines = append(lines, "foreign key "+name+": "+fk)
			}
			ixs, err := queryStrings(ctx, db,
				`SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, name)
			if err != nil {
				return nil, err
			}
			for _, ix := range ixs {
				ixName := strings.SplitN(ix, " | ", 2)[0]
				cols, err := queryStrings(ctx, db,
					`SELECT seqno, coalesce(name, '(expr)'), "desc", coll, key FROM pragma_index_xinfo(?) WHERE key`, ixName)
				if err != nil {
					return nil, err
				}
				lines = append(lines, "index "+name+": "+ix+" | "+strings.Join(cols, ", "))
			}
		case "index":
			if ddl != "" {
				lines = append(lines, "index ddl "+name+": "+squeeze(ddl))
			}
		case "trigger", "view":
			lines = append(lines, kind+" "+name+": "+squeeze(ddl))
		}
	}
	return lines, nil
}

func postgresSchema(ctx context.Context, db *store.DB) ([]string, error) {
	var lines []string
	add := func(prefix, q string) error {
		rows, err := queryStrings(ctx, db, q)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if migratorTable(strings.SplitN(r, " | ", 2)[0]) {
				continue
			}
			lines = append(lines, prefix+" "+r)
		}
		return nil
	}
	steps := []struct{ prefix, q string }{
		{"table", `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public'`},
		{"column", `SELECT table_name, ordinal_position, column_name, data_type, udt_name,
			coalesce(character_maximum_length::text, ''), is_nullable, coalesce(column_default, 'NULL'),
			is_generated, coalesce(generation_expression, ''), is_identity
			FROM information_schema.columns WHERE table_schema = 'public'`},
		{"index", `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`},
		{"constraint", `SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
			WHERE n.nspname = 'public' AND c.conrelid <> 0`},
		{"sequence", `SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
			WHERE sequence_schema = 'public'`},
		{"trigger", `SELECT event_object_table, trigger_name, event_manipulation, action_statement
			FROM information_schema.triggers WHERE trigger_schema = 'public'`},
		{"extension", `SELECT extname FROM pg_extension`},
		{"function", `SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
			p.provolatile, p.proparallel, p.proisstrict, p.prosrc
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'`},
		{"text search configuration", `SELECT c.cfgname, t.alias, string_agg(d.dictname, ',' ORDER BY m.mapseqno)
			FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
			JOIN pg_ts_config_map m ON m.mapcfg = c.oid
			JOIN ts_token_type(c.cfgparser) t ON t.tokid = m.maptokentype
			JOIN pg_ts_dict d ON d.oid = m.mapdict
			WHERE n.nspname = 'public' GROUP BY c.cfgname, t.alias`},
	}
	for _, s := range steps {
		if err := add(s.prefix, s.q); err != nil {
			return nil, err
		}
	}
	for i, l := range lines {
		lines[i] = squeeze(l)
	}
	return lines, nil
}

// Tables lists db's tables (not views, virtual tables' shadow tables nor
// the migrator's tables), sorted.
func Tables(ctx context.Context, db *store.DB) ([]string, error) {
	var q string
	if db.Driver() == store.DriverPostgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
	} else {
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	}
	names, err := queryStrings(ctx, db, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if !migratorTable(n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Rows returns every row of table as text lines (columns in table order),
// sorted, so two databases hold the same rows when their Rows are equal.
// table must come from Tables.
func Rows(ctx context.Context, db *store.DB, table string) ([]string, error) {
	// #nosec G202 -- table is a name read from the database's own catalogue.
	rows, err := queryFormatted(ctx, db, FormatValue, `SELECT * FROM "`+table+`"`)
	if err != nil {
		return nil, err
	}
	sort.Strings(rows)
	return rows, nil
}
