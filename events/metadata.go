package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/internal/jsonscan"
)

// ErrInvalidMetadata: an event's metadata is not palabre's envelope (not
// a JSON object, a field of the wrong type, a schema version below 1), or
// an envelope to be written lacks what every event must carry.
var ErrInvalidMetadata = errors.New("invalid event metadata")

// Metadata is the envelope of every event palabre writes: the command that
// recorded it, the chain of commands it belongs to, who recorded it and
// when, and the schema version of its data. Stores carry it as opaque JSON
// (EventData.Metadata); Marshal writes it and UnmarshalMetadata, or
// SchemaVersionOf on a hot path, reads it back.
//
// The fields' order is the JSON's, and stored events depend on it: the
// encoding must stay byte for byte what the log already holds, and
// SchemaVersionOf finds the schema version as the last field.
type Metadata struct {
	CommandID     ulid.ULID `json:"commandId"`
	CorrelationID ulid.ULID `json:"correlationId"` // the first command of a chain
	CausationID   ulid.ULID `json:"causationId"`   // the command that caused this one
	RecordedBy    string    `json:"recordedBy"`    // the token's subject
	// RecordedAt is the writer's clock when it decided the command; a
	// store's RecordedEvent.RecordedAt is the store's, when it appended.
	RecordedAt time.Time `json:"recordedAt"`
	// CommandHash fingerprints the command's name and payload, so that a
	// command id sent again with another payload is told from a retry.
	CommandHash   string `json:"commandHash"`
	SchemaVersion int    `json:"schemaVersion"`
}

// Marshal encodes the envelope as it is stored.
//
// Returns an error wrapping ErrInvalidMetadata when the command id or the
// time of recording is zero, or the schema version is below 1: an event
// written without its version would be read back as version 1, whatever
// its data's shape.
func (m Metadata) Marshal() ([]byte, error) {
	switch {
	case m.CommandID.IsZero():
		return nil, fmt.Errorf("%w: no command id", ErrInvalidMetadata)
	case m.RecordedAt.IsZero():
		return nil, fmt.Errorf("%w: no time of recording", ErrInvalidMetadata)
	case m.SchemaVersion < 1:
		return nil, fmt.Errorf("%w: schema version %d", ErrInvalidMetadata, m.SchemaVersion)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
	}
	return b, nil
}

// UnmarshalMetadata decodes an event's metadata. Fields it lacks are zero,
// except the schema version: an event without one (or with 0, or with no
// metadata at all) was written before versions existed and is version 1.
//
// Returns an error wrapping ErrInvalidMetadata when the metadata is not a
// JSON object, a field has the wrong type (an id that is not a ULID, a time
// that is not RFC 3339), or the schema version is negative.
func UnmarshalMetadata(b []byte) (Metadata, error) {
	if len(b) == 0 {
		return Metadata{SchemaVersion: 1}, nil
	}
	m, ok := scanMetadata(b)
	if !ok {
		m = Metadata{} // nothing the scan read before it gave up
		if err := json.Unmarshal(b, &m); err != nil {
			return Metadata{}, fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
		}
	}
	v, err := checkVersion(m.SchemaVersion)
	if err != nil {
		return Metadata{}, err
	}
	m.SchemaVersion = v
	return m, nil
}

// scanMetadata decodes the envelope as Marshal writes it without
// reflection: a command reads the envelope of every event of the streams
// it loads, and the changes feed of the whole log. It gives up on anything
// encoding/json might read otherwise (escapes, nulls, keys of another
// case or unknown), for the caller to decode that with encoding/json.
func scanMetadata(b []byte) (Metadata, bool) {
	var m Metadata
	s := jsonscan.New(b)
	s.Open('{')
	for first := true; s.Next('}', &first); {
		switch string(s.Key()) {
		case "commandId":
			s.Text(&m.CommandID)
		case "correlationId":
			s.Text(&m.CorrelationID)
		case "causationId":
			s.Text(&m.CausationID)
		case "recordedBy":
			m.RecordedBy = s.String()
		case "recordedAt":
			s.Text(&m.RecordedAt)
		case "commandHash":
			m.CommandHash = s.String()
		case "schemaVersion":
			m.SchemaVersion = s.Int()
		default:
			s.Fail()
		}
	}
	return m, s.End()
}

// SchemaVersionOf reads only the schema version of an event's metadata,
// as UnmarshalMetadata would, for a rebuild that decodes every event of
// the log: the envelope as Marshal writes it is recognised by its last
// field without decoding the rest; anything else is decoded.
//
// Returns an error wrapping ErrInvalidMetadata when the metadata is not a
// JSON object or its schema version is not an integer of at least 0.
func SchemaVersionOf(b []byte) (int, error) {
	if len(b) == 0 {
		return 1, nil
	}
	if v, ok := trailingSchemaVersion(b); ok {
		return checkVersion(v)
	}
	var m struct {
		SchemaVersion int `json:"schemaVersion"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrInvalidMetadata, err)
	}
	return checkVersion(m.SchemaVersion)
}

// checkVersion defaults a missing version to 1 and refuses a negative one.
func checkVersion(v int) (int, error) {
	switch {
	case v < 0:
		return 0, fmt.Errorf("%w: schema version %d", ErrInvalidMetadata, v)
	case v == 0:
		return 1, nil
	}
	return v, nil
}

// schemaVersionKey is the last key Marshal writes.
var schemaVersionKey = []byte(`"schemaVersion":`)

// trailingSchemaVersion reads a schema version written as the object's
// last field, `…,"schemaVersion":12}`. The store took the metadata only as
// valid JSON, so digits right before the closing brace are a number, the
// last member's value, and the bytes before them its key: nothing inside a
// string can end the object. Any other shape (spaces, a version elsewhere
// or missing) is not recognised, and the caller decodes the whole.
func trailingSchemaVersion(b []byte) (int, bool) {
	end := len(b) - 1
	if end < 1 || b[0] != '{' || b[end] != '}' {
		return 0, false
	}
	start := end
	for start > 0 && end-start < 9 && b[start-1] >= '0' && b[start-1] <= '9' {
		start--
	}
	digits := b[start:end]
	if len(digits) == 0 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	key := start - len(schemaVersionKey)
	if key < 1 || !bytes.Equal(b[key:start], schemaVersionKey) || (b[key-1] != ',' && b[key-1] != '{') {
		return 0, false
	}
	v := 0
	for _, c := range digits {
		v = v*10 + int(c-'0')
	}
	return v, true
}
