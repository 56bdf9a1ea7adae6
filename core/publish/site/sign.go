package site

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The files that sign a site.
const (
	ManifestFile  = "manifest.sha256"
	SignatureFile = "manifest.sig"
	PublicKeyFile = "publication.pub"
)

// SigningPurpose is what the signing key is derived from the master key
// for (keystore.Store.Secret): the same key for every publication of an
// alliance, without a key file of its own to keep.
const SigningPurpose = "publication signing key"

// KeyFromSeed is the signing key of a 32-byte secret.
func KeyFromSeed(seed []byte) ed25519.PrivateKey { return ed25519.NewKeyFromSeed(seed) }

// Sign writes the manifest of every file under dir (its SHA-256 and path,
// sorted by path) and its Ed25519 signature.
func Sign(dir string, key ed25519.PrivateKey) error {
	files, err := listed(dir)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, name := range files {
		sum, err := digest(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), b.Bytes(), 0o644); err != nil {
		return err
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, b.Bytes()))
	return os.WriteFile(filepath.Join(dir, SignatureFile), []byte(sig+"\n"), 0o644)
}

// listed are the files a manifest lists: every regular file under dir
// but the manifest and its signature, as slash paths, sorted.
func listed(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: %w", rel, ErrNotAFile)
		case rel == ManifestFile || rel == SignatureFile:
			return nil
		}
		out = append(out, rel)
		return nil
	})
	slices.Sort(out)
	return out, err
}

// ErrNotAFile: a publication holds regular files only (no link that could
// point out of it).
var ErrNotAFile = errors.New("not a regular file")

func digest(path string) (string, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// ParseKey reads a public key as the site publishes it (base64).
func ParseKey(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("not an Ed25519 public key in base64 (%d bytes)", ed25519.PublicKeySize)
	}
	return raw, nil
}

// Mismatch names the first file of a copy that differs from what its
// signed manifest says, and how.
type Mismatch struct {
	File, Reason string
}

func (m *Mismatch) Error() string { return m.File + ": " + m.Reason }

// Verify checks a copy in dir against key (nil: the key the copy itself
// publishes, which proves only that it is whole). Returns a *Mismatch
// naming the first file, in path order, that differs, is missing or is
// not listed.
func Verify(dir string, key ed25519.PublicKey) error {
	if key == nil {
		own, err := os.ReadFile(filepath.Join(dir, PublicKeyFile))
		if err != nil {
			return &Mismatch{PublicKeyFile, "missing"}
		}
		if key, err = ParseKey(string(own)); err != nil {
			return &Mismatch{PublicKeyFile, err.Error()}
		}
	}
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return &Mismatch{ManifestFile, "missing"}
	}
	sig, err := os.ReadFile(filepath.Join(dir, SignatureFile))
	if err != nil {
		return &Mismatch{SignatureFile, "missing"}
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if err != nil || !ed25519.Verify(key, manifest, raw) {
		return &Mismatch{ManifestFile, "its signature does not match the key"}
	}
	return checkFiles(dir, manifest)
}

// sums are a manifest's files and their SHA-256, by slash path.
func sums(manifest []byte) (map[string]string, error) {
	want := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(manifest))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, &Mismatch{ManifestFile, "a line is not a SHA-256 and a path inside the publication"}
		}
		want[name] = sum
	}
	return want, nil
}

// checkFiles compares the files under dir with a manifest already
// verified, in path order.
func checkFiles(dir string, manifest []byte) error {
	want, err := sums(manifest)
	if err != nil {
		return err
	}
	present, err := listed(dir)
	if err != nil {
		return &Mismatch{dir, err.Error()}
	}
	all := append(slices.Clone(present), slices.Collect(maps.Keys(want))...)
	slices.Sort(all)
	for _, name := range slices.Compact(all) {
		sum, ok := want[name]
		if !ok {
			return &Mismatch{name, "not in the signed manifest"}
		}
		got, err := digest(filepath.Join(dir, filepath.FromSlash(name)))
		switch {
		case err != nil:
			return &Mismatch{name, "missing"}
		case got != sum:
			return &Mismatch{name, "its SHA-256 differs from the signed manifest's"}
		}
	}
	return nil
}
