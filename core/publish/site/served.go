package site

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Served is a publication as a server serves it: checked against the
// alliance's key when opened, then each file only if its manifest lists
// it and only as the bytes signed — a file added or changed in the folder
// afterwards is not served.
type Served struct {
	dir  string
	sums map[string]string
}

// Open checks the publication in dir against key and opens it to be
// served; a *Mismatch when it is not as signed.
func Open(dir string, key ed25519.PublicKey) (*Served, error) {
	if err := Verify(dir, key); err != nil {
		return nil, err
	}
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	want, err := sums(manifest)
	if err != nil {
		return nil, err
	}
	return &Served{dir: dir, sums: want}, nil
}

// Dir is the publication's folder.
func (s *Served) Dir() string { return s.dir }

// File is one file of the publication by its slash path, as signed; the
// manifest and its signature too, which a reader checks a copy with.
// Read through an os.Root, which refuses "..", absolute names and links
// leading out of the folder.
func (s *Served) File(name string) ([]byte, bool) {
	if !fs.ValidPath(name) || path.Clean(name) != name {
		return nil, false
	}
	sum, listed := s.sums[name]
	if !listed && name != ManifestFile && name != SignatureFile {
		return nil, false
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, false
	}
	defer root.Close()
	info, err := root.Lstat(name)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false
	}
	body, err := fs.ReadFile(root.FS(), name)
	if err != nil {
		return nil, false
	}
	if got := sha256.Sum256(body); listed && hex.EncodeToString(got[:]) != sum {
		return nil, false
	}
	return body, true
}

// ReadAll reads every file of the publication in dir, by its path in
// the folder (slash-separated), so that two publications can be compared
// byte for byte.
func ReadAll(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	return files, err
}
