package access

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Review of issue 23: a sign-in or sign-out line the power cut short
// ends the journal's replay, but the journal is appended to after it,
// so everything written after the cut is lost at the next restart:
// a session signed out (or ended by the cap) comes back to life.
func TestSignOutAfterATornJournalLineStaysSignedOutAfterRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	tokens, err := OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(NewToken{Subject: "fatou", Role: Advocacy, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	from := netip.MustParseAddr("192.0.2.1")
	stolen, _, _, err := tokens.OpenSession(secret, from)
	if err != nil {
		t.Fatal(err)
	}

	// The power goes while a sign-in's line is being written.
	journal, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := journal.WriteString(`{"token":"01M8XMAT0TJXNBV6WE7MSXPDJ1","open":"ab`); err != nil {
		t.Fatal(err)
	}
	journal.Close()

	// The server comes back; the device is seized, its holder signs out.
	tokens, err = OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.CloseSession(stolen); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateSession(stolen); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("signed out, the session still authenticates: %v", err)
	}

	// At the next restart the sign-out must still hold.
	tokens, err = OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := tokens.AuthenticateSession(stolen); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a session signed out after a torn journal line is open again after a restart (as %s): the sign-out was appended after the torn line and never replayed", who.Subject)
	}
}
