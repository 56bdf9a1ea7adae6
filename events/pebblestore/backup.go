package pebblestore

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/cockroachdb/pebble/v2"

	"github.com/palabre/palabre/events/durable"
)

// A backup is a tar stream of a Pebble checkpoint under events/, followed by
// backupManifest, which lists every file with its size and SHA-256 so a
// restore can prove it has the whole, undamaged backup.
const (
	backupFormat   = "palabre-backup-1"
	manifestName   = "MANIFEST.palabre.json"
	maxBackupFiles = 100_000
)

type backupManifest struct {
	Format string                `json:"format"`
	Files  map[string]backupFile `json:"files"`
}

type backupFile struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// backupKeys is where a backup carries the participants' keys.
const backupKeys = "keys"

// Backup writes a consistent copy of the store to w while appends go on,
// then the files of the participants' key directory keys ("" for none)
// as they are then, under keys/. It holds every event acknowledged before
// it was called, and possibly some acknowledged during it; the keys are
// copied after the events, so that a key made for an event in the backup
// is in it too. Restore it with Restore.
func (s *Store) Backup(ctx context.Context, w io.Writer, keys string) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	tmp, err := os.MkdirTemp(s.dir, ".backup-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	checkpoint := filepath.Join(tmp, "events")
	// Hard links where it can: the copy costs no space until compaction.
	if err := s.db.Checkpoint(checkpoint, pebble.WithFlushedWAL()); err != nil {
		return fmt.Errorf("backup: checkpoint: %w", err)
	}
	manifest := backupManifest{Format: backupFormat, Files: map[string]backupFile{}}
	tw := tar.NewWriter(w)
	err = filepath.WalkDir(checkpoint, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(tmp, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		f, err := addToTar(tw, p, name)
		if err != nil {
			return err
		}
		manifest.Files[name] = f
		return nil
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if keys != "" {
		if err := addDir(ctx, tw, keys, backupKeys, manifest.Files); err != nil {
			return fmt.Errorf("backup %s: %w", keys, err)
		}
	}
	body, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(body); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// addDir adds a directory's regular files under name; one deleted
// meanwhile (a key erased during the backup) is left out.
func addDir(ctx context.Context, tw *tar.Writer, dir, name string, files map[string]backupFile) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		entry := name + "/" + e.Name()
		f, err := addToTar(tw, filepath.Join(dir, e.Name()), entry)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		files[entry] = f
	}
	return nil
}

func addToTar(tw *tar.Writer, p, name string) (backupFile, error) {
	f, err := os.Open(p)
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return backupFile{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: info.Size(), Typeflag: tar.TypeReg}); err != nil {
		return backupFile{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tw, h), f); err != nil {
		return backupFile{}, err
	}
	return backupFile{Size: info.Size(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ErrBadBackup marks a backup stream that is damaged, incomplete or not a
// palabre backup.
var ErrBadBackup = errors.New("not a complete palabre backup")

// Restore unpacks a backup written by Backup into dir, which must not exist
// or be empty. It verifies every file against the backup's manifest and
// syncs them before returning; on any error it removes what it wrote.
//
// Returns an error wrapping ErrBadBackup for a damaged or incomplete backup.
func Restore(ctx context.Context, r io.Reader, dir string) (err error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("restore: %s is not empty; restore only into an empty directory", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer func() {
		if err != nil {
			cleanDir(dir)
		}
	}()
	got := map[string]backupFile{}
	var manifest *backupManifest
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("restore: %w: %v", ErrBadBackup, err)
		}
		if manifest != nil {
			return fmt.Errorf("restore: %w: %s after the manifest", ErrBadBackup, hdr.Name)
		}
		if hdr.Name == manifestName {
			manifest = &backupManifest{}
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(manifest); err != nil {
				return fmt.Errorf("restore: %w: manifest: %v", ErrBadBackup, err)
			}
			continue
		}
		name, err := backupEntryName(hdr)
		if err != nil {
			return err
		}
		if _, dup := got[name]; dup || len(got) >= maxBackupFiles {
			return fmt.Errorf("restore: %w: %s repeated or too many files", ErrBadBackup, name)
		}
		if got[name], err = writeRestored(filepath.Join(dir, filepath.FromSlash(name)), tr); err != nil {
			return fmt.Errorf("restore %s: %w", name, err)
		}
	}
	if manifest == nil || manifest.Format != backupFormat {
		return fmt.Errorf("restore: %w: no %s manifest at the end", ErrBadBackup, backupFormat)
	}
	if len(manifest.Files) != len(got) {
		return fmt.Errorf("restore: %w: the manifest lists %d files, the backup holds %d", ErrBadBackup, len(manifest.Files), len(got))
	}
	for name, want := range manifest.Files {
		if got[name] != want {
			return fmt.Errorf("restore: %w: %s does not match the manifest", ErrBadBackup, name)
		}
	}
	return syncDirs(dir)
}

// backupEntryName accepts only regular files under events/, or directly
// under keys/, with no way to climb out of the target directory.
func backupEntryName(hdr *tar.Header) (string, error) {
	name := hdr.Name
	clean := path.Clean(name)
	dir, file := path.Split(clean)
	inKeys := dir == backupKeys+"/" && file != "" && !strings.HasPrefix(file, ".")
	if hdr.Typeflag != tar.TypeReg || clean != name || !(strings.HasPrefix(clean, "events/") || inKeys) || strings.Contains(clean, "..") || hdr.Size < 0 {
		return "", fmt.Errorf("restore: %w: unexpected entry %q", ErrBadBackup, name)
	}
	return clean, nil
}

func writeRestored(p string, r io.Reader) (backupFile, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return backupFile{}, err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err != nil {
		return backupFile{}, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	if err := f.Sync(); err != nil {
		return backupFile{}, err
	}
	return backupFile{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, f.Close()
}

// syncDirs makes the restored directory entries durable.
func syncDirs(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return durable.SyncDir(p)
	})
}

// cleanDir empties a directory that a failed restore wrote into.
func cleanDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
