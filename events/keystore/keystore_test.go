package keystore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

func TestSealedIdentitiesOpenOnlyWithTheirKeyAndMasterKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	master, created, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key"))
	if err != nil || !created {
		t.Fatalf("create master key: %v (created %v)", err, created)
	}
	if msg := keystore.CreatedNotice(filepath.Join(dir, "master.key")); !strings.Contains(msg, filepath.Join(dir, "master.key")) || !strings.Contains(msg, "Losing it loses the names") {
		t.Errorf("notice %q does not say where the key is and what losing it costs", msg)
	}
	again, created, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key"))
	if err != nil || created || !bytes.Equal(again, master) {
		t.Fatalf("reload master key: %v (created %v)", err, created)
	}
	ks, err := keystore.Open(filepath.Join(dir, "keys"), master)
	if err != nil {
		t.Fatal(err)
	}
	a, b := ulid.Make(), ulid.Make()
	sealed, err := ks.Seal(ctx, a, keystore.Identity{Name: "Fatoumata", Phone: "+223 70 00 00 00"})
	if err != nil {
		t.Fatal(err)
	}
	if who, err := ks.Open(ctx, a, sealed); err != nil || who.Name != "Fatoumata" {
		t.Fatalf("open: %+v, %v", who, err)
	}
	if _, err := ks.Seal(ctx, b, keystore.Identity{Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Open(ctx, b, sealed); err == nil {
		t.Fatal("a sealed identity opened under another participant's key")
	}
	other := bytes.Repeat([]byte{7}, 32)
	wrong, _ := keystore.Open(filepath.Join(dir, "keys"), other)
	if _, err := wrong.Open(ctx, a, sealed); err == nil {
		t.Fatal("a key opened under the wrong master key")
	}
	if err := ks.Forget(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Open(ctx, a, sealed); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("after Forget: got %v, want ErrErased", err)
	}
	if err := ks.Forget(ctx, a); err != nil {
		t.Fatalf("forgetting twice: %v", err)
	}
	if _, err := ks.Reseal(ctx, a, keystore.Identity{Name: "Fatoumata"}); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("resealing an erased identity: got %v, want ErrErased", err)
	}
	if _, err := ks.KeyOf(a); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("resealing made a key for an erased participant: %v", err)
	}
	if resealed, err := ks.Reseal(ctx, b, keystore.Identity{Name: "Autre"}); err != nil {
		t.Fatal(err)
	} else if who, err := ks.Open(ctx, b, resealed); err != nil || who.Name != "Autre" {
		t.Fatalf("resealed: %+v, %v", who, err)
	}

	t.Setenv(keystore.MasterKeyEnv, base64.StdEncoding.EncodeToString(other))
	if k, _, err := keystore.LoadMasterKey(filepath.Join(dir, "absent.key")); err != nil || !bytes.Equal(k, other) {
		t.Fatalf("master key from the environment: %v", err)
	}
	t.Setenv(keystore.MasterKeyEnv, "short")
	if _, _, err := keystore.LoadMasterKey(""); err == nil {
		t.Fatal("a malformed master key was accepted")
	}
}

