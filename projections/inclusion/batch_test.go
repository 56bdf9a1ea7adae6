package inclusion_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
)

// A replay into an empty model defers its counting to the batch's end
// (batch.go). Over random histories, the model a batch gives must be the
// one events applied one at a time give: the same snapshot bytes and the
// same published figures. So must a model read in the middle of its
// batch, which then does the deferred work first.
func TestABatchGivesTheModelOfOneEventAtATime(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		defer env.Close()
		spaces := randomHistory(rt, env)
		ctx := context.Background()
		oneByOne, _, raw := replayAndRestore(rt, env.Store)
		batched := inclusion.New()
		if _, _, err := projections.Replay(ctx, env.Store, batched); err != nil {
			rt.Fatal(err)
		}
		interrupted := inclusion.New()
		interrupted.BeginBatch()
		readAt := rapid.IntRange(0, len(raw)).Draw(rt, "read after")
		for i, rec := range raw {
			if i == readAt {
				interrupted.Span()
				interrupted.View(ctx, randomQuery(rt, spaces)) // its space may not be established yet
			}
			if err := interrupted.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
				rt.Fatal(err)
			}
		}
		interrupted.EndBatch()

		want := snapshotOf(rt, oneByOne)
		for name, m := range map[string]*inclusion.Model{"a batch": batched, "a batch read midway": interrupted} {
			if !bytes.Equal(snapshotOf(rt, m), want) {
				rt.Fatalf("%s does not snapshot to the bytes of one event at a time", name)
			}
		}
		for range 5 { // views walk the spaces' lists, which a batch sorts at its end
			q := randomQuery(rt, spaces)
			want, wantErr := oneByOne.View(ctx, q)
			for name, m := range map[string]*inclusion.Model{"a batch": batched, "a batch read midway": interrupted} {
				if got, err := m.View(ctx, q); !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) {
					rt.Fatalf("query %+v: %s views\n%+v (%v)\none event at a time\n%+v (%v)", q, name, got, err, want, wantErr)
				}
			}
		}
		for _, m := range []*inclusion.Model{oneByOne, batched, interrupted} {
			m.UsePerturbation(noisy)
		}
		for range 5 {
			q := randomQuery(rt, spaces)
			want, err := oneByOne.Published(ctx, q)
			if err != nil {
				rt.Fatal(err)
			}
			for name, m := range map[string]*inclusion.Model{"a batch": batched, "a batch read midway": interrupted} {
				if got, _ := m.Published(ctx, q); !reflect.DeepEqual(got, want) {
					rt.Fatalf("query %+v: %s publishes\n%+v\none event at a time\n%+v", q, name, got, want)
				}
			}
		}
	})
}

func snapshotOf(rt *rapid.T, m *inclusion.Model) []byte {
	var b bytes.Buffer
	if err := m.Snapshot(&b); err != nil {
		rt.Fatal(err)
	}
	return b.Bytes()
}
