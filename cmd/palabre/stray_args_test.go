package main

import (
	"io"
	"strings"
	"testing"
)

// A word before the flags stops Go's flag package: every flag after it
// went unread, so "serve foo --memory-limit-mib 600 --data D" served the
// default data directory (a new, empty one with a new master key) on the
// default address, without the limit, and said nothing.
func TestServeRefusesAnArgumentItDoesNotTake(t *testing.T) {
	dir := t.TempDir()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(name string) string {
		if name == "PALABRE_DATA" {
			return dir // so that the ignored --data does not fall back to ./palabre-data
		}
		return ""
	}}
	for _, args := range [][]string{
		{"foo", "--memory-limit-mib", "600", "--addr", "127.0.0.1:0"},
		{"--addr", "127.0.0.1:0", "foo"},
	} {
		c, _, err := m.serveSettings(args)
		if err == nil {
			t.Errorf("serve %s: accepted (memory limit %d MiB, addr %s); want the stray argument refused",
				strings.Join(args, " "), c.MemoryLimitMiB, c.Addr)
		}
	}
}
