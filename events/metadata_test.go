package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
)

// Envelopes exactly as the log holds them, written by the command handler
// and the synthetic generator before Metadata existed (captured from
// commit 707599f).
const (
	handlerBefore   = `{"commandId":"01JF7Z3K8Q2W5X9Y4V6T0R1S3N","correlationId":"01JF7Z2A1B2C3D4E5F6G7H8J9K","causationId":"01JF7Z3K8Q2W5X9Y4V6T0R1S3N","recordedBy":"tok-01JF7Y","recordedAt":"2026-03-20T10:00:00.123456789Z","commandHash":"1b5e202ec97599f1ea54bb4eb4fa3fd3b61094942965c0b8bccd5c9e67319f14","schemaVersion":1}`
	generatorBefore = `{"commandId":"01HK20JTZ8H202YC85KB0KNDPW","recordedAt":"2024-01-01T08:00:02Z","recordedBy":"synthetic","schemaVersion":1}`
)

func TestAStoredEnvelopeDecodesAndEncodesBackByteForByte(t *testing.T) {
	m, err := events.UnmarshalMetadata([]byte(handlerBefore))
	if err != nil {
		t.Fatal(err)
	}
	want := events.Metadata{
		CommandID:     ulid.MustParse("01JF7Z3K8Q2W5X9Y4V6T0R1S3N"),
		CorrelationID: ulid.MustParse("01JF7Z2A1B2C3D4E5F6G7H8J9K"),
		CausationID:   ulid.MustParse("01JF7Z3K8Q2W5X9Y4V6T0R1S3N"),
		RecordedBy:    "tok-01JF7Y",
		RecordedAt:    time.Date(2026, 3, 20, 10, 0, 0, 123456789, time.UTC),
		CommandHash:   "1b5e202ec97599f1ea54bb4eb4fa3fd3b61094942965c0b8bccd5c9e67319f14",
		SchemaVersion: 1,
	}
	if m != want {
		t.Fatalf("decoded\n%+v\nwant\n%+v", m, want)
	}
	b, err := want.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != handlerBefore {
		t.Fatalf("encoded\n%s\nthe log holds\n%s", b, handlerBefore)
	}
}

func TestAnEnvelopeTheGeneratorWroteBeforeDecodes(t *testing.T) {
	m, err := events.UnmarshalMetadata([]byte(generatorBefore))
	if err != nil {
		t.Fatal(err)
	}
	if m.CommandID != ulid.MustParse("01HK20JTZ8H202YC85KB0KNDPW") || m.RecordedBy != "synthetic" ||
		!m.RecordedAt.Equal(time.Date(2024, 1, 1, 8, 0, 2, 0, time.UTC)) || m.SchemaVersion != 1 ||
		!m.CorrelationID.IsZero() || m.CommandHash != "" {
		t.Fatalf("decoded %+v", m)
	}
}

func TestTheSchemaVersionIsReadAsTheWholeEnvelopeWouldBe(t *testing.T) {
	for _, c := range []struct {
		metadata string
		want     int
	}{
		{handlerBefore, 1},
		{generatorBefore, 1},
		{`{"commandId":"01JF7Z3K8Q2W5X9Y4V6T0R1S3N","schemaVersion":12}`, 12},
		{`{"schemaVersion":3,"recordedBy":"y"}`, 3},
		{`{ "schemaVersion" : 4 }`, 4},
		{`{"recordedBy":"a,\"schemaVersion\":7","schemaVersion":2}`, 2},
		{`{"nested":{"schemaVersion":9}}`, 1},
		{`{"recordedBy":"y"}`, 1},
		{`{"schemaVersion":0}`, 1},
		{``, 1},
	} {
		got, err := events.SchemaVersionOf([]byte(c.metadata))
		if err != nil || got != c.want {
			t.Errorf("%s: got %d, %v; want %d", c.metadata, got, err, c.want)
		}
		if m, err := events.UnmarshalMetadata([]byte(c.metadata)); err == nil && m.SchemaVersion != got {
			t.Errorf("%s: UnmarshalMetadata reads version %d, SchemaVersionOf %d", c.metadata, m.SchemaVersion, got)
		}
	}
}

