package keystore

import (
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

// ErrUnsealable: an envelope is malformed or does not open.
var ErrUnsealable = errors.New("sealed identity does not open")

// DeviceKeyAlgorithm names the envelope's scheme; it begins every envelope.
const DeviceKeyAlgorithm = "p256"

// deviceKeyInfo binds HKDF's output to this use.
const deviceKeyInfo = "palabre identity v1"

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

// Open opens an envelope "p256.<key id>.<ephemeral point>.<nonce>.<ciphertext>"
// (base64url without padding) into the identity it seals. Returns
// ErrSealedForAnotherKey when it names another key, ErrUnsealable when it
// is malformed or altered.
func (k *DeviceKey) Open(envelope string) (Identity, error) {
	parts := strings.Split(envelope, ".")
	if len(parts) != 5 || parts[0] != DeviceKeyAlgorithm {
		return Identity{}, ErrUnsealable
	}
	if parts[1] != k.id {
		return Identity{}, ErrSealedForAnotherKey
	}
	var raw [3][]byte
	for i := range raw {
		b, err := base64.RawURLEncoding.DecodeString(parts[i+2])
		if err != nil {
			return Identity{}, ErrUnsealable
		}
		raw[i] = b
	}
	ephemeral, nonce, ciphertext := raw[0], raw[1], raw[2]
	aead, err := k.aead(ephemeral)
	if err != nil || len(nonce) != aead.NonceSize() {
		return Identity{}, ErrUnsealable
	}
	plain, err := aead.Open(nil, nonce, ciphertext, []byte(DeviceKeyAlgorithm+"."+k.id))
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
func (k *DeviceKey) aead(ephemeral []byte) (cipher.AEAD, error) {
	public, err := ecdh.P256().NewPublicKey(ephemeral)
	if err != nil {
		return nil, err
	}
	shared, err := k.private.ECDH(public)
	if err != nil {
		return nil, err
	}
	salt := append(append([]byte{}, ephemeral...), k.Public()...)
	key, err := hkdf.Key(sha256.New, shared, salt, deviceKeyInfo, 32)
	if err != nil {
		return nil, err
	}
	return newAEAD(key)
}

// SealFor seals an identity to a device key, as the web app does, for
// clients written in Go and for tests: keyID and public are what the
// server publishes.
func SealFor(keyID string, public []byte, who Identity) (string, error) {
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
	key, err := hkdf.Key(sha256.New, shared, salt, deviceKeyInfo, 32)
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
	sealed := aead.Seal(nil, nonce, plain, []byte(DeviceKeyAlgorithm+"."+keyID))
	return strings.Join([]string{DeviceKeyAlgorithm, keyID, b64(ephemeral.PublicKey().Bytes()), b64(nonce), b64(sealed)}, "."), nil
}
