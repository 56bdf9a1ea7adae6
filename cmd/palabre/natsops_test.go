package main

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/pebblestore"
)

// A log copied into JetStream (a restore, served with --store nats) keeps
// each event's stream, revision, id and recording time, a command's
// events together; copying it again, as a start interrupted midway does,
// adds nothing.
func TestCopyingALogKeepsEveryEventAsRecorded(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	from, err := pebblestore.Open(t.TempDir(), &pebblestore.Options{Clock: func() time.Time { clock = clock.Add(time.Hour); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	for _, stream := range []string{"space-a", "space-b", "space-a", "space-a", "space-b"} {
		if _, err := from.Append(ctx, stream, events.Any{}, noted(), noted()); err != nil { // a command of two events
			t.Fatal(err)
		}
	}
	node, err := jetstore.StartNode(jetstore.NodeConfig{DataDir: filepath.Join(t.TempDir(), "nats")})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Shutdown()
	nc, err := node.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	to, err := jetstore.Open(ctx, nc, jetstore.Options{Replicas: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	for range 2 {
		if _, err := copyLog(ctx, from, to, nil); err != nil {
			t.Fatal(err)
		}
	}
	want, got := recordsOf(t, from), recordsOf(t, to)
	if !slices.Equal(got, want) {
		t.Fatalf("copied:\n%v\nwant:\n%v", got, want)
	}
}

func noted() events.EventData {
	e := events.EventData{Type: "Noted", Data: []byte(`{}`)}
	rand.Read(e.ID[:])
	return e
}

// copiedRecord is what a copy must keep of a record (positions differ).
type copiedRecord struct {
	stream string
	rev    events.Revision
	id     events.ID
	at     time.Time
}

func recordsOf(t *testing.T, s events.Store) []copiedRecord {
	t.Helper()
	var out []copiedRecord
	for rec, err := range s.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, copiedRecord{rec.Stream, rec.Revision, rec.ID, rec.RecordedAt.UTC()})
	}
	return out
}
