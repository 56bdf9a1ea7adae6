package site

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/events/domain"
)

func written(t *testing.T) (string, ed25519.PrivateKey) {
	t.Helper()
	key := KeyFromSeed(make([]byte, 32))
	rate := 0.5
	o := &publish.Observatory{AsOf: domain.NewDate(2026, 12, 3), DelayDays: 45, Cutoff: domain.NewDate(2026, 10, 19),
		Authorities:   []publish.Authority{{Ref: "A1", Name: "=Préfecture", Commitments: []publish.Commitment{{Ref: "C1", Authority: "A1", Text: "+Patrouilles", Status: "open", MadeOn: domain.NewDate(2026, 1, 5)}}}},
		RatesByRegion: []publish.Rate{{Key: "gao", Label: "gao", Made: 1234, Fulfilled: 1, Broken: 1, Rate: &rate}}}
	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(dir, o, Options{Lang: "fr", Key: key}); err != nil {
		t.Fatal(err)
	}
	return dir, key
}

func TestACopyAsSignedVerifiesAndATamperedOneNamesTheFile(t *testing.T) {
	dir, key := written(t)
	pub := key.Public().(ed25519.PublicKey)
	if err := Verify(dir, pub); err != nil {
		t.Fatalf("the copy as written: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(dir string)
		file   string
	}{
		{"a changed figure", func(dir string) { appendTo(t, filepath.Join(dir, "data/taux-regions.csv"), "gao,9") }, "data/taux-regions.csv"},
		{"a file added", func(dir string) { os.WriteFile(filepath.Join(dir, "data/extra.csv"), []byte("x"), 0o644) }, "data/extra.csv"},
		{"a file removed", func(dir string) { os.Remove(filepath.Join(dir, "inclusion.html")) }, "inclusion.html"},
		{"the manifest re-made with another key", func(dir string) { Sign(dir, KeyFromSeed([]byte(strings.Repeat("k", 32)))) }, ManifestFile},
	} {
		dir, _ := written(t)
		tc.change(dir)
		var m *Mismatch
		if err := Verify(dir, pub); !errors.As(err, &m) || m.File != tc.file {
			t.Errorf("%s: Verify = %v, want the first difference in %s", tc.name, err, tc.file)
		}
	}
}

func appendTo(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(line + "\n")
}

func TestPagesSpeakFrenchAndDataIsFormulaSafe(t *testing.T) {
	dir, _ := written(t)
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, want := range []string{`<html lang="fr">`, "<main", "<nav", `<th scope="col"`, "1\u202f234", "50,0\u202f%", "3 décembre 2026", "19 octobre 2026"} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Contains(string(index), "<script") {
		t.Error("index.html needs JavaScript")
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "data/engagements.csv"))
	if !strings.HasPrefix(string(csv), "\uFEFF") || !strings.Contains(string(csv), "'=Préfecture") || !strings.Contains(string(csv), "'+Patrouilles") {
		t.Errorf("engagements.csv is not UTF-8 with a BOM and formula-safe:\n%s", csv)
	}
}
