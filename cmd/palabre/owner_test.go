//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/pebblestore"
)

// A data directory made beforehand, 0755 with a 0644 file, is made
// owner-only by the first command that uses it, which says so naming the
// paths; what the command writes is owner-only too.
func TestADataDirectoryOpenToOthersIsTightenedWithAWarning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	loosen(t, dir, 0o755)
	tokens := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokens, []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	loosen(t, tokens, 0o644)
	_, stderr, err := run(t, nil, "token", "create", "--data", dir, "--role", "analyst")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, tokens} {
		if !strings.Contains(stderr, path+" ") {
			t.Errorf("the warning does not name %s:\n%s", path, stderr)
		}
		if info, _ := os.Stat(path); info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is still %v", path, info.Mode().Perm())
		}
	}
}

// doctor warns about every path of a data directory that group or others
// may use, naming it.
func TestDoctorWarnsAboutAccessByGroupOrOthers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(dir, "events")
	loosen(t, dir, 0o755)
	loosen(t, events, 0o750)
	out, _, _ := run(t, nil, "doctor", "--data", dir)
	for _, path := range []string{dir, events} {
		if !strings.Contains(out, path+" ") {
			t.Errorf("doctor does not name %s:\n%s", path, out)
		}
	}
	if !strings.Contains(out, "WARNING  permissions") {
		t.Errorf("doctor does not warn:\n%s", out)
	}
	out, _, _ = run(t, nil, "doctor", "--data", dir)
	if !strings.Contains(out, "ok       permissions") {
		t.Errorf("a second doctor, after the first opened and tightened it:\n%s", out)
	}
}

func loosen(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}
