package durable

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// WriteFile writes b to path atomically (a temporary file beside it,
// synced, renamed over it) and durably (the directory synced), owner-only.
func WriteFile(path string, b []byte) error {
	return WriteFiles([]File{{Path: path, Data: b}})
}

// File is a file WriteFiles writes.
type File struct {
	Path string
	Data []byte
}

// WriteFiles writes files as WriteFile does, each whole and owner-only,
// sharing the directories' syncs: their temporary files are synced side by
// side (a journaling file system commits them together), then renamed,
// then each directory is synced once. All are durable on return; on an
// error some may be.
func WriteFiles(files []File) error {
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() { errs[i] = writeSynced(f.Path+".tmp", f.Data) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if err := os.Rename(f.Path+".tmp", f.Path); err != nil {
			return err
		}
		dirs[filepath.Dir(f.Path)] = true
	}
	for dir := range dirs {
		if err := SyncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// writeSynced writes b to path, owner-only, and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// SyncDir makes the entries of dir (a file created, renamed or removed)
// durable. It does nothing on Windows.
func SyncDir(dir string) error {
	if !canSyncDirs {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
