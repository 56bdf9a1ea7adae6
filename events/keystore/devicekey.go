package keystore

import (
	"bytes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// Devices seal names and phones to the server: the web app encrypts an
// identity to the device key's public half as soon as it is typed, so a
// device holds nothing it can open again (ECIES over P-256, which every
// browser's WebCrypto has: an ephemeral key, ECDH, HKDF-SHA-256, then
// AES-256-GCM). The private half derives from the master key, so it needs
// no file of its own and a restored backup with its master key opens what
// devices sealed before.

// ErrSealedForAnotherKey: an envelope names another device key than the
// server's (sealed for another server, or before its master key changed).
var ErrSealedForAnotherKey = errors.New("sealed for another key")

// ErrUnsealable: an envelope is malformed, altered, or sealed for another
// binding than the one it is opened with (another command, record or
// region): AES-GCM tells none of these from the others.
var ErrUnsealable = errors.New("sealed identity does not open")

// ErrOldScheme: an envelope of OldEnvelopeScheme, bound to no command;
// only Envelopes opens one, under the transition's rule.
var ErrOldScheme = errors.New("sealed by the old, unbound scheme")

// DeviceKeyAlgorithm names the device key's algorithm, as Query.deviceKey
// publishes it and devices pin it: unchanged by the envelopes' schemes, so
// that no device sees its pinned key "change".
const DeviceKeyAlgorithm = "p256"

// EnvelopeScheme begins every envelope sealed for a Binding: its
// additional data names what the envelope is for, so that an envelope
// taken from one command does not open in another.
const EnvelopeScheme = "p256b"

// OldEnvelopeScheme began the envelopes sealed before bindings, whose
// additional data was only "p256.<key id>": one opened in any command.
const OldEnvelopeScheme = "p256"

// deviceKeyInfo binds HKDF's output to this use; the old scheme's is
// oldDeviceKeyInfo.
const (
	deviceKeyInfo    = "palabre identity v2"
	oldDeviceKeyInfo = "palabre identity v1"
)

// Binding is what an envelope is sealed for, known to the device before
// it sends the command (ids made on the device) and rebuilt by the server
// from the command the envelope arrives in.
type Binding struct {
	// Purpose is the command's name (CommandName: "EnrolParticipant",
	// "CorrectParticipant", "RequestSubstantiation").
	Purpose string
	// Records are the ids of the record the identity is sealed into, in
	// canonical form: the participant's; the outcome's then the request's.
	Records []domain.ID
	// Region is the region the command names, "" when it names none.
	Region string
}

// String is the binding as the additional data ends with: its parts one a
// line (no id or purpose holds a line break, and the region is last).
func (b Binding) String() string {
	parts := []string{b.Purpose}
	for _, id := range b.Records {
		parts = append(parts, id.String())
	}
	return strings.Join(append(parts, b.Region), "\n")
}

// additionalData is what AES-GCM authenticates with the identity:
// "p256b\n<key id>\n<purpose>\n<record id>…\n<region>".
func (b Binding) additionalData(keyID string) []byte {
	return []byte(EnvelopeScheme + "\n" + keyID + "\n" + b.String())
}

// DeviceKey opens identities that devices sealed to the server.
type DeviceKey struct {
	private *ecdh.PrivateKey
	id      string
}

// DeviceKey derives the server's device key from the master key.
func (s *Store) DeviceKey() (*DeviceKey, error) {
	seed := s.Secret("device sealing key v1")
	// A scalar must be below the curve's order: all but a 2⁻³² share of
	// seeds are; the others are hashed again.
	for i := byte(0); i < 8; i++ {
		private, err := ecdh.P256().NewPrivateKey(seed)
		if err == nil {
			sum := sha256.Sum256(private.PublicKey().Bytes())
			return &DeviceKey{private: private, id: base64.RawURLEncoding.EncodeToString(sum[:9])}, nil
		}
		m := hmac.New(sha256.New, seed)
		m.Write([]byte{i})
		seed = m.Sum(nil)
	}
	return nil, errors.New("keystore: no device key derives from the master key")
}

// ID names the key: a hash of its public half, which the app pins.
func (k *DeviceKey) ID() string { return k.id }

// Public is the public half, an uncompressed P-256 point (65 bytes).
func (k *DeviceKey) Public() []byte { return k.private.PublicKey().Bytes() }

// Open opens an envelope "p256b.<key id>.<ephemeral point>.<nonce>.<ciphertext>"
// (base64url without padding) sealed for b into the identity it seals.
// Returns ErrSealedForAnotherKey when it names another key, ErrOldScheme
// for an envelope of the old scheme (see Envelopes), and ErrUnsealable
// when it is malformed, altered, or sealed for another binding.
func (k *DeviceKey) Open(envelope string, b Binding) (Identity, error) {
	if strings.Contains(b.Purpose+b.Region, "\n") {
		return Identity{}, ErrUnsealable // one binding must never read as another
	}
	parts, err := k.parse(envelope, EnvelopeScheme)
	if err != nil {
		return Identity{}, err
	}
	return k.open(parts, deviceKeyInfo, b.additionalData(k.id))
}

// openOld opens an envelope of the old scheme, bound to no command, and
// returns its digest: the SHA-256 of its decoded parts, which names it
// whatever base64 spelling it arrives in.
func (k *DeviceKey) openOld(envelope string) (Identity, [sha256.Size]byte, error) {
	parts, err := k.parse(envelope, OldEnvelopeScheme)
	if err != nil {
		return Identity{}, [sha256.Size]byte{}, err
	}
	who, err := k.open(parts, oldDeviceKeyInfo, []byte(OldEnvelopeScheme+"."+k.id))
	return who, sha256.Sum256(bytes.Join(parts[:], []byte{0})), err
}

// envelopeParts are an envelope's ephemeral point, nonce and ciphertext.
type envelopeParts [3][]byte

// parse splits an envelope of scheme for this key.
func (k *DeviceKey) parse(envelope, scheme string) (envelopeParts, error) {
	var raw envelopeParts
	parts := strings.Split(envelope, ".")
	switch {
	case len(parts) != 5:
		return raw, ErrUnsealable
	case parts[0] != scheme && parts[0] == OldEnvelopeScheme:
		return raw, ErrOldScheme
	case parts[0] != scheme:
		return raw, ErrUnsealable
	case parts[1] != k.id:
		return raw, ErrSealedForAnotherKey
	}
	for i := range raw {
		b, err := base64.RawURLEncoding.DecodeString(parts[i+2])
		if err != nil {
			return raw, ErrUnsealable
		}
		raw[i] = b
	}
	return raw, nil
}

// open decrypts an envelope's parts with HKDF's info and the additional
// data of its scheme.
func (k *DeviceKey) open(parts envelopeParts, info string, additional []byte) (Identity, error) {
	ephemeral, nonce, ciphertext := parts[0], parts[1], parts[2]
	aead, err := k.aead(ephemeral, info)
	if err != nil || len(nonce) != aead.NonceSize() {
		return Identity{}, ErrUnsealable
	}
	plain, err := aead.Open(nil, nonce, ciphertext, additional)
	if err != nil {
		return Identity{}, ErrUnsealable
	}
	var who Identity
	if err := json.Unmarshal(plain, &who); err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrUnsealable, err)
	}
	return who, nil
}