// TestAnErasedParticipantLeavesNoTraceOnDisk is the safety test: after an
// erasure and a compaction, neither the participant's name (a canary) nor
// their key, raw or wrapped, occurs in any file of the data directory,
// while the history that inclusion figures need stays.
func TestAnErasedParticipantLeavesNoTraceOnDisk(t *testing.T) {
	const canary = "Canari-Zq7-Aissata-Maiga"
	const phone = "+223-66-42-42-42"
	dir := t.TempDir()
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	master, _, err := keystore.LoadMasterKey(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keystore.Open(filepath.Join(dir, "keys"), master)
	if err != nil {
		t.Fatal(err)
	}
	h := commands.New(store, refdata.Default(), &commands.Options{Keys: keys, CodeKey: keys.Secret(participant.CodeKeyPurpose), Clock: func() time.Time { return time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "facilitator-gao"} }

	sm := meta()
	if _, err := commands.Space.Execute(ctx, h, sm.CommandID, space.Establish{Details: space.Details{Name: "Forum de Gao", Kind: "community-dialogue-forum", Region: "gao", Pillar: "inclusion"}, EstablishedOn: domain.NewDate(2026, 1, 5)}, sm); err != nil {
		t.Fatal(err)
	}
	pm := meta()
	enrol := participant.Enrol{
		Profile: participant.Profile{Code: "GAO-0007", Sex: "female", BirthYear: 1998, Displacement: "returnee", Region: "gao"},
		Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 2, 1)},
	}
	if _, err := h.Enrol(ctx, pm.CommandID, enrol, keystore.Identity{Name: canary, Phone: phone}, pm); err != nil {
		t.Fatal(err)
	}
	// What the participants read model does to open a name, without its
	// viewer check: the sealed identity from the stream, the key from disk.
	identity := func() (keystore.Identity, error) {
		state, _, err := commands.Participant.Load(ctx, h, pm.CommandID)
		if err != nil {
			return keystore.Identity{}, err
		}
		return keys.Open(ctx, pm.CommandID, state.Identity)
	}
	if who, err := identity(); err != nil || who.Name != canary {
		t.Fatalf("identity before erasure: %+v, %v", who, err)
	}
	rawKey, err := keys.KeyOf(pm.CommandID)
	if err != nil {
		t.Fatal(err)
	}
	wrappedKey, err := os.ReadFile(filepath.Join(dir, "keys", pm.CommandID.String()+".key"))
	if err != nil {
		t.Fatal(err)
	}
	dm := meta()
	if _, err := commands.Dialogue.Execute(ctx, h, dm.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: sm.CommandID, HeldOn: domain.NewDate(2026, 3, 10), Format: "community-dialogue", Pillar: "inclusion", Attendance: dialogue.Attendance{Attendees: []dialogue.Attendee{{ParticipantID: pm.CommandID, Spoke: true}}}}}, dm); err != nil {
		t.Fatal(err)
	}
	// The name was never on disk in clear, even before erasure.
	assertAbsent(t, dir, map[string][]byte{"name": []byte(canary), "phone": []byte(phone), "raw key": rawKey})

	if _, err := h.Erase(ctx, pm.CommandID, participant.Erase{ErasedOn: domain.NewDate(2026, 3, 20)}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := identity(); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("identity after erasure: got %v, want ErrErased", err)
	}
	if err := store.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	var types []string
	for e, err := range store.ReadStream(ctx, domain.StreamName(participant.Category, pm.CommandID), events.ReadStreamOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, e.Type)
	}
	if len(types) != 2 || types[0] != "ParticipantEnrolled" || types[1] != "ParticipantErased" {
		t.Fatalf("history after erasure: %v", types)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	assertAbsent(t, dir, map[string][]byte{"name": []byte(canary), "phone": []byte(phone), "raw key": rawKey, "wrapped key": wrappedKey})
}

func assertAbsent(t *testing.T, dir string, needles map[string][]byte) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for what, needle := range needles {
			if bytes.Contains(b, needle) {
				t.Errorf("the %s occurs in %s", what, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Fatalf("scanned only %d files: the test is not looking where the data is", files)
	}
}

func TestAKeyDirectoryListsItsKeysAndWhatIsNoKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := keystore.Open(dir, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	a, b := ulid.Make(), ulid.Make()
	for _, id := range []domain.ID{a, b} {
		if _, err := keys.Seal(ctx, id, keystore.Identity{Name: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600)
	if err := keystore.Remove(dir, a); err != nil {
		t.Fatal(err)
	}
	if err := keystore.Remove(dir, a); err != nil {
		t.Fatalf("removing a key already gone: %v", err)
	}
	ids, strays, err := keystore.List(dir)
	if err != nil || len(ids) != 1 || ids[0] != b || len(strays) != 1 || strays[0] != "notes.txt" {
		t.Fatalf("list: %v, %v, %v", ids, strays, err)
	}
	if ids, strays, err := keystore.List(filepath.Join(dir, "none")); err != nil || ids != nil || strays != nil {
		t.Fatalf("a missing directory lists %v %v %v", ids, strays, err)
	}
}

// Keys made side by side share their syncs: each is made once however
// many ask for it at once, is on disk when Seal returns (a store opened
// afresh opens every identity), and no temporary file is left.
func TestKeysMadeSideBySideAreMadeOnceAndDurable(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "keys")
	master := bytes.Repeat([]byte{3}, 32)
	ks, err := keystore.Open(dir, master)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]domain.ID, 40)
	for i := range ids {
		ids[i] = ulid.Make()
	}
	sealed := make([]*participant.SealedIdentity, 2*len(ids))
	errs := make([]error, len(sealed))
	var wg sync.WaitGroup
	for i := range sealed {
		wg.Go(func() { sealed[i], errs[i] = ks.Seal(ctx, ids[i%len(ids)], keystore.Identity{Name: "Aminata"}) })
	}
	wg.Wait()
	afresh, err := keystore.Open(dir, master)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sealed {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if who, err := afresh.Open(ctx, ids[i%len(ids)], s); err != nil || who.Name != "Aminata" {
			t.Fatalf("identity %d: %+v, %v", i, who, err)
		}
	}
	listed, strays, err := keystore.List(dir)
	if err != nil || len(listed) != len(ids) || len(strays) != 0 {
		t.Fatalf("listed %d keys, strays %v, %v", len(listed), strays, err)
	}
}

// BenchmarkKeysMadeSideBySide is an import's newcomers: 64 enrolments at
// once, each sealing under a new key, durable before Seal returns.
func BenchmarkKeysMadeSideBySide(b *testing.B) {
	ks, err := keystore.Open(b.TempDir(), bytes.Repeat([]byte{5}, 32))
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(32) // 32 per core: an import's rows run side by side
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := ks.Seal(context.Background(), ulid.Make(), keystore.Identity{Name: "Aminata"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
