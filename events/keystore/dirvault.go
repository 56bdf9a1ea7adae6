package keystore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/durable"
)

// DirVault is the embedded default's vault: a directory of files
// <participant ULID>.key, owner-only, each written durably (file and
// directory synced) before Create returns. Keys made at the same time (an
// import's newcomers) are written in batches: their files synced side by
// side, the directory once per batch. One process at a time uses a
// directory (the data directory's lock), so first stored wins within it.
type DirVault struct {
	dir string
	// mu serialises looking keys up and starting to write them, so that
	// an id's first key is the one kept; it guards the batches below.
	mu sync.Mutex
	// gathering is the batch new keys join while another is synced;
	// syncing is set while one is; making are the keys written but not
	// yet durable, each with its batch.
	gathering *batch
	syncing   bool
	making    map[domain.ID]*batch
	synced    *sync.Cond // broadcast when a batch is durable
}

var _ Vault = (*DirVault)(nil)

// OpenDir opens (creating it if needed) a key directory.
func OpenDir(dir string) (*DirVault, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	v := &DirVault{dir: dir, making: map[domain.ID]*batch{}}
	v.synced = sync.NewCond(&v.mu)
	return v, nil
}

// Dir is the directory the vault keeps its files in.
func (v *DirVault) Dir() string { return v.dir }

// Load returns id's wrapped key, or ErrNoKey. A key being written is
// returned once it is durable.
func (v *DirVault) Load(ctx context.Context, id domain.ID) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.awaitMade(id)
	return v.read(ctx, id)
}

// read returns the file of id's key, or ErrNoKey; v.mu is held.
func (v *DirVault) read(ctx context.Context, id domain.ID) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wrapped, err := os.ReadFile(Path(v.dir, id))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrNoKey
	case err != nil:
		return nil, fmt.Errorf("keystore: %w", err)
	}
	return wrapped, nil
}

// Create writes wrapped as id's key unless id has one, durably, sharing
// the syncs of keys created at the same time; it returns the key id has.
func (v *DirVault) Create(ctx context.Context, id domain.ID, wrapped []byte) ([]byte, error) {
	v.mu.Lock()
	v.awaitMade(id)
	kept, err := v.read(ctx, id)
	if !errors.Is(err, ErrNoKey) {
		v.mu.Unlock()
		return kept, err
	}
	erased, err := isErased(v.dir, id)
	if err == nil && erased {
		err = ErrDestroyed
	}
	if err != nil {
		v.mu.Unlock()
		return nil, err
	}
	b := v.gather(id, wrapped)
	v.mu.Unlock()
	if err := v.commit(b); err != nil {
		return nil, fmt.Errorf("keystore: %w", err)
	}
	return wrapped, nil
}

// Destroy leaves id's tombstone, then overwrites and unlinks id's file
// and syncs the directory (see Remove, and the package's caveats).
func (v *DirVault) Destroy(ctx context.Context, id domain.ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.awaitMade(id)
	if err := durable.WriteFile(tombstonePath(v.dir, id), nil); err != nil {
		return fmt.Errorf("keystore: %w", err)
	}
	return Remove(v.dir, id)
}

// List returns the participants that have a key; files that are no key
// are left out (List, the function, names them).
func (v *DirVault) List(ctx context.Context) ([]domain.ID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids, _, err := List(v.dir)
	return ids, err
}

// keySuffix ends every key file's name: the participant's id, then it.
// A tombstone, an empty file ending in tombstoneSuffix, says the
// participant's key was destroyed: a key file for them is never taken
// again (a backup carries tombstones like keys).
const (
	keySuffix       = ".key"
	tombstoneSuffix = ".erased"
)

// Path is where a key directory keeps a participant's key.
func Path(dir string, id domain.ID) string { return filepath.Join(dir, id.String()+keySuffix) }

func tombstonePath(dir string, id domain.ID) string {
	return filepath.Join(dir, id.String()+tombstoneSuffix)
}

// isErased says whether a key directory holds id's tombstone.
func isErased(dir string, id domain.ID) (bool, error) {
	_, err := os.Lstat(tombstonePath(dir, id))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("keystore: %w", err)
}

