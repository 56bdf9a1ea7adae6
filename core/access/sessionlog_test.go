package access

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A sign-in or sign-out line the power cut short ends the journal's
// replay: were the journal appended to after it, everything written after
// the cut would be lost at the next restart, and a session signed out (or
// ended by the cap) would come back to life.
func TestSignOutAfterATornJournalLineStaysSignedOutAfterRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	tokens, err := OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(context.Background(), NewToken{Subject: "fatou", Role: Advocacy, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	from := netip.MustParseAddr("192.0.2.1")
	stolen, _, _, err := tokens.OpenSession(context.Background(), secret, from)
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
	if err := tokens.CloseSession(context.Background(), stolen); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.AuthenticateSession(context.Background(), stolen); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("signed out, the session still authenticates: %v", err)
	}

	// At the next restart the sign-out must still hold.
	tokens, err = OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := tokens.AuthenticateSession(context.Background(), stolen); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("a session signed out after a torn journal line is open again after a restart (as %s): the sign-out was appended after the torn line and never replayed", who.Subject)
	}
}

// A journal written by an older build may already hold lines appended
// after a torn one: the first glued onto it, the others after. Replay
// finds them all, so that the sign-outs they hold still count.
func TestLinesAppendedAfterATornLineByAnOlderBuildAreReplayed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	tokens, err := OpenTokens(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := tokens.Create(context.Background(), NewToken{Subject: "fatou", Role: Advocacy, TTL: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var sessions [3]string
	for i := range sessions {
		if sessions[i], _, _, err = tokens.OpenSession(context.Background(), secret, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	hashes := map[string]string{}
	for _, tok := range MustList(t, tokens) {
		for i, s := range tok.Sessions {
			hashes[sessions[i]] = s.Hash
		}
		id := tok.ID
		// Sign-outs of the first two sessions, written after a torn line
		// as older builds did: glued onto it, then on a line of its own.
		damaged := `{"token":"` + id + `","open":"ab` +
			`{"token":"` + id + `","end":["` + hashes[sessions[0]] + `"]}` + "\n" +
			`{"token":"` + id + `","end":["` + hashes[sessions[1]] + `"]}` + "\n"
		journal, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := journal.WriteString(damaged); err != nil {
			t.Fatal(err)
		}
		journal.Close()
	}
	for range 2 { // the damaged journal, then the one written again at start
		if tokens, err = OpenTokens(path, nil, nil); err != nil {
			t.Fatal(err)
		}
		for i, s := range sessions {
			_, err := tokens.AuthenticateSession(context.Background(), s)
			if signedOut := i < 2; signedOut != errors.Is(err, ErrUnauthenticated) {
				t.Errorf("session %d (signed out: %v): %v", i, signedOut, err)
			}
		}
	}
}
