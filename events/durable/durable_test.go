package durable_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/palabre/palabre/events/durable"
)

func TestAFileIsReplacedWholeAndOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	for _, body := range []string{"first\n", "second\n"} {
		if err := durable.WriteFile(path, []byte(body)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != body {
			t.Fatalf("read %q, %v; want %q", got, err, body)
		}
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatalf("the temporary file is left: %v", err)
	}
	if info, _ := os.Stat(path); runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", info.Mode().Perm())
	}
}

func TestSyncingAMissingDirectoryFails(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("directories are not synced on Windows")
	}
	if err := durable.SyncDir(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("no error for a missing directory")
	}
}
