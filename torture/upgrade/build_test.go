package upgrade

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// release is a build of Guichet the drill runs.
type release struct {
	name   string // "v0.1.0 (6ec12e6)" or "working tree"
	binary string
}

// repoRoot returns the repository root (two levels above this package).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at the repository root %s: %v", root, err)
	}
	return root
}

var releaseLine = regexp.MustCompile(`^([0-9a-f]{40})\s+(\S+)$`)

// previousRelease reads deploy/previous-release: the full commit hash and
// the tag of the previous release.
func previousRelease(root string) (commit, tag string, err error) {
	path := filepath.Join(root, "deploy", "previous-release")
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := releaseLine.FindStringSubmatch(line)
		if m == nil {
			return "", "", fmt.Errorf("%s: %q is not \"<40-hex commit> <tag>\"", path, line)
		}
		return m[1], m[2], nil
	}
	if err := sc.Err(); err != nil {
		return "", "", err
	}
	return "", "", fmt.Errorf("%s names no release", path)
}

// unavailable skips the test, or fails it when the drill is required
// (GUICHET_UPGRADE_DRILL_REQUIRED=1, as `make upgrade-drill` sets).
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("GUICHET_UPGRADE_DRILL_REQUIRED") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (GUICHET_UPGRADE_DRILL_REQUIRED=1 makes this a failure)")
}

// goBuild builds the main package of dir into out. The flags are go test's
// defaults, so the dependencies come from the build cache `make test` fills.
func goBuild(t *testing.T, dir, out string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
}

// buildPrevious builds the previous release from git history. Its source
// and binary are kept under the user cache directory, keyed by commit and Go
// version: a later run reuses the binary, and a rebuild reuses the build
// cache (the source path is part of the cache key).
func buildPrevious(t *testing.T, root string) release {
	t.Helper()
	commit, tag, err := previousRelease(root)
	if err != nil {
		unavailable(t, "upgrade drill: no previous release: %v", err)
	}
	name := fmt.Sprintf("%s (%s)", tag, commit[:7])
	if _, err := exec.LookPath("git"); err != nil {
		unavailable(t, "upgrade drill: git is not installed, cannot extract %s", name)
	}
	check := exec.Command("git", "cat-file", "-e", commit+"^{commit}")
	check.Dir = root
	if err := check.Run(); err != nil {
		unavailable(t, "upgrade drill: the previous release %s is not in this clone's history (a shallow clone?); "+
			"fetch it with `git fetch --unshallow` or `git fetch origin %s`", name, commit)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "guichet-upgrade-drill", commit+"-"+runtime.Version())
	bin := filepath.Join(dir, "guichet")
	if _, err := os.Stat(bin); err == nil {
		t.Logf("old build: %s, reused %s", name, bin)
		return release{name: name, binary: bin}
	}
	src := filepath.Join(dir, "src")
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	archive := exec.Command("git", "archive", "--format=tar", commit)
	archive.Dir = root
	var tarball, stderr bytes.Buffer
	archive.Stdout, archive.Stderr = &tarball, &stderr
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", commit, err, stderr.String())
	}
	untar := exec.Command("tar", "-x", "-C", src)
	untar.Stdin = &tarball
	if b, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("tar -x: %v\n%s", err, b)
	}
	tmp := bin + ".tmp"
	goBuild(t, src, tmp)
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	t.Logf("old build: %s, built in %s", name, time.Since(start).Round(time.Second))
	return release{name: name, binary: bin}
}

// buildCurrent builds the working tree (with its uncommitted changes), or
// the tree GUICHET_UPGRADE_DRILL_NEW_DIR names (to check that the drill
// catches a breaking change made in a copy).
func buildCurrent(t *testing.T, root string) release {
	t.Helper()
	name, dir := "working tree", root
	if d := os.Getenv("GUICHET_UPGRADE_DRILL_NEW_DIR"); d != "" {
		name, dir = d, d
	}
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "guichet")
	goBuild(t, dir, bin)
	t.Logf("new build: %s, built in %s", name, time.Since(start).Round(time.Second))
	return release{name: name, binary: bin}
}

func TestThePreviousReleaseFileNamesAFullCommitAndATag(t *testing.T) {
	commit, tag, err := previousRelease(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(commit) != 40 || !strings.HasPrefix(tag, "v") {
		t.Fatalf("deploy/previous-release: commit %q, tag %q", commit, tag)
	}
	t.Run("a short hash or a missing tag is refused", func(t *testing.T) {
		for _, line := range []string{"6ec12e6 v0.1.0", "6ec12e6a0d0093e83a86bcac021f8511894a2564", ""} {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "deploy"), 0o755); err != nil {
				t.Fatal(err)
			}
			body := "# comment\n" + line + "\n"
			if err := os.WriteFile(filepath.Join(dir, "deploy", "previous-release"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if c, tg, err := previousRelease(dir); err == nil {
				t.Errorf("%q accepted as commit %q, tag %q", line, c, tg)
			}
		}
	})
}

func TestAReleaseMissingFromTheCloneSkipsTheDrill(t *testing.T) {
	t.Setenv("GUICHET_UPGRADE_DRILL_REQUIRED", "")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "deploy"), 0o755); err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("0", 40) + " v0.0.0\n"
	if err := os.WriteFile(filepath.Join(dir, "deploy", "previous-release"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	var inner *testing.T
	t.Run("drill", func(t *testing.T) {
		inner = t
		buildPrevious(t, dir)
	})
	if !inner.Skipped() {
		t.Fatal("the drill was not skipped")
	}
}
