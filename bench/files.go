package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
)

// WriteReport writes out/BENCHMARKS.md (keeping the hand-written end
// of the one there) and out/benchmarks.json, each replaced whole; with no
// out, the document goes to stdout.
func WriteReport(out string, a *Assembly, js []byte, stdout io.Writer) error {
	var md bytes.Buffer
	if out == "" {
		if err := a.WriteDocument(&md, ""); err != nil {
			return err
		}
		_, err := stdout.Write(md.Bytes())
		return err
	}
	mdPath := filepath.Join(out, "BENCHMARKS.md")
	tail := ""
	switch existing, err := os.ReadFile(mdPath); { // #nosec G304 -- the operator's --out directory
	case err == nil:
		tail = HandWritten(existing)
	case !errors.Is(err, os.ErrNotExist):
		return err
	}
	if err := a.WriteDocument(&md, tail); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return err
	}
	if err := replaceFile(mdPath, md.Bytes()); err != nil {
		return err
	}
	return replaceFile(filepath.Join(out, "benchmarks.json"), js)
}

// replaceFile writes data to a temporary file next to path, then renames
// it over path, so that a failed write leaves the old file whole.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // #nosec G104 -- gone after the rename; only a failed write leaves it
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // #nosec G302 -- a public report committed under docs/
		_ = tmp.Close() // the chmod error is the one to report
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// profiler returns the Options.Profile hook: a CPU profile of the load and
// the allocations made during it, written to dir and summarised with
// `go tool pprof -top` into *tops.
func profiler(dir string, tops *[]ProfileTop) func(string) (func() error, error) {
	return func(name string) (func() error, error) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		cpuFile := filepath.Join(dir, name+"-cpu.pprof")
		allocBase := filepath.Join(dir, name+"-allocs-before.pprof")
		allocFile := filepath.Join(dir, name+"-allocs.pprof")
		if err := writeProfile("allocs", allocBase); err != nil {
			return nil, err
		}
		cf, err := os.Create(cpuFile) // #nosec G304 -- under the operator's --profile directory, named after a scenario
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cf); err != nil {
			_ = cf.Close() // the profiler error is the one to report
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		return func() error {
			pprof.StopCPUProfile()
			if err := cf.Close(); err != nil {
				return err
			}
			if err := writeProfile("allocs", allocFile); err != nil {
				return err
			}
			*tops = append(*tops,
				ProfileTop{Kind: "cpu, flat", File: cpuFile, Top: pprofTop(cpuFile)},
				ProfileTop{Kind: "cpu, cumulative", File: cpuFile, Top: pprofTop("-cum", cpuFile)},
				ProfileTop{Kind: "alloc_space (during the load)", File: allocFile,
					Top: pprofTop("-sample_index=alloc_space", "-base", allocBase, allocFile)})
			return nil
		}, nil
	}
}

func writeProfile(name, path string) error {
	f, err := os.Create(path) // #nosec G304 -- under the operator's --profile directory, named after a scenario
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		_ = f.Close() // the profile error is the one to report
		return fmt.Errorf("%s profile: %w", name, err)
	}
	return f.Close()
}

// pprofTop runs `go tool pprof -top` (the Go toolchain must be on PATH, as
// under `go run`) and keeps its table's head.
func pprofTop(args ...string) []string {
	cmdArgs := append([]string{"tool", "pprof", "-top", "-nodecount=30"}, args...)
	out, err := exec.Command("go", cmdArgs...).CombinedOutput() // #nosec G204 -- fixed `go tool pprof` on profile files this command wrote; no shell
	if err != nil {
		return []string{fmt.Sprintf("go %s: %v", strings.Join(cmdArgs, " "), err)}
	}
	var lines []string
	keep := false
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if strings.HasPrefix(l, "Showing nodes") || strings.HasPrefix(l, "      flat") {
			keep = true
		}
		if keep {
			lines = append(lines, l)
		}
	}
	return lines
}
