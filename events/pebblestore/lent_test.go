package pebblestore_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
)

func TestALentReadYieldsWhatReadAllGives(t *testing.T) {
	s := openStore(t, "", nil)
	ctx := context.Background()
	for i := range 5 {
		evs := eventstoretest.NewEvents(fmt.Sprintf("Type%d", i), 7)
		evs[0].Metadata = []byte(`{"schemaVersion":1}`)
		if _, err := s.Append(ctx, fmt.Sprintf("stream-%d", i), events.Any{}, evs...); err != nil {
			t.Fatal(err)
		}
	}
	var given []events.RecordedEvent
	for rec, err := range s.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		given = append(given, rec)
	}
	i := 0
	for rec, err := range s.ReadAllLent(ctx, events.Position{Commit: 3, Prepare: 3}, 20) {
		if err != nil {
			t.Fatal(err)
		}
		// Compared before the next is taken: a lent event is valid until then.
		want := given[i+2]
		if !reflect.DeepEqual(rec, want) || !bytes.Equal(rec.Data, want.Data) {
			t.Fatalf("lent event %d: %+v, want %+v", i, rec, want)
		}
		i++
	}
	if i != 20 {
		t.Fatalf("%d events lent, want 20", i)
	}
}
