package publish_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/publish/site"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// TestAPublicationAsOfADateIsTheSameAfterLaterEvents: the observatory as
// of 2 April 2026, built from the fixture's log (recorded on 1 March),
// then again after more was recorded on 1 May — a dialogue, a value, an
// authority and its commitment of 2025 —, by a service that has read it
// all: every file is the same, byte for byte, signature included. As of
// 2 May, the commitment shows (so the comparison can fail), and a date
// after the server's day is refused, naming asOf.
func TestAPublicationAsOfADateIsTheSameAfterLaterEvents(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	april := publish.Policy{AsOf: domain.NewDate(2026, 4, 2)}
	before := built(t, f.Service(t, read.CellKey, 5), april)
	f.Later(t)
	laterAuthority(t, f)
	svc := f.Service(t, read.CellKey, 5)
	after := built(t, svc, april)
	if len(before) != len(after) {
		t.Fatalf("%d files, then %d", len(before), len(after))
	}
	for name, body := range before {
		if !bytes.Equal(body, after[name]) {
			t.Errorf("%s differs after later events:\n%s\n---\n%s", name, body, after[name])
		}
	}
	may := built(t, svc, publish.Policy{AsOf: domain.NewDate(2026, 5, 2)})
	if !bytes.Contains(may["data/observatoire.json"], []byte("Tribunal de grande instance de Mopti")) || bytes.Contains(before["data/observatoire.json"], []byte("Tribunal de grande instance de Mopti")) {
		t.Errorf("the authority recorded on 1 May shows as of 2 May only:\n%s", may["data/observatoire.json"])
	}
	_, err := publish.Build(ctx, svc, publish.Policy{AsOf: domain.NewDate(2026, 6, 2)}) // the server's day is 1 June
	var refusal *read.Error
	if !errors.As(err, &refusal) || refusal.Field != "asOf" {
		t.Errorf("a publication dated after today: %v, want a refusal on asOf", err)
	}
}

// laterAuthority records, on the fixture's later day, an authority and a
// commitment it made in 2025.
func laterAuthority(t *testing.T, f *reporttest.Fixture) {
	t.Helper()
	promise(t, f, stakeholder.Profile{Name: "Tribunal de grande instance de Mopti", Type: "court", Level: "regional", Region: "mopti"}, "Éclairer le marché")
}

// built is every file of the observatory the policy builds, written and
// signed with one key.
func built(t *testing.T, svc *read.Service, p publish.Policy) map[string][]byte {
	t.Helper()
	o, err := publish.Build(context.Background(), svc, p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := site.Write(dir, o, site.Options{Lang: "fr", Key: site.KeyFromSeed(bytes.Repeat([]byte{7}, 32))}); err != nil {
		t.Fatal(err)
	}
	files, err := site.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
