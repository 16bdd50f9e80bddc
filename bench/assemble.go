package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// The sections of a run, as named by --sections.
const (
	SectionCreation  = "creation"
	SectionLifecycle = "lifecycle"
	SectionOpen      = "open"
	SectionReads     = "reads"
)

// HandWrittenMarker is the line of docs/BENCHMARKS.md after which the text
// is written by hand: `guichet bench` keeps it when it rewrites the file.
const HandWrittenMarker = "<!-- hand-written below: kept by guichet bench -->"

// RunsFormat names the JSON of an assembled report (RunSet).
const RunsFormat = "guichet-bench-runs/1"

// RunSet is the JSON of an assembled report: the runs it shows, each
// holding only the sections the document takes from it.
type RunSet struct {
	Format string    `json:"format"`
	Runs   []*Report `json:"runs"`
}

// ShapeView is what the document shows of one shape: for each section,
// the run it comes from.
type ShapeView struct {
	Name     string
	Sections map[string]*Report
}

// Assembly is several runs put together: for each shape and section, the
// latest run that holds it.
type Assembly struct {
	// Shapes in document order: embedded, production, then any other.
	Shapes []*ShapeView
	// Runs are the runs shown, trimmed to the sections shown from each.
	Runs []*Report
}

// sectionsOf lists the sections a run holds, in order.
func sectionsOf(r *Report) []string {
	var out []string
	if len(r.Creation) > 0 {
		out = append(out, SectionCreation)
	}
	if len(r.Lifecycle) > 0 {
		out = append(out, SectionLifecycle)
	}
	if r.Open != nil {
		out = append(out, SectionOpen)
	}
	if r.Reads != nil {
		out = append(out, SectionReads)
	}
	return out
}

func shapeRank(name string) int {
	switch name {
	case "embedded":
		return 0
	case "production":
		return 1
	}
	return 2
}

// viewOf is the view of a single run.
func viewOf(r *Report) *ShapeView {
	v := &ShapeView{Name: r.Shape.Name, Sections: map[string]*Report{}}
	for _, s := range sectionsOf(r) {
		v.Sections[s] = r
	}
	return v
}

// Assemble puts runs together. For each shape and section the document
// shows the latest run holding it: latest by start time, and among runs
// started at the same time the last given. The embedded and production
// shapes are always present, empty when no run has them.
func Assemble(runs []*Report) *Assembly {
	sorted := make([]*Report, len(runs))
	copy(sorted, runs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Started.Before(sorted[j].Started) })
	byShape := map[string]*ShapeView{}
	a := &Assembly{}
	view := func(name string) *ShapeView {
		if v, ok := byShape[name]; ok {
			return v
		}
		v := &ShapeView{Name: name, Sections: map[string]*Report{}}
		byShape[name] = v
		a.Shapes = append(a.Shapes, v)
		return v
	}
	view("embedded")
	view("production")
	for _, r := range sorted {
		v := view(r.Shape.Name)
		for _, s := range sectionsOf(r) {
			v.Sections[s] = r
		}
	}
	sort.SliceStable(a.Shapes, func(i, j int) bool {
		ri, rj := shapeRank(a.Shapes[i].Name), shapeRank(a.Shapes[j].Name)
		if ri != rj {
			return ri < rj
		}
		return ri == 2 && a.Shapes[i].Name < a.Shapes[j].Name
	})
	// The JSON keeps each run with only the sections shown from it.
	for _, v := range a.Shapes {
		for _, r := range sorted {
			if r.Shape.Name != v.Name {
				continue
			}
			t := *r
			t.Creation, t.Lifecycle, t.Open, t.Reads, t.Profiles = nil, nil, nil, nil, nil
			kept := false
			for s, w := range v.Sections {
				if w != r {
					continue
				}
				kept = true
				switch s {
				case SectionCreation:
					t.Creation, t.Profiles = r.Creation, r.Profiles
				case SectionLifecycle:
					t.Lifecycle = r.Lifecycle
				case SectionOpen:
					t.Open = r.Open
				case SectionReads:
					t.Reads = r.Reads
				}
			}
			if kept {
				a.Runs = append(a.Runs, &t)
			}
		}
	}
	return a
}