func TestMalformedEnvelopesAreRefusedNotReadAsVersionOne(t *testing.T) {
	for _, md := range []string{`{"schemaVersion":-1}`, `{"schemaVersion":"2"}`, `{"schemaVersion":1.5}`, `{"schemaVersion":012}`, `[1]`, `nope`} {
		if v, err := events.SchemaVersionOf([]byte(md)); !errors.Is(err, events.ErrInvalidMetadata) {
			t.Errorf("SchemaVersionOf(%s) = %d, %v; want ErrInvalidMetadata", md, v, err)
		}
		if _, err := events.UnmarshalMetadata([]byte(md)); !errors.Is(err, events.ErrInvalidMetadata) {
			t.Errorf("UnmarshalMetadata(%s): %v; want ErrInvalidMetadata", md, err)
		}
	}
	for _, md := range []string{`{"commandId":"c1"}`, `{"recordedAt":"yesterday"}`} {
		if _, err := events.UnmarshalMetadata([]byte(md)); !errors.Is(err, events.ErrInvalidMetadata) {
			t.Errorf("UnmarshalMetadata(%s): %v; want ErrInvalidMetadata", md, err)
		}
	}
}

func TestAnEnvelopeWithoutCommandTimeOrVersionIsNotWritten(t *testing.T) {
	whole := events.Metadata{CommandID: ulid.Make(), RecordedAt: time.Now(), SchemaVersion: 1}
	if _, err := whole.Marshal(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*events.Metadata){
		"no command id":     func(m *events.Metadata) { m.CommandID = ulid.ULID{} },
		"no time":           func(m *events.Metadata) { m.RecordedAt = time.Time{} },
		"no schema version": func(m *events.Metadata) { m.SchemaVersion = 0 },
	} {
		m := whole
		change(&m)
		if b, err := m.Marshal(); !errors.Is(err, events.ErrInvalidMetadata) {
			t.Errorf("%s: got %s, %v; want ErrInvalidMetadata", name, b, err)
		}
	}
}

// FuzzSchemaVersionOf checks the fast reading against encoding/json's
// decoding of the field (keys matched without regard to case, the last
// one winning): whatever JSON object it is given, both read the same
// version.
func FuzzSchemaVersionOf(f *testing.F) {
	for _, seed := range []string{handlerBefore, generatorBefore, `{"schemaVersion":3}`, `{"a":"\",\"schemaVersion\":5}","schemaVersion":2}`, `{"a":{"schemaVersion":4}}`, `{"schemaVersion":1,"schemaVersion":22}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var field struct {
			SchemaVersion json.RawMessage `json:"schemaVersion"`
		}
		if json.Unmarshal(b, &field) != nil {
			return
		}
		want, wantErr := 1, false
		if raw := field.SchemaVersion; raw != nil {
			var v int
			wantErr = json.Unmarshal(raw, &v) != nil || v < 0
			want = max(v, 1)
		}
		got, err := events.SchemaVersionOf(b)
		if wantErr != (err != nil) || (err == nil && got != want) {
			t.Fatalf("%s: got %d, %v; a plain decoding reads %d (error: %v)", b, got, err, want, wantErr)
		}
	})
}

// BenchmarkSchemaVersionOf compares the rebuild's reading of the version
// with what it replaced (registry.SchemaVersion, a search for the key,
// copied below), and the decoding of the whole envelope with what the
// command handler did (encoding/json).
func BenchmarkSchemaVersionOf(b *testing.B) {
	for name, md := range map[string][]byte{"handler": []byte(handlerBefore), "generator-before": []byte(generatorBefore)} {
		b.Run("fast/"+name, func(b *testing.B) {
			for b.Loop() {
				if v, err := events.SchemaVersionOf(md); v != 1 || err != nil {
					b.Fatal(v, err)
				}
			}
		})
		b.Run("replaced-scan/"+name, func(b *testing.B) {
			for b.Loop() {
				if v := scanSchemaVersion(md); v != 1 {
					b.Fatal(v)
				}
			}
		})
		b.Run("unmarshal/"+name, func(b *testing.B) {
			for b.Loop() {
				if m, err := events.UnmarshalMetadata(md); m.SchemaVersion != 1 || err != nil {
					b.Fatal(m, err)
				}
			}
		})
		b.Run("replaced-unmarshal/"+name, func(b *testing.B) {
			for b.Loop() {
				var m events.Metadata // as the command handler decoded it
				if err := json.Unmarshal(md, &m); m.SchemaVersion != 1 || err != nil {
					b.Fatal(m, err)
				}
			}
		})
	}
}

// scanSchemaVersion is registry.SchemaVersion as it was, for comparison.
func scanSchemaVersion(metadata []byte) int {
	const key = `"schemaVersion":`
	i := bytes.Index(metadata, []byte(key))
	if i < 0 {
		return 1
	}
	v := 0
	for _, c := range metadata[i+len(key):] {
		if c < '0' || c > '9' {
			break
		}
		v = v*10 + int(c-'0')
	}
	return max(v, 1)
}