// aead is the AES-GCM key an ephemeral public key agrees with the device
// key: HKDF-SHA-256 of the shared secret, salted with both points.
func (k *DeviceKey) aead(ephemeral []byte, info string) (cipher.AEAD, error) {
	public, err := ecdh.P256().NewPublicKey(ephemeral)
	if err != nil {
		return nil, err
	}
	shared, err := k.private.ECDH(public)
	if err != nil {
		return nil, err
	}
	salt := append(append([]byte{}, ephemeral...), k.Public()...)
	key, err := hkdf.Key(sha256.New, shared, salt, info, 32)
	if err != nil {
		return nil, err
	}
	return newAEAD(key)
}

// SealFor seals an identity for b to a device key, as the web app does,
// for clients written in Go and for tests: keyID and public are what the
// server publishes.
func SealFor(keyID string, public []byte, b Binding, who Identity) (string, error) {
	return sealTo(keyID, public, EnvelopeScheme, deviceKeyInfo, b.additionalData(keyID), who)
}

// SealUnbound seals an identity by the old scheme, bound to nothing, as
// devices did before bindings: for the tests of the transition only.
func SealUnbound(keyID string, public []byte, who Identity) (string, error) {
	return sealTo(keyID, public, OldEnvelopeScheme, oldDeviceKeyInfo, []byte(OldEnvelopeScheme+"."+keyID), who)
}

// sealTo is ECIES over P-256: an ephemeral key, ECDH with the device
// key, HKDF-SHA-256 with info, AES-256-GCM with the additional data.
func sealTo(keyID string, public []byte, scheme, info string, additional []byte, who Identity) (string, error) {
	server, err := ecdh.P256().NewPublicKey(public)
	if err != nil {
		return "", fmt.Errorf("keystore: device key: %w", err)
	}
	ephemeral, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	shared, err := ephemeral.ECDH(server)
	if err != nil {
		return "", err
	}
	salt := append(ephemeral.PublicKey().Bytes(), public...)
	key, err := hkdf.Key(sha256.New, shared, salt, info, 32)
	if err != nil {
		return "", err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(who)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	sealed := aead.Seal(nil, nonce, plain, additional)
	return strings.Join([]string{scheme, keyID, b64(ephemeral.PublicKey().Bytes()), b64(nonce), b64(sealed)}, "."), nil
}
