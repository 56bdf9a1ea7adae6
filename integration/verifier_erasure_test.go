package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
)

// TestAVerifierErasedAfterABackupStaysErasedWhenItIsRestored: an outcome's
// verifier is erased as a participant is, backups included. The erasure
// list names them (the outcome's id and the request's, never a name); a
// backup made before the erasure, restored with that list, has lost their
// key and records their erasure; restored alone, it still has the key.
func TestAVerifierErasedAfterABackupStaysErasedWhenItIsRestored(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir)
	outcomeID, requestID := askAVerifier(s, admin)
	before := filepath.Join(t.TempDir(), "before.tar")
	run(t, bin, "PALABRE_TOKEN="+admin, "backup", before, "--server", s.url)
	s.must(admin, `mutation($c: ID!, $id: ID!, $r: ID!) { eraseVerifier(commandId: $c, id: $id, input: {requestId: $r, erasedOn: "2026-11-30"}) { id } }`,
		map[string]any{"c": ulid.Make().String(), "id": outcomeID, "r": requestID})
	erasures := run(t, bin, "PALABRE_TOKEN="+admin, "erasures", "--server", s.url)
	if !strings.Contains(erasures, outcomeID+"\t2026-11-30\t"+requestID+"\n") || strings.Contains(erasures, "Canari") {
		t.Fatalf("palabre erasures printed:\n%s", erasures)
	}
	list := filepath.Join(t.TempDir(), "erasures.tsv")
	if err := os.WriteFile(list, []byte(erasures), 0o600); err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	master, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	key := outcome.VerifierKeyID(domain.ID(ulid.MustParse(outcomeID)), domain.ID(ulid.MustParse(requestID))).String()
	alone := restoreWithKey(t, bin, master, before)
	if !hasKey(alone, key) {
		t.Fatal("the backup made before the erasure has no key for the verifier: the test proves nothing")
	}
	again := restoreWithKey(t, bin, master, before, "--erase-since", list)
	if hasKey(again, key) {
		t.Fatal("restored with --erase-since, the verifier's key is back")
	}
	if out, err := doctor(bin, again); err != nil || strings.Contains(out, "PROBLEM") {
		t.Fatalf("doctor on the restored directory: %v\n%s", err, out)
	}
	doctorNamesAnErasedVerifiersKey(t, bin, alone, again, key)
	restoredAdmin := newToken(t, bin, again, "--role", "admin")
	restored := startServer(t, bin, again)
	defer stop(t, restored)
	got := restored.must(restoredAdmin, `query($id: ID!) { outcome(id: $id) { requests { erased verifier { name } } } }`, map[string]any{"id": outcomeID})
	requests, _ := pick(got, "outcome", "requests").([]any)
	if len(requests) != 1 || pick(requests[0], "erased") != true || pick(requests[0], "verifier") != nil {
		t.Fatalf("the restored outcome: %v", got)
	}
}

// askAVerifier harvests an outcome of a Gao governor and asks a verifier.
func askAVerifier(s *server, admin string) (outcomeID, requestID string) {
	holder, outcomeID, requestID := ulid.Make().String(), ulid.Make().String(), ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
	s.must(admin, `mutation($c: ID!, $h: ID!) { harvestOutcome(commandId: $c, input: {actorId: $h, changeType: POLICY, on: "2026-10-01", region: "gao",
	  description: "d", significance: "s", contribution: "c"}) { id } }`, map[string]any{"c": outcomeID, "h": holder})
	s.must(admin, `mutation($c: ID!, $id: ID!, $r: ID!) { requestSubstantiation(commandId: $c, id: $id, input: {requestId: $r, requestedOn: "2026-10-15",
	  verifier: {name: "Awa Canari", organisation: "Radio Canari"}}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": outcomeID, "r": requestID})
	return outcomeID, requestID
}

// doctorNamesAnErasedVerifiersKey puts an erased verifier's key back (a
// keys/ copied from an old backup): their name opens again from the log,
// so doctor must call it a problem to delete, as for a participant, not
// a stray key "harmless" beside "none for anyone erased".
func doctorNamesAnErasedVerifiersKey(t *testing.T, bin, from, into, key string) {
	t.Helper()
	file := filepath.Join("keys", key+".key")
	wrapped, err := os.ReadFile(filepath.Join(from, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(into, file), wrapped, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := doctor(bin, into)
	if !strings.Contains(out, "PROBLEM") || !strings.Contains(out, "erased") || !strings.Contains(out, key) || strings.Contains(out, "harmless") {
		t.Errorf("doctor with an erased verifier's key put back: want a PROBLEM naming its file, got\n%s", out)
	}
	if err := os.Remove(filepath.Join(into, file)); err != nil {
		t.Fatal(err)
	}
}
