package integration

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oklog/ulid/v2"
)

// TestBackupsAndErasures backs up, erases a person, backs up again, and
// restores both as an operator would: the second backup leaves the person
// gone, the first brings their key back unless restored with the list of
// later erasures. doctor says all this of the directories.
func TestBackupsAndErasures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	admin := newToken(t, bin, dir, "--role", "admin")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	s := startServer(t, bin, dir)
	aminata, bintou := enrolTwo(s, admin)

	before := filepath.Join(t.TempDir(), "before.tar")
	run(t, bin, "PALABRE_TOKEN="+admin, "backup", before, "--server", s.url)
	erase(s, admin, aminata)
	after := filepath.Join(t.TempDir(), "after.tar")
	run(t, bin, "PALABRE_TOKEN="+admin, "backup", after, "--server", s.url)
	list := filepath.Join(t.TempDir(), "erasures.tsv")
	erasures := run(t, bin, "PALABRE_TOKEN="+admin, "erasures", "--server", s.url)
	if !strings.Contains(erasures, aminata+"\t2026-11-30\n") || strings.Contains(erasures, bintou) || strings.Contains(erasures, "Aminata") {
		t.Fatalf("palabre erasures printed:\n%s", erasures)
	}
	checkTheErasuresAreForAdminsOnly(t, s, gao, aminata)
	if err := os.WriteFile(list, []byte(erasures), 0o600); err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if direct := run(t, bin, "", "erasures", "--data", dir); direct != erasures {
		t.Fatalf("erasures from the directory:\n%s\nfrom the server:\n%s", direct, erasures)
	}
	if out, err := doctor(bin, dir); err != nil || strings.Contains(out, "PROBLEM") {
		t.Fatalf("doctor on the served directory: %v\n%s", err, out)
	}

	master, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	restore := func(backup string, flags ...string) string { return restoreWithKey(t, bin, master, backup, flags...) }
	names := func(into string) (string, string) { return namesIn(t, bin, into, aminata, bintou) }
	second := restore(after)
	if hasKey(second, aminata) || !hasKey(second, bintou) {
		t.Fatalf("restored after the erasure: Aminata's key %v, Bintou's %v", hasKey(second, aminata), hasKey(second, bintou))
	}
	if a, b := names(second); a != "" || b != "Bintou" {
		t.Fatalf("restored after the erasure: names %q and %q", a, b)
	}

	// The backup made before the erasure still holds Aminata's key, and
	// its log knows nothing of the erasure: restored alone, she is back.
	first := restore(before)
	if !hasKey(first, aminata) {
		t.Fatal("the backup made before the erasure has no key for Aminata: the test proves nothing")
	}
	again := restore(before, "--erase-since", list)
	if hasKey(again, aminata) || !hasKey(again, bintou) {
		t.Fatalf("restored with --erase-since: Aminata's key %v, Bintou's %v", hasKey(again, aminata), hasKey(again, bintou))
	}
	if a, b := names(again); a != "" || b != "Bintou" {
		t.Fatalf("restored with --erase-since: names %q and %q", a, b)
	}
	if out, err := doctor(bin, again); err != nil || strings.Contains(out, "PROBLEM") {
		t.Fatalf("doctor on the restored directory: %v\n%s", err, out)
	}
}

// checkTheErasuresAreForAdminsOnly: a facilitator, or no one, gets no
// erasure list.
func checkTheErasuresAreForAdminsOnly(t *testing.T, s *server, facilitator, erased string) {
	t.Helper()
	for _, token := range []string{facilitator, ""} {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/admin/erasures", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 401 && res.StatusCode != 403 || strings.Contains(string(body), erased) {
			t.Fatalf("the erasures for a facilitator or no one: %d %s", res.StatusCode, body)
		}
	}
}

// restoreWithKey restores a backup into a new directory and puts the
// master key back, as an operator keeps it apart from backups.
func restoreWithKey(t *testing.T, bin string, master []byte, backup string, flags ...string) string {
	t.Helper()
	into := filepath.Join(t.TempDir(), "restored")
	run(t, bin, "", append([]string{"restore", backup, "--data", into}, flags...)...)
	if err := os.WriteFile(filepath.Join(into, "master.key"), master, 0o600); err != nil {
		t.Fatal(err)
	}
	return into
}

