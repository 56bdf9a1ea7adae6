package site

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"regexp"
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
		Authorities:   []publish.Authority{{Ref: "A1", Name: "=Préfecture", Named: true, Commitments: []publish.Commitment{{Ref: "C1", Authority: "A1", Text: "+Patrouilles", Status: "open", MadeOn: domain.NewDate(2026, 1, 5)}}}},
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

// TestEveryLinkOfTheSiteFindsAPage: a Gao authority's commitment made in
// Mopti, another of no region: every link of every page leads to a file
// the site holds, and Mopti's page lists the authority that made its
// commitment there (the region's rate links to it).
func TestEveryLinkOfTheSiteFindsAPage(t *testing.T) {
	rate := 1.0
	o := &publish.Observatory{AsOf: domain.NewDate(2026, 12, 3), DelayDays: 45, Cutoff: domain.NewDate(2026, 10, 19),
		Authorities: []publish.Authority{{Ref: "A1", Name: "Gouvernorat de Gao", Named: true, Region: "gao", Commitments: []publish.Commitment{
			{Ref: "C1", Authority: "A1", Region: "mopti", Text: "Escortes", Status: "fulfilled", MadeOn: domain.NewDate(2026, 1, 5)},
			{Ref: "C2", Authority: "A1", Text: "Audiences", Status: "open", MadeOn: domain.NewDate(2026, 2, 5)}}}},
		RatesByRegion: []publish.Rate{{Key: "mopti", Label: "mopti", Made: 1, Fulfilled: 1, Rate: &rate}}}
	o.RatesByAuthority = []publish.Rate{{Key: "A1", Label: "Gouvernorat de Gao", Made: 2, Fulfilled: 1, Open: 1, Rate: &rate}}
	dir := filepath.Join(t.TempDir(), "site")
	if err := Write(dir, o, Options{Lang: "fr", Key: KeyFromSeed(make([]byte, 32))}); err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	href := regexp.MustCompile(`href="([^"#]+)`)
	for _, page := range pages {
		body, _ := os.ReadFile(page)
		for _, m := range href.FindAllStringSubmatch(string(body), -1) {
			if _, err := os.Stat(filepath.Join(dir, m[1])); err != nil {
				t.Errorf("%s links to %s, which the site does not hold", filepath.Base(page), m[1])
			}
		}
	}
	if body, _ := os.ReadFile(filepath.Join(dir, "autorites-mopti.html")); !strings.Contains(string(body), "autorite-A1.html") {
		t.Errorf("Mopti's page does not list the authority of its commitment:\n%s", body)
	}
}
