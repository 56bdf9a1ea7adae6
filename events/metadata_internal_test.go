package events

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzScanMetadataAgreesWithEncodingJSON: whatever the hand decoder of the
// envelope accepts, encoding/json reads the same.
func FuzzScanMetadataAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{"commandId":"01JF7Z3K8Q2W5X9Y4V6T0R1S3N","correlationId":"01JF7Z2A1B2C3D4E5F6G7H8J9K","causationId":"01JF7Z3K8Q2W5X9Y4V6T0R1S3N","recordedBy":"tok-01JF7Y","recordedAt":"2026-03-20T10:00:00.123456789Z","commandHash":"1b5e","schemaVersion":1}`,
		`{"commandId":"01HK20JTZ8H202YC85KB0KNDPW","recordedAt":"2024-01-01T08:00:02+01:00","recordedBy":"synthétique","schemaVersion":1}`,
		`{"recordedBy":"a\"b","CommandID":"01HK20JTZ8H202YC85KB0KNDPW","schemaVersion":-3}`,
		`{"recordedAt":null,"schemaVersion":2.0}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := scanMetadata(b)
		if !ok {
			return
		}
		var want Metadata
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: the hand decoder read %+v, encoding/json refused: %v", b, got, err)
		}
		at := got.RecordedAt.Equal(want.RecordedAt)
		got.RecordedAt, want.RecordedAt = time.Time{}, time.Time{} // zones compare by pointer
		if got != want || !at {
			t.Fatalf("%s: the hand decoder read %+v, encoding/json %+v", b, got, want)
		}
	})
}
