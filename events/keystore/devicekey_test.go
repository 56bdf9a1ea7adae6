package keystore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// deviceKey is the device key of a key store under master.
func deviceKey(t *testing.T, master byte) *keystore.DeviceKey {
	t.Helper()
	keys, err := keystore.Open(t.TempDir(), bytes.Repeat([]byte{master}, 32))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.DeviceKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestWhatADeviceSealsOnlyTheServersDeviceKeyOpens(t *testing.T) {
	k := deviceKey(t, 1)
	if again := deviceKey(t, 1); again.ID() != k.ID() || !bytes.Equal(again.Public(), k.Public()) {
		t.Fatalf("the device key changed with the same master key: %s, then %s", k.ID(), again.ID())
	}
	other := deviceKey(t, 2)
	if other.ID() == k.ID() {
		t.Fatal("two master keys give one device key")
	}
	who := keystore.Identity{Name: "Kadiatou Traoré", Phone: "+223 76 00 00 01"}
	sealed, err := keystore.SealFor(k.ID(), k.Public(), enrolment, who)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "Kadiatou") || !strings.HasPrefix(sealed, "p256b."+k.ID()+".") {
		t.Fatalf("the envelope %q", sealed)
	}
	if got, err := k.Open(sealed, enrolment); err != nil || got != who {
		t.Fatalf("opened %+v, %v; want %+v", got, err, who)
	}
	if _, err := other.Open(sealed, enrolment); !errors.Is(err, keystore.ErrSealedForAnotherKey) {
		t.Errorf("another server's key opened it: %v", err)
	}
	// Another key's envelope renamed to this key's id still does not open.
	forged, _ := keystore.SealFor(k.ID(), other.Public(), enrolment, who)
	parts := strings.Split(sealed, ".")
	flipped := parts[4][:len(parts[4])-2] + map[bool]string{true: "AA", false: "BB"}[parts[4][len(parts[4])-2:] != "AA"]
	for name, env := range map[string]string{
		"sealed to another public key": forged,
		"altered":                      strings.Join(append(parts[:4:4], flipped), "."),
		"truncated":                    strings.Join(parts[:4], "."),
		"not base64":                   strings.Join([]string{parts[0], parts[1], "!!", parts[3], parts[4]}, "."),
		"another scheme":               "x25519" + strings.TrimPrefix(sealed, "p256b"),
		"relabelled as the old scheme": "p256" + strings.TrimPrefix(sealed, "p256b"),
	} {
		if got, err := k.Open(env, enrolment); !errors.Is(err, keystore.ErrUnsealable) && !errors.Is(err, keystore.ErrOldScheme) {
			t.Errorf("%s: opened %+v, %v", name, got, err)
		}
	}
}

// enrolment is the binding of an enrolment in Gao.
var enrolment = keystore.Binding{Purpose: "EnrolParticipant", Records: []domain.ID{ulid.MustParse("01KBGZ2D6JQ6X2V8Y3N0H5T7AB")}, Region: "gao"}

// TestAnEnvelopeOpensOnlyForWhatItWasSealedFor: the additional data names
// the command, the record and the region, so an envelope carried into
// another command, record or region does not open, nor one of the old
// scheme where a bound one is expected.
func TestAnEnvelopeOpensOnlyForWhatItWasSealedFor(t *testing.T) {
	k := deviceKey(t, 1)
	who := keystore.Identity{Name: "Oumou Bound-Diarra"}
	sealed, err := keystore.SealFor(k.ID(), k.Public(), enrolment, who)
	if err != nil {
		t.Fatal(err)
	}
	another := ulid.MustParse("01KBGZ2D6JQ6X2V8Y3N0H5T7AC")
	for name, b := range map[string]keystore.Binding{
		"another participant":       {Purpose: enrolment.Purpose, Records: []domain.ID{another}, Region: "gao"},
		"another region":            {Purpose: enrolment.Purpose, Records: enrolment.Records, Region: "mopti"},
		"a correction":              {Purpose: "CorrectParticipant", Records: enrolment.Records, Region: "gao"},
		"a verifier":                {Purpose: "RequestSubstantiation", Records: []domain.ID{enrolment.Records[0], another}},
		"no region":                 {Purpose: enrolment.Purpose, Records: enrolment.Records},
		"the region as a record id": {Purpose: enrolment.Purpose, Records: nil, Region: enrolment.Records[0].String() + "\ngao"},
	} {
		if got, err := k.Open(sealed, b); !errors.Is(err, keystore.ErrUnsealable) {
			t.Errorf("%s: opened %+v, %v", name, got, err)
		}
	}
	// The web app authenticates the same lines (web/test/crypto.test.ts).
	if got, want := enrolment.String(), "EnrolParticipant\n01KBGZ2D6JQ6X2V8Y3N0H5T7AB\ngao"; got != want {
		t.Errorf("the binding reads %q, the web app's %q", got, want)
	}
	unbound, _ := keystore.SealUnbound(k.ID(), k.Public(), who)
	if _, err := k.Open(unbound, enrolment); !errors.Is(err, keystore.ErrOldScheme) {
		t.Errorf("an envelope of the old scheme opened as a bound one: %v", err)
	}
}

