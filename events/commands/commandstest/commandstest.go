// Package commandstest opens the real parts a command test needs — an
// embedded store, a key store and a handler — in a directory of their own,
// for tests and for property tests that open hundreds of them.
package commandstest

import (
	"bytes"
	"os"
	"path/filepath"
	"time"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// T is what Open needs of a *testing.T or a *rapid.T.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Env is a store, a key store and a handler sharing one directory.
type Env struct {
	Store   *pebblestore.Store
	Keys    *keystore.Store
	CodeKey []byte // what ids derived from codes are keyed with
	Handler *commands.Handler
	Dir     string
}

// Open creates an Env whose clock always reads now. Close it to remove the
// directory: each store preallocates its write-ahead log, so property tests
// must not leave hundreds behind until the test ends.
func Open(t T, now time.Time) *Env {
	t.Helper()
	return OpenWith(t, now, bytes.Repeat([]byte{7}, 32))
}

// OpenWith is Open under another master key: what a key derives (claims'
// and imported participants' ids) differs from one master key to another.
func OpenWith(t T, now time.Time, masterKey []byte) *Env {
	t.Helper()
	dir, err := os.MkdirTemp("", "palabre-test-")
	if err != nil {
		t.Fatalf("%v", err)
	}
	store, err := pebblestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		os.RemoveAll(dir)
		t.Fatalf("open store: %v", err)
	}
	keys, err := keystore.Open(filepath.Join(dir, "keys"), masterKey)
	if err != nil {
		store.Close()
		os.RemoveAll(dir)
		t.Fatalf("open key store: %v", err)
	}
	codeKey := keys.Secret(participant.CodeKeyPurpose)
	h := commands.New(store, refdata.Default(), &commands.Options{Keys: keys, CodeKey: codeKey, Clock: func() time.Time { return now }, MaxRetries: 20})
	return &Env{Store: store, Keys: keys, CodeKey: codeKey, Handler: h, Dir: dir}
}

// Close closes the store and removes the directory.
func (e *Env) Close() {
	e.Store.Close()
	os.RemoveAll(e.Dir)
}
