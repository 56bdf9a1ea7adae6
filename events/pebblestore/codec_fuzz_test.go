package pebblestore

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
)

// The stored-bytes decoders must reject anything malformed with an error,
// never panic, and round-trip what the encoder wrote. `make test` runs the
// seed corpora; `go test -fuzz FuzzDecodeRecord ./events/pebblestore`
// searches further.

func FuzzDecodeRecord(f *testing.F) {
	e := events.EventData{ID: events.ID{1, 2, 3}, Type: "DialogueHeld", Data: []byte(`{"a":1}`), Metadata: []byte(`{"m":"x"}`)}
	f.Add(appendRecord(nil, "dialogue-1", 7, time.Unix(1700000000, 5), e))
	f.Add(appendRecord(nil, "s", 0, time.Unix(0, 0), events.EventData{ID: events.ID{9}, Type: "T"}))
	f.Add([]byte{recordFormat})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(42, b)
		if err != nil {
			return
		}
		// Lengths may be non-minimal varints, so compare what they decode to.
		again, err := decodeRecord(42, appendRecord(nil, r.Stream, r.Revision, r.RecordedAt, r.EventData))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(r) {
			t.Fatalf("decoded %x as %+v; re-encoded, it decodes as %+v, %v", b, r, again, err)
		}
		if id, err := recordID(b); err != nil || id != r.ID {
			t.Fatalf("recordID gave %s, %v; decodeRecord %s", id, err, r.ID)
		}
	})
}

func FuzzDecodeStreamEntry(f *testing.F) {
	f.Add(streamKey(nil, "space-01", 3), []byte{0, 0, 0, 0, 0, 0, 0, 9})
	f.Add([]byte{streamPrefix, 0}, []byte{1})
	f.Fuzz(func(t *testing.T, k, v []byte) {
		rev, pos, err := decodeStreamEntry(k, v)
		if err != nil {
			return
		}
		stream := string(k[1 : len(k)-9])
		if !bytes.Equal(streamKey(nil, stream, rev), k) || pos != uint64(v[0])<<56|uint64(v[1])<<48|uint64(v[2])<<40|uint64(v[3])<<32|uint64(v[4])<<24|uint64(v[5])<<16|uint64(v[6])<<8|uint64(v[7]) {
			t.Fatalf("%x=%x decoded as revision %d position %d", k, v, rev, pos)
		}
	})
}

func FuzzDecodeAllKey(f *testing.F) {
	f.Add(allKey(1))
	f.Add([]byte{allPrefix})
	f.Fuzz(func(t *testing.T, k []byte) {
		pos, err := decodeAllKey(k)
		if err == nil && !bytes.Equal(allKey(pos), k) {
			t.Fatalf("%x decoded as %d", k, pos)
		}
	})
}

// FuzzRestore feeds arbitrary bytes to Restore: it must fail cleanly, never
// panic, and never write outside its directory.
func FuzzRestore(f *testing.F) {
	dir := f.TempDir()
	s, err := Open(filepath.Join(dir, "src"), nil)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.Append(context.Background(), "space-1", events.NoStream{}, events.EventData{ID: events.ID{1}, Type: "SpaceEstablished"}); err != nil {
		f.Fatal(err)
	}
	var backup bytes.Buffer
	if err := s.Backup(context.Background(), &backup, ""); err != nil {
		f.Fatal(err)
	}
	s.Close()
	f.Add(backup.Bytes())
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, b []byte) {
		root := t.TempDir()
		target := filepath.Join(root, "target")
		err := Restore(context.Background(), bytes.NewReader(b), target)
		entries, _ := os.ReadDir(root)
		if len(entries) > 1 {
			t.Fatalf("restore wrote outside its directory: %v", entries)
		}
		if err != nil {
			if left, _ := os.ReadDir(target); len(left) != 0 {
				t.Fatalf("a failed restore left %d entries", len(left))
			}
		}
	})
}
