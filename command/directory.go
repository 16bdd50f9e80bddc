package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"guichet/assembly"
	"guichet/config"
	"guichet/identity"
)

// runDirectory runs `guichet directory import [flags] FILE`: the people of
// a CSV file are imported into the directory with a progress bar; bad rows
// are listed with their line number and skipped. The exit status is 0 when
// every row was imported, 1 when some were skipped or the import failed, 2
// for a bad command line or configuration.
func runDirectory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "usage: guichet directory import [--config FILE] [--data-dir DIR] [--academie CODE] FICHIER.csv\n")
		return usageError("directory", nil)
	}
	fs := flag.NewFlagSet("guichet directory import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	dataDir := fs.String("data-dir", "", "data directory")
	academy := fs.String("academie", "", "académie of the rows without an académie column")
	if err := parseFlags("directory import", fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("directory import", errors.New("give one CSV file"))
	}
	cfg, err := loadFlagsConfig(*path, *dataDir)
	if err != nil {
		return usageError("directory", err)
	}
	skipped, err := importDirectory(ctx, cfg, fs.Arg(0), strings.ToLower(*academy), stdout)
	if err != nil {
		return failed("directory import", err)
	}
	if skipped > 0 {
		return failed("directory import", nil)
	}
	return nil
}

// importDirectory imports file and reports on out; it returns how many
// rows were skipped.
func importDirectory(ctx context.Context, cfg config.Config, file, academy string, out io.Writer) (int, error) {
	f, err := os.Open(file) // #nosec G304 -- the CSV file the operator names on the command line
	if err != nil {
		return 0, err
	}
	defer f.Close()
	db, err := assembly.OpenStore(ctx, cfg, true)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	svc := identity.New(cfg, db, assembly.NewLogger(cfg.Log, io.Discard))
	bar := newProgressBar(out)
	res, err := svc.ImportCSV(ctx, f, identity.ImportOptions{Name: filepath.Base(file), Academy: academy, Progress: bar.update})
	bar.done()
	if msg := identity.FileProblem(err); msg != "" {
		return 0, errors.New(msg)
	}
	if err != nil {
		return 0, err
	}
	for _, e := range res.Skipped {
		fmt.Fprintf(out, "ignorée : %s\n", e)
	}
	fmt.Fprintf(out, "%d ligne(s) lue(s) : %d ajoutée(s), %d mise(s) à jour, %d inchangée(s), %d ignorée(s).\n",
		res.Rows, res.Run.Added, res.Run.Updated, res.Run.Unchanged, len(res.Skipped))
	return len(res.Skipped), nil
}

// progressBar draws "[=====>      ]  42 % (2100/5000)" on one line,
// redrawn in place (carriage return); on something other than a terminal it
// prints only the end.
type progressBar struct {
	out      io.Writer
	terminal bool
	last     int
	total    int
}

func newProgressBar(out io.Writer) *progressBar {
	b := &progressBar{out: out, last: -1}
	if f, ok := out.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.terminal = true
		}
	}
	return b
}

func (b *progressBar) update(done, total int) {
	b.total = total
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	if !b.terminal || pct == b.last {
		return
	}
	b.last = pct
	const width = 30
	filled := width * pct / 100
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	if filled < width {
		bar = strings.Repeat("=", filled) + ">" + strings.Repeat(" ", width-filled-1)
	}
	fmt.Fprintf(b.out, "\rimport [%s] %3d %% (%d/%d)", bar, pct, done, total)
}

func (b *progressBar) done() {
	if b.terminal && b.last >= 0 {
		fmt.Fprintln(b.out)
	}
}
