package keystore_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/keystore"
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
	sealed, err := keystore.SealFor(k.ID(), k.Public(), who)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "Kadiatou") || !strings.HasPrefix(sealed, "p256."+k.ID()+".") {
		t.Fatalf("the envelope %q", sealed)
	}
	if got, err := k.Open(sealed); err != nil || got != who {
		t.Fatalf("opened %+v, %v; want %+v", got, err, who)
	}
	if _, err := other.Open(sealed); !errors.Is(err, keystore.ErrSealedForAnotherKey) {
		t.Errorf("another server's key opened it: %v", err)
	}
	// Another key's envelope renamed to this key's id still does not open.
	forged, _ := keystore.SealFor(k.ID(), other.Public(), who)
	parts := strings.Split(sealed, ".")
	flipped := parts[4][:len(parts[4])-2] + map[bool]string{true: "AA", false: "BB"}[parts[4][len(parts[4])-2:] != "AA"]
	for name, env := range map[string]string{
		"sealed to another public key": forged,
		"altered":                      strings.Join(append(parts[:4:4], flipped), "."),
		"truncated":                    strings.Join(parts[:4], "."),
		"not base64":                   strings.Join([]string{parts[0], parts[1], "!!", parts[3], parts[4]}, "."),
		"another scheme":               "x25519" + strings.TrimPrefix(sealed, "p256"),
	} {
		if got, err := k.Open(env); !errors.Is(err, keystore.ErrUnsealable) {
			t.Errorf("%s: opened %+v, %v", name, got, err)
		}
	}
}