// namesIn is what a restored directory tells of Aminata (erased) and
// Bintou: their names, "" for none.
func namesIn(t *testing.T, bin, into, aminata, bintou string) (string, string) {
	t.Helper()
	admin := newToken(t, bin, into, "--role", "admin")
	s := startServer(t, bin, into)
	defer stop(t, s)
	q := `query($id: ID!) { participant(id: $id) { erased identity { name } } }`
	a := s.must(admin, q, map[string]any{"id": aminata})
	b := s.must(admin, q, map[string]any{"id": bintou})
	if pick(a, "participant", "erased") != true {
		t.Errorf("%s: Aminata is not erased: %v", into, a)
	}
	an, _ := pick(a, "participant", "identity", "name").(string)
	bn, _ := pick(b, "participant", "identity", "name").(string)
	return an, bn
}

func hasKey(into, id string) bool {
	_, err := os.Stat(filepath.Join(into, "keys", id+".key"))
	return err == nil
}

// TestDoctorOnADamagedDirectory damages a data directory the ways a laptop
// does and checks that doctor names each damage and what to do.
func TestDoctorOnADamagedDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir)
	aminata, bintou := enrolTwo(s, admin)
	key := func(id string) string { return filepath.Join(dir, "keys", id+".key") }
	aminataKey, err := os.ReadFile(key(aminata))
	if err != nil {
		t.Fatal(err)
	}
	erase(s, admin, aminata)
	stop(t, s) // which leaves snapshots
	out, err := doctor(bin, dir)
	if err != nil || strings.Contains(out, "PROBLEM") || !strings.Contains(out, "ok       keys") {
		t.Fatalf("doctor on a healthy directory: %v\n%s", err, out)
	}

	os.WriteFile(key(aminata), aminataKey, 0o600) // an erased person's key, back from a copy
	os.Remove(key(bintou))
	os.WriteFile(key(ulid.Make().String()), []byte("not a participant's"), 0o600)
	snapshots, _ := filepath.Glob(filepath.Join(dir, "projections", "*.snapshot"))
	if len(snapshots) == 0 {
		t.Fatalf("the server wrote no snapshots")
	}
	b, _ := os.ReadFile(snapshots[0])
	os.WriteFile(snapshots[0], append(b, 'x'), 0o600)
	master := filepath.Join(t.TempDir(), "master.key")
	os.Rename(filepath.Join(dir, "master.key"), master)

	out, err = doctor(bin, dir)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("doctor on a damaged directory: %v\n%s", err, out)
	}
	for _, want := range []string{
		"erased participants whose key is still here, so that their names can be opened: 1. Delete " + key(aminata),
		"their key missing: 1 (" + bintou,
		"keys of no participant in the log",
		"discarded at the next start (checksum mismatch",
		"PROBLEM  master key     missing",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor does not say %q:\n%s", want, out)
		}
	}

	// A server holds the lock: doctor says who, and checks what it can.
	os.Rename(master, filepath.Join(dir, "master.key"))
	s = startServer(t, bin, dir)
	defer s.kill()
	out, _ = doctor(bin, dir)
	if !strings.Contains(out, "is locked by process") || !strings.Contains(out, "free space") {
		t.Fatalf("doctor beside a running server:\n%s", out)
	}
}

// enrolTwo enrols two named participants.
func enrolTwo(s *server, admin string) (aminata, bintou string) {
	enrol := `mutation($c: ID!, $code: String!, $name: String!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE, ageBand: AGE_18_24,
	  functioning: {}, displacement: NONE, region: "gao", consent: {given: true, on: "2025-02-01"}}, identity: {name: $name}) { id } }`
	aminata, bintou = ulid.Make().String(), ulid.Make().String()
	s.must(admin, enrol, map[string]any{"c": aminata, "code": "BK-1", "name": "Aminata"})
	s.must(admin, enrol, map[string]any{"c": bintou, "code": "BK-2", "name": "Bintou"})
	return aminata, bintou
}

func erase(s *server, admin, id string) {
	s.must(admin, `mutation($c: ID!, $id: ID!) { eraseParticipant(commandId: $c, id: $id, input: {erasedOn: "2026-11-30"}) { erased } }`, map[string]any{"c": ulid.Make().String(), "id": id})
}

// run runs the binary with an extra environment variable (or none) and
// returns its standard output, failing the test on a non-zero exit.
func run(t *testing.T, bin, env string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if env != "" {
		cmd.Env = append(os.Environ(), env)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("palabre %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func doctor(bin, dir string) (string, error) {
	out, err := exec.Command(bin, "doctor", "--data", dir).CombinedOutput()
	return string(out), err
}

// stop stops a server gracefully, so that its lock is free.
func stop(t *testing.T, s *server) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logs)
	}
}
