package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// writeNewFile writes a file the command makes (a report, a backup) and
// never one that exists: `--out DATA/master.key` would otherwise replace
// the key and lose every name for good. It writes beside it first, so a
// failure midway leaves no half file under the name asked for.
func writeNewFile(name string, perm fs.FileMode, write func(io.Writer) error) error {
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("%s exists: give a new file's name, palabre never writes over one", name)
	}
	tmp := name + ".partial"
	file, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := errors.Join(write(file), file.Sync(), file.Close()); err != nil {
		return err
	}
	// A link, unlike a rename, fails when the name was taken meanwhile.
	if err := os.Link(tmp, name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists: give a new file's name, palabre never writes over one", name)
		}
		return err
	}
	return nil
}
