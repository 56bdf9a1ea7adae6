package keystore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/durable"
)

// ErrErased: the participant's key is gone, so their identity cannot be
// read.
var ErrErased = errors.New("identity erased")

// MasterKeyEnv names the environment variable that may hold the master key
// (base64 of 32 bytes), instead of a file.
const MasterKeyEnv = "PALABRE_MASTER_KEY"

// LoadMasterKey returns the master key from MasterKeyEnv, or from path,
// creating path with a new random key when neither exists. created tells
// the caller to say where the new key is and that losing it loses names.
func LoadMasterKey(path string) (key []byte, created bool, err error) {
	key, _, err = ReadMasterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := durable.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n")); err != nil {
		return nil, false, fmt.Errorf("create master key %s: %w", path, err)
	}
	return key, true, nil
}

// ReadMasterKey returns the master key from MasterKeyEnv, or from path,
// and whether it came from the environment; never creating one, it
// returns an error wrapping fs.ErrNotExist when there is none.
func ReadMasterKey(path string) (key []byte, fromEnv bool, err error) {
	if v := os.Getenv(MasterKeyEnv); v != "" {
		key, err := decodeMasterKey(v)
		if err != nil {
			return nil, true, fmt.Errorf("%s: %w", MasterKeyEnv, err)
		}
		return key, true, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("master key: %w", err)
	}
	if key, err = decodeMasterKey(strings.TrimSpace(string(b))); err != nil {
		return nil, false, fmt.Errorf("master key %s: %w", path, err)
	}
	return key, false, nil
}

// CreatedNotice is what palabre tells an operator when LoadMasterKey has
// just created the master key at path.
func CreatedNotice(path string) string {
	return fmt.Sprintf("created a new master key at %s. It unlocks every participant's name and phone number: "+
		"keep a copy somewhere safe, apart from the data directory and its backups. "+
		"Losing it loses the names and phone numbers for good; nothing else is lost.", path)
}

func decodeMasterKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) != 32 {
		return nil, errors.New("must be the base64 encoding of 32 bytes")
	}
	return key, nil
}

// Store seals identities under participants' keys, which it keeps
// wrapped by the master key in a Vault.
type Store struct {
	vault  Vault
	master cipher.AEAD
	// derived keys what the server signs or keys (cursors, cell keys):
	// from the master key, so no other secret needs keeping.
	derived []byte
}

// Secret returns a key for one purpose, derived from the master key
// (HMAC-SHA256): stable across restarts, never the master key itself.
func (s *Store) Secret(purpose string) []byte {
	m := hmac.New(sha256.New, s.derived)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Open opens (creating it if needed) a key directory under the master
// key: the embedded default, a DirVault.
func Open(dir string, masterKey []byte) (*Store, error) {
	if len(masterKey) != 32 {
		return nil, errors.New("keystore: the master key must be 32 bytes")
	}
	vault, err := OpenDir(dir)
	if err != nil {
		return nil, err
	}
	return New(vault, masterKey)
}

// New keeps participants' keys in vault under the master key (32 bytes).
func New(vault Vault, masterKey []byte) (*Store, error) {
	if len(masterKey) != 32 {
		return nil, errors.New("keystore: the master key must be 32 bytes")
	}
	aead, err := newAEAD(masterKey)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, masterKey)
	m.Write([]byte("palabre derived secrets v1"))
	return &Store{vault: vault, master: aead, derived: m.Sum(nil)}, nil
}

// Vault is where the store keeps its keys.
func (s *Store) Vault() Vault { return s.vault }

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// key returns a participant's key, creating it when create is set. A new
// key is durable on return; when two callers make one at once, the vault
// keeps the first and both seal under it.
func (s *Store) key(ctx context.Context, id domain.ID, create bool) ([]byte, error) {
	wrapped, err := s.vault.Load(ctx, id)
	switch {
	case err == nil:
		return s.unwrap(id, wrapped)
	case !errors.Is(err, ErrNoKey):
		return nil, fmt.Errorf("keystore: key of %s: %w", id, err)
	case !create:
		return nil, ErrErased
	}
	wrapped, err = s.newKey(id)
	if err != nil {
		return nil, err
	}
	kept, err := s.vault.Create(ctx, id, wrapped)
	if err != nil {
		return nil, fmt.Errorf("keystore: key of %s: %w", id, err)
	}
	return s.unwrap(id, kept)
}

// newKey makes a participant's key, wrapped under the master key.
func (s *Store) newKey(id domain.ID) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	nonce := make([]byte, s.master.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.master.Seal(nonce, nonce, key, id[:]), nil
}

func (s *Store) unwrap(id domain.ID, wrapped []byte) ([]byte, error) {
	n := s.master.NonceSize()
	if len(wrapped) < n {
		return nil, fmt.Errorf("keystore: key of %s is damaged", id)
	}
	key, err := s.master.Open(nil, wrapped[:n], wrapped[n:], id[:])
	if err != nil {
		return nil, fmt.Errorf("keystore: key of %s does not open under this master key", id)
	}
	return key, nil
}

// Identity is what is sealed: never stored in clear. Organisation is a
// verifier's (an outcome's substantiation); participants have none.
type Identity struct {
	Name         string `json:"name"`
	Phone        string `json:"phone,omitempty"`
	Organisation string `json:"organisation,omitempty"`
}

// Seal encrypts an identity under the participant's key, creating the key
// (durably) if it does not exist yet.
func (s *Store) Seal(ctx context.Context, id domain.ID, who Identity) (*participant.SealedIdentity, error) {
	key, err := s.key(ctx, id, true)
	if err != nil {
		return nil, err
	}
	return seal(key, id, who)
}

// Reseal encrypts an identity under the participant's key, which must
// exist: ErrErased when it does not (erased, on this node or another,
// since the caller last looked), so that a correction never makes a key
// for an erased person.
func (s *Store) Reseal(ctx context.Context, id domain.ID, who Identity) (*participant.SealedIdentity, error) {
	key, err := s.key(ctx, id, false)
	if err != nil {
		return nil, err
	}
	return seal(key, id, who)
}

func seal(key []byte, id domain.ID, who Identity) (*participant.SealedIdentity, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(who)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &participant.SealedIdentity{Nonce: nonce, Ciphertext: aead.Seal(nil, nonce, plain, id[:])}, nil
}

// Open decrypts a sealed identity. Returns ErrErased once the participant's
// key has been deleted.
func (s *Store) Open(ctx context.Context, id domain.ID, sealed *participant.SealedIdentity) (Identity, error) {
	if sealed == nil {
		return Identity{}, ErrErased
	}
	key, err := s.key(ctx, id, false)
	if err != nil {
		return Identity{}, err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return Identity{}, err
	}
	if len(sealed.Nonce) != aead.NonceSize() {
		return Identity{}, fmt.Errorf("keystore: sealed identity of %s is damaged", id)
	}
	plain, err := aead.Open(nil, sealed.Nonce, sealed.Ciphertext, id[:])
	if err != nil {
		return Identity{}, fmt.Errorf("keystore: sealed identity of %s does not open", id)
	}
	var who Identity
	return who, json.Unmarshal(plain, &who)
}

// Forget deletes a participant's key for good (crypto-shredding): the
// vault destroys it. It is durable on return and succeeds for a key
// already gone.
func (s *Store) Forget(ctx context.Context, id domain.ID) error {
	if err := s.vault.Destroy(ctx, id); err != nil {
		return fmt.Errorf("keystore: forget %s: %w", id, err)
	}
	return nil
}