// TestAnOldEnvelopeOpensOnceForOneCommandUntilItsDate: an envelope of the
// old scheme, which devices still hold, opens for the first command that
// brings it and for that command again (a retry), is refused to any other
// — another record, region or purpose — on every node of the store, and
// to every command after the transition's date.
func TestAnOldEnvelopeOpensOnceForOneCommandUntilItsDate(t *testing.T) {
	ctx := context.Background()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	k := deviceKey(t, 1)
	now := keystore.DefaultOldUntil.Add(-time.Hour)
	envelopes := keystore.NewEnvelopes(k, store, &keystore.EnvelopeOptions{Clock: func() time.Time { return now }})
	who := keystore.Identity{Name: "Awa Unbound-Coulibaly"}
	old, _ := keystore.SealUnbound(k.ID(), k.Public(), who)
	if got, err := envelopes.Open(ctx, old, enrolment); err != nil || got.Identity != who || !got.Old {
		t.Fatalf("the first use of an old envelope: %+v, %v", got, err)
	}
	if got, err := envelopes.Open(ctx, old, enrolment); err != nil || got.Identity != who {
		t.Fatalf("the same command again: %+v, %v", got, err)
	}
	replayed := keystore.Binding{Purpose: enrolment.Purpose, Records: []domain.ID{ulid.MustParse("01KBGZ2D6JQ6X2V8Y3N0H5T7AC")}, Region: "mopti"}
	// Another node of the same store remembers it as well.
	otherNode := keystore.NewEnvelopes(deviceKey(t, 1), store, &keystore.EnvelopeOptions{Clock: func() time.Time { return now }})
	if got, err := otherNode.Open(ctx, old, replayed); !errors.Is(err, keystore.ErrOldEnvelopeUsed) {
		t.Fatalf("an old envelope replayed into another enrolment: %+v, %v", got, err)
	}
	// The same bytes spelt otherwise are the same envelope: the ephemeral
	// point's 65 bytes leave 2 bits of its last character unused.
	parts := strings.Split(old, ".")
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, parts[2][len(parts[2])-1])
	parts[2] = parts[2][:len(parts[2])-1] + string(alphabet[last^1])
	if respelt := strings.Join(parts, "."); respelt == old {
		t.Fatal("the envelope was not spelt otherwise")
	} else if got, err := otherNode.Open(ctx, respelt, replayed); !errors.Is(err, keystore.ErrOldEnvelopeUsed) {
		t.Fatalf("the envelope spelt otherwise, replayed: %+v, %v", got, err)
	}
	if got, err := keystore.NewEnvelopes(k, nil, nil).Open(ctx, old, enrolment); !errors.Is(err, keystore.ErrOldSchemeExpired) {
		t.Errorf("opened without a store to remember it in: %+v, %v", got, err)
	}
	fresh, _ := keystore.SealUnbound(k.ID(), k.Public(), who)
	now = keystore.DefaultOldUntil.Add(time.Second)
	if got, err := envelopes.Open(ctx, fresh, enrolment); !errors.Is(err, keystore.ErrOldSchemeExpired) {
		t.Errorf("an old envelope after the transition's date: %+v, %v", got, err)
	}
	bound, _ := keystore.SealFor(k.ID(), k.Public(), enrolment, who)
	if got, err := envelopes.Open(ctx, bound, enrolment); err != nil || got.Identity != who || got.Old {
		t.Errorf("a bound envelope after that date: %+v, %v", got, err)
	}
}

