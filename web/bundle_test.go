package web

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// installed runs npm ci once for the package's tests.
var installed sync.Once

// npm runs an npm command in the web app's folder, or skips the test when
// there is no npm (the bundle is committed: building palabre needs Go only).
func npm(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed: the web app's sources cannot be built here")
	}
	cmd := exec.Command("npm", args...)
	cmd.Env = append(os.Environ(), "CI=true", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestTheCommittedBundleIsBuiltFromTheSources rebuilds the web app from
// src/ with the locked dependencies and compares it with dist/, file by
// file: run `make web` after changing the sources.
func TestTheCommittedBundleIsBuiltFromTheSources(t *testing.T) {
	installed.Do(func() { npm(t, "ci", "--no-audit", "--no-fund") })
	out := t.TempDir()
	npm(t, "run", "build", "--", "--outDir", out, "--emptyOutDir")
	built := files(t, os.DirFS(out))
	committed := files(t, Files())
	for name, b := range built {
		c, ok := committed[name]
		switch {
		case !ok:
			t.Errorf("dist/ lacks %s: run make web", name)
		case !bytes.Equal(b, c):
			t.Errorf("dist/%s differs from the sources' build: run make web", name)
		}
	}
	for name := range committed {
		if _, ok := built[name]; !ok {
			t.Errorf("dist/%s is not built from the sources any more: run make web", name)
		}
	}
}

// TestTheWebAppsUnitTests runs Vitest: the outbox, the encryption, the
// form checks and the catalogues.
func TestTheWebAppsUnitTests(t *testing.T) {
	installed.Do(func() { npm(t, "ci", "--no-audit", "--no-fund") })
	t.Log(npm(t, "test"))
}

func files(t *testing.T, fsys fs.FS) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		out[filepath.ToSlash(path)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