// ParseRuns reads the runs of a benchmarks.json: a single run (what
// `guichet bench` writes for its own run, in every version so far), an
// assembled report (RunSet) or a JSON array of runs.
func ParseRuns(data []byte) ([]*Report, error) {
	data = bytes.TrimSpace(data)
	var runs []*Report
	switch {
	case len(data) == 0:
		return nil, errors.New("empty file")
	case data[0] == '[':
		if err := json.Unmarshal(data, &runs); err != nil {
			return nil, fmt.Errorf("not a list of runs: %w", err)
		}
	case data[0] == '{':
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(data, &keys); err != nil {
			return nil, fmt.Errorf("bad JSON: %w", err)
		}
		if _, ok := keys["runs"]; ok {
			var set RunSet
			if err := json.Unmarshal(data, &set); err != nil {
				return nil, fmt.Errorf("not an assembled report: %w", err)
			}
			if set.Format != "" && set.Format != RunsFormat {
				return nil, fmt.Errorf("format %q, this binary reads %q", set.Format, RunsFormat)
			}
			runs = set.Runs
			break
		}
		if _, ok := keys["shape"]; !ok {
			return nil, errors.New("neither a run (no \"shape\") nor an assembled report (no \"runs\")")
		}
		var r Report
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("not a run: %w", err)
		}
		runs = []*Report{&r}
	default:
		return nil, errors.New("bad JSON: neither an object nor an array")
	}
	for i, r := range runs {
		if r == nil || r.Shape.Name == "" {
			return nil, fmt.Errorf("run %d has no shape name", i+1)
		}
		if r.Started.IsZero() {
			return nil, fmt.Errorf("run %d has no start time", i+1)
		}
	}
	return runs, nil
}

// ReadRuns reads the runs of each file, in order, and refuses a set of
// files that holds no section at all.
func ReadRuns(paths []string) ([]*Report, error) {
	if len(paths) == 0 {
		return nil, errors.New("no benchmarks.json given")
	}
	var all []*Report
	for _, p := range paths {
		data, err := os.ReadFile(p) // #nosec G304 -- files the operator names on the command line
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		runs, err := ParseRuns(data)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", p, err)
		}
		all = append(all, runs...)
	}
	for _, r := range all {
		if len(sectionsOf(r)) > 0 {
			return all, nil
		}
	}
	return nil, fmt.Errorf("bench: no section measured in %s", strings.Join(paths, ", "))
}

// HandWritten returns the hand-written end of an existing
// docs/BENCHMARKS.md: from the HandWrittenMarker line to the end, or ""
// when the document has no marker.
func HandWritten(existing []byte) string {
	s := string(existing)
	for i := 0; ; {
		j := strings.Index(s[i:], HandWrittenMarker)
		if j < 0 {
			return ""
		}
		at := i + j
		// Only a marker alone at the start of a line counts (not one
		// quoted in the text above it).
		if at == 0 || s[at-1] == '\n' {
			return s[at:]
		}
		i = at + len(HandWrittenMarker)
	}
}

// WriteJSON writes the assembled runs (RunSet) as indented JSON.
func (a *Assembly) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(RunSet{Format: RunsFormat, Runs: a.Runs}); err != nil {
		return fmt.Errorf("bench: write json: %w", err)
	}
	return nil
}

// shapeTitle is the heading of a shape's results.
func shapeTitle(name string) string {
	switch name {
	case "embedded":
		return "embedded default (application database and Temporal on SQLite, in one process)"
	case "production":
		return "production shape (application database on PostgreSQL, Temporal persisted in PostgreSQL)"
	}
	return name + " shape"
}

// shapeCommand is how to produce a shape's runs, for an empty shape.
func shapeCommand(name string) string {
	if name == "production" {
		return "`.ci/with-postgres sh -c 'go run . bench --shape production --postgres \"$GUICHET_TEST_POSTGRES_DSN\" --out /tmp/prod'`"
	}
	return "`go run . bench --out /tmp/embedded`"
}

