package command

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheDevReplySecretIsReadableByItsOwnerOnly(t *testing.T) {
	mode := func(t *testing.T, path string) os.FileMode {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return info.Mode().Perm()
	}
	t.Run("a new secret is written 0600 and kept across calls", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "reply-secret")
		first, err := devSecret(path)
		if err != nil {
			t.Fatal(err)
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("mode %v, want 0600", m)
		}
		again, err := devSecret(path)
		if err != nil || again != first {
			t.Errorf("second call = %q, %v; want the first secret", again, err)
		}
	})
	t.Run("an existing secret readable by others is tightened", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "reply-secret")
		want := strings.Repeat("ab", 32)
		if err := os.WriteFile(path, []byte(want), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := devSecret(path)
		if err != nil || got != want {
			t.Fatalf("devSecret = %q, %v; want the existing secret", got, err)
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("mode %v, want 0600", m)
		}
	})
	t.Run("a leftover too short to use is replaced by a private file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "reply-secret")
		if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := devSecret(path)
		if err != nil || len(got) < 32 {
			t.Fatalf("devSecret = %q, %v; want a new secret", got, err)
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("mode %v, want 0600", m)
		}
	})
}