// TestAnOldEnvelopeReleasedByItsRefusedCommandOpensForAnother: a command
// refused after it opened an old envelope releases it, and the next
// command — on another node of the store — binds it; a release comes only
// from the opening that bound it first and only while nothing followed,
// so the same binding opened meanwhile (a retry that may be written)
// keeps it bound.
func TestAnOldEnvelopeReleasedByItsRefusedCommandOpensForAnother(t *testing.T) {
	ctx := context.Background()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := func() time.Time { return keystore.DefaultOldUntil.Add(-time.Hour) }
	k := deviceKey(t, 1)
	node, otherNode := keystore.NewEnvelopes(k, store, &keystore.EnvelopeOptions{Clock: now}), keystore.NewEnvelopes(deviceKey(t, 1), store, &keystore.EnvelopeOptions{Clock: now})
	who := keystore.Identity{Name: "Oumou Released-Traoré"}
	old, _ := keystore.SealUnbound(k.ID(), k.Public(), who)
	owners := keystore.Binding{Purpose: enrolment.Purpose, Records: []domain.ID{ulid.MustParse("01KBGZ2D6JQ6X2V8Y3N0H5T7AD")}, Region: "gao"}

	refused, err := node.Open(ctx, old, enrolment)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := otherNode.Open(ctx, old, owners); !errors.Is(err, keystore.ErrOldEnvelopeUsed) {
		t.Fatalf("opened for another binding while bound: %v", err)
	}
	if err := node.Release(ctx, refused); err != nil {
		t.Fatal(err)
	}
	if err := node.Release(ctx, refused); err != nil {
		t.Fatalf("a release said twice: %v", err)
	}
	taken, err := otherNode.Open(ctx, old, owners)
	if err != nil || taken.Identity != who {
		t.Fatalf("the owner's command after a release: %+v, %v", taken, err)
	}
	if err := node.Release(ctx, refused); err != nil {
		t.Fatal(err)
	}
	if _, err := node.Open(ctx, old, enrolment); !errors.Is(err, keystore.ErrOldEnvelopeUsed) {
		t.Fatalf("a stale release freed the owner's envelope: %v", err)
	}

	// The owner's command opened twice at once: the first's release no
	// longer applies, and the second, not first, has none to make.
	retried, err := otherNode.Open(ctx, old, owners)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []keystore.Opened{taken, retried} {
		if err := otherNode.Release(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := node.Open(ctx, old, enrolment); !errors.Is(err, keystore.ErrOldEnvelopeUsed) {
		t.Fatalf("released while the same binding was opened again: %v", err)
	}
}

// TestAnOldEnvelopeOpenedAtOnceOnTwoNodesBindsOnce: sixteen commands,
// each its own record, open one old envelope at once through two nodes of
// one store; exactly one binds it.
func TestAnOldEnvelopeOpenedAtOnceOnTwoNodesBindsOnce(t *testing.T) {
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := func() time.Time { return keystore.DefaultOldUntil.Add(-time.Hour) }
	k := deviceKey(t, 1)
	nodes := []*keystore.Envelopes{keystore.NewEnvelopes(k, store, &keystore.EnvelopeOptions{Clock: now}), keystore.NewEnvelopes(deviceKey(t, 1), store, &keystore.EnvelopeOptions{Clock: now})}
	old, _ := keystore.SealUnbound(k.ID(), k.Public(), keystore.Identity{Name: "Sali Raced-Dembélé"})
	const senders = 16
	errs := make([]error, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := keystore.Binding{Purpose: enrolment.Purpose, Records: []domain.ID{ulid.Make()}, Region: "gao"}
			_, errs[i] = nodes[i%2].Open(context.Background(), old, b)
		}()
	}
	wg.Wait()
	bound := 0
	for _, err := range errs {
		switch {
		case err == nil:
			bound++
		case !errors.Is(err, keystore.ErrOldEnvelopeUsed):
			t.Errorf("an opening failed otherwise: %v", err)
		}
	}
	if bound != 1 {
		t.Fatalf("%d of %d openings at once bound one old envelope, want 1", bound, senders)
	}
}

// BenchmarkOpeningAnEnvelope: a bound envelope costs one ECDH and one
// AES-GCM; an old one also a durable append to the log (its first use).
func BenchmarkOpeningAnEnvelope(b *testing.B) {
	keys, err := keystore.Open(b.TempDir(), bytes.Repeat([]byte{1}, 32))
	if err != nil {
		b.Fatal(err)
	}
	k, _ := keys.DeviceKey()
	store, err := pebblestore.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	now := func() time.Time { return keystore.DefaultOldUntil.Add(-time.Hour) }
	envelopes := keystore.NewEnvelopes(k, store, &keystore.EnvelopeOptions{Clock: now})
	who := keystore.Identity{Name: "Bench Mark"}
	b.Run("bound", func(b *testing.B) {
		sealed, _ := keystore.SealFor(k.ID(), k.Public(), enrolment, who)
		for b.Loop() {
			if _, err := envelopes.Open(context.Background(), sealed, enrolment); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("old, first use", func(b *testing.B) {
		olds := make([]string, 0, b.N)
		for range b.N {
			sealed, _ := keystore.SealUnbound(k.ID(), k.Public(), who)
			olds = append(olds, sealed)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := envelopes.Open(context.Background(), olds[i], enrolment); err != nil {
				b.Fatal(err)
			}
		}
	})
}
