package pebblestore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Loose is a path of a data directory that group or others may use.
type Loose struct {
	Path string
	Mode fs.FileMode
}

func (l Loose) String() string { return fmt.Sprintf("%s (%v)", l.Path, l.Mode.Perm()) }

// OpenToOthers lists dir and every directory and file under it that
// group or others may read, write or enter. On Windows, whose access is
// ACLs that Go's modes do not show, it lists nothing.
func OpenToOthers(dir string) ([]Loose, error) {
	return walkLoose(dir, false)
}

// OwnerOnly makes dir and everything under it owner-only (directories
// 0700, files 0600) where group or others had access, and lists what it
// changed: a directory made beforehand (mkdir, a copy, a restored
// archive) keeps the umask's 0755 and 0644 otherwise.
func OwnerOnly(dir string) ([]Loose, error) {
	return walkLoose(dir, true)
}

func walkLoose(dir string, tighten bool) ([]Loose, error) {
	if runtime.GOOS == "windows" {
		return nil, nil
	}
	var loose []Loose
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p != dir {
			return nil // removed meanwhile
		}
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 == 0 {
			return nil
		}
		loose = append(loose, Loose{p, info.Mode()})
		if !tighten {
			return nil
		}
		return os.Chmod(p, ownerOnly(d.IsDir()))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return loose, fmt.Errorf("owner-only %s: %w", dir, err)
	}
	return loose, nil
}

func ownerOnly(isDir bool) fs.FileMode {
	if isDir {
		return 0o700
	}
	return 0o600
}

// ownerOnlyFS is the operating system's file system for Pebble, whose
// files it makes owner-only as they are created: Pebble creates them
// 0666 and its directories 0755, less the umask.
type ownerOnlyFS struct{ vfs.FS }

func (o ownerOnlyFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	f, err := o.FS.Create(name, category)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(name, 0o600); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func (o ownerOnlyFS) OpenReadWrite(name string, category vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	f, err := o.FS.OpenReadWrite(name, category, opts...)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(name, 0o600); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func (o ownerOnlyFS) MkdirAll(dir string, _ os.FileMode) error {
	if err := o.FS.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

func (o ownerOnlyFS) Lock(name string) (io.Closer, error) {
	l, err := o.FS.Lock(name)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(name, 0o600); err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

func (o ownerOnlyFS) Unwrap() vfs.FS { return o.FS }
