package frameworks_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/palabre/palabre/core/read/reporttest"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/frameworks"
)

// TestAFrameworkIsWhatItsEventsMadeAndSurvivesASnapshot replays the
// fixture's log: the framework holds every part in the order set and the
// latest value of each slot, and a snapshot restored gives the same bytes.
func TestAFrameworkIsWhatItsEventsMadeAndSurvivesASnapshot(t *testing.T) {
	f := reporttest.New(t)
	f.Later(t)
	m := frameworks.New()
	if _, _, err := projections.Replay(context.Background(), f.Store, m); err != nil {
		t.Fatal(err)
	}
	got, ok := m.Get(f.FrameworkID)
	if !ok || len(got.Indicators) != 7 || got.Indicators[0].Key != "I1" || len(got.Programme.Partners) != 2 {
		t.Fatalf("the framework: %+v", got)
	}
	if len(got.Values) != 2 || *got.Values[1].Value != 2 || len(got.Values[1].Evidence) != 2 {
		t.Errorf("values: got %+v, want I5's and I6's latest (2, with two items of evidence)", got.Values)
	}
	if _, ok := m.Get(f.Mopti); ok {
		t.Error("a space's id names a framework")
	}
	var a, b bytes.Buffer
	if err := m.Snapshot(&a); err != nil {
		t.Fatal(err)
	}
	restored := frameworks.New()
	if err := restored.Restore(bytes.NewReader(a.Bytes())); err != nil {
		t.Fatal(err)
	}
	if err := restored.Snapshot(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("a restored snapshot differs:\n%s\n%s", a.Bytes(), b.Bytes())
	}
}