// writeShapeResults writes the sections of one shape, each from its run.
func writeShapeResults(w io.Writer, v *ShapeView) {
	fmt.Fprintf(w, "## Results — %s\n\n", shapeTitle(v.Name))
	if len(v.Sections) == 0 {
		fmt.Fprintf(w, "No run of this shape is in this document yet: run %s, then add its `benchmarks.json` with `guichet bench report`.\n\n", shapeCommand(v.Name))
		return
	}
	var shown []*Report
	seen := map[*Report]string{} // run → the first section showing it
	for i, s := range Sections() {
		r := v.Sections[s]
		if r == nil {
			continue
		}
		switch s {
		case SectionCreation:
			writeCreation(w, r, seen)
		case SectionLifecycle:
			writeLifecycle(w, r, seen)
		case SectionOpen:
			writeOpen(w, r, seen)
		case SectionReads:
			writeReads(w, r, seen)
		}
		if _, ok := seen[r]; !ok {
			seen[r] = fmt.Sprintf("section %d", i+1)
			shown = append(shown, r)
		}
	}
	var missing []string
	for _, s := range Sections() {
		if v.Sections[s] == nil {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "Not measured on this shape in this document: %s.\n\n", strings.Join(missing, ", "))
	}
	for _, r := range shown {
		if len(r.Notes) == 0 {
			continue
		}
		fmt.Fprintf(w, "Notes of the run of %s:\n\n", runDate(r))
		for _, n := range r.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		fmt.Fprintln(w)
	}
}

// writeTargets writes the targets: on the production shape, then
// on the embedded default for information.
func (a *Assembly) writeTargets(w io.Writer) {
	fmt.Fprint(w, "## Targets of the issue\n\n")
	fmt.Fprint(w, "Set for this 2-core machine on the production shape at concurrency 32: creation at 50 % or more of the bare Temporal start rate measured in the same run, each action's p99 under 100 ms, 100,000 open tickets under 1 GiB of worker resident memory. The open-tickets section runs the worker as a separate `guichet worker` process and checks its RSS; runs made before that measured the whole process (the Temporal server, the web app and the worker in one), an upper bound of the worker's, and are checked on it.\n\n")
	for _, v := range a.Shapes {
		switch v.Name {
		case "production":
			fmt.Fprint(w, "On the production shape:\n\n")
		case "embedded":
			fmt.Fprint(w, "On the embedded default, for information:\n\n")
		default:
			fmt.Fprintf(w, "On the %s shape, for information:\n\n", v.Name)
		}
		if len(v.Sections) == 0 {
			fmt.Fprint(w, "- Not measured: no run of this shape in this document.\n\n")
			continue
		}
		for _, line := range targetLines(v, true) {
			fmt.Fprintf(w, "- %s\n", line)
		}
		fmt.Fprintln(w)
	}
}

// WriteDocument writes the whole docs/BENCHMARKS.md: the fixed method, the
// issue's targets, each shape's sections with the run each comes from, what
// was changed because of the figures, and the hand-written end (see
// HandWritten; the marker line is written when it is empty).
func (a *Assembly) WriteDocument(w io.Writer, handWritten string) error {
	var b bytes.Buffer
	b.WriteString(documentHead)
	// The production shape's targets come first: they are the issue's.
	order := append([]*ShapeView(nil), a.Shapes...)
	sort.SliceStable(order, func(i, j int) bool { return order[i].Name == "production" && order[j].Name != "production" })
	(&Assembly{Shapes: order}).writeTargets(&b)
	for _, v := range a.Shapes {
		writeShapeResults(&b, v)
	}
	b.WriteString(documentChanges)
	if handWritten == "" {
		handWritten = HandWrittenMarker + "\n"
	}
	b.WriteString(handWritten)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("bench: write document: %w", err)
	}
	return nil
}