// Remove deletes a participant's key from a key directory, durably,
// without the master key: erasures re-applied to a restored backup. The
// file is overwritten with zeros and synced before it is unlinked, so
// that its blocks do not keep the key for whoever reads the disk; a copy
// the file system or the device made elsewhere (a snapshot, an SSD's
// remapped blocks) is beyond reach. It succeeds for a key already gone.
func Remove(dir string, id domain.ID) error {
	path := Path(dir, id)
	if err := overwrite(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("keystore: %w", err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("keystore: %w", err)
	}
	return durable.SyncDir(dir)
}

// overwrite writes zeros over a file's bytes, in place, and syncs them.
func overwrite(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err == nil {
		_, err = f.WriteAt(make([]byte, info.Size()), 0)
	}
	return errors.Join(err, f.Sync(), f.Close())
}

// List returns the participants that have a key in a key directory, and
// the names of files there that are neither a key nor a tombstone.
func List(dir string) (ids []domain.ID, strays []string, err error) {
	ids, _, strays, err = list(dir)
	return ids, strays, err
}

func list(dir string) (ids, erased []domain.ID, strays []string, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("keystore: %w", err)
	}
	for _, e := range entries {
		name, isKey := strings.CutSuffix(e.Name(), keySuffix)
		name, isTombstone := strings.CutSuffix(name, tombstoneSuffix)
		id, perr := domain.ParseID("key", name)
		switch {
		case perr != nil || !e.Type().IsRegular() || isKey == isTombstone:
			strays = append(strays, e.Name())
		case isKey:
			ids = append(ids, id)
		default:
			erased = append(erased, id)
		}
	}
	return ids, erased, strays, nil
}

// batch is new keys made durable together: an import enrolling 20,000
// newcomers side by side shares its syncs instead of waiting for two per
// person, one after the other.
type batch struct {
	files []durable.File
	ids   []domain.ID
	done  bool
	err   error
}

// gather adds a new key to the batch being gathered. v.mu is held.
func (v *DirVault) gather(id domain.ID, wrapped []byte) *batch {
	if v.gathering == nil {
		v.gathering = &batch{}
	}
	b := v.gathering
	b.files = append(b.files, durable.File{Path: Path(v.dir, id), Data: wrapped})
	b.ids = append(b.ids, id)
	v.making[id] = b
	return b
}

// commit returns once b is durable, or failed: one caller at a time
// writes the batch gathered so far while the next one gathers, so that
// keys made at once share one directory sync.
func (v *DirVault) commit(b *batch) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	for !b.done {
		if v.syncing {
			v.synced.Wait()
			continue
		}
		next := v.gathering // b, since it is neither done nor syncing
		v.gathering, v.syncing = nil, true
		v.mu.Unlock()
		err := durable.WriteFiles(next.files)
		v.mu.Lock()
		next.done, next.err, v.syncing = true, err, false
		for _, id := range next.ids {
			delete(v.making, id)
		}
		v.synced.Broadcast()
	}
	return b.err
}

// awaitMade waits while a key of id is being written, so that it is
// read, kept or destroyed only once it is durable or failed. v.mu is
// held.
func (v *DirVault) awaitMade(id domain.ID) {
	for v.making[id] != nil {
		v.synced.Wait()
	}
}

// Adopted is what Adopt did: keys moved, and keys of erased participants
// it shredded instead.
type Adopted struct {
	Moved    int
	Shredded []domain.ID
}

// Adopt moves the keys of a key directory into vault: each is created
// there as it is (still wrapped), then its file removed, so that a node
// moving to a replicated engine's vault keeps its participants' names and
// keeps no key on its disk, where an erasure in the vault would not reach
// it. The directory's tombstones are destroyed in the vault first. A key
// of a participant the vault says was erased (ErrDestroyed) is shredded,
// not taken. A key the vault holds already must be the same: another is
// an error, and its file stays.
func Adopt(ctx context.Context, dir string, vault Vault) (Adopted, error) {
	var done Adopted
	ids, erased, _, err := list(dir)
	if err != nil {
		return done, err
	}
	for _, id := range erased {
		if err := vault.Destroy(ctx, id); err != nil {
			return done, fmt.Errorf("keystore: adopt the erasure of %s: %w", id, err)
		}
		if err := os.Remove(tombstonePath(dir, id)); err != nil {
			return done, fmt.Errorf("keystore: %w", err)
		}
	}
	if len(erased) > 0 {
		if err := durable.SyncDir(dir); err != nil {
			return done, err
		}
	}
	for _, id := range ids {
		wrapped, err := os.ReadFile(Path(dir, id))
		if err != nil {
			return done, fmt.Errorf("keystore: %w", err)
		}
		kept, err := vault.Create(ctx, id, wrapped)
		switch {
		case errors.Is(err, ErrDestroyed):
			done.Shredded = append(done.Shredded, id)
		case err != nil:
			return done, fmt.Errorf("keystore: adopt %s: %w", id, err)
		case !bytes.Equal(kept, wrapped):
			return done, fmt.Errorf("keystore: the vault holds another key for %s than %s, which is left in place", id, Path(dir, id))
		default:
			done.Moved++
		}
		if err := Remove(dir, id); err != nil {
			return done, err
		}
	}
	return done, nil
}

// CheckDir returns an error naming the first key of a key directory that
// does not open under masterKey: keys copied in from another deployment,
// or made without its master key, which must not reach its vault.
func CheckDir(ctx context.Context, dir string, masterKey []byte) error {
	ids, _, err := List(dir)
	if err != nil || len(ids) == 0 {
		return err
	}
	s, err := Open(dir, masterKey)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.key(ctx, id, false); err != nil {
			return fmt.Errorf("%s: %w", Path(dir, id), err)
		}
	}
	return nil
}
