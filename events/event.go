package events

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// ID identifies one event across every store: 128 bits, the size of both a
// ULID and the UUID KurrentDB requires.
type ID [16]byte

// UUID returns the id as the UUID KurrentDB stores.
func (id ID) UUID() uuid.UUID { return uuid.UUID(id) }

// IsZero reports whether the id is unset.
func (id ID) IsZero() bool { return id == ID{} }

func (id ID) String() string { return uuid.UUID(id).String() }

// MarshalText encodes the id as 32 hex digits, for logs and fixtures.
func (id ID) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(id[:])), nil }

// MaxEventTypeLength bounds event type names.
const MaxEventTypeLength = 200

// EventData is an event proposed for appending.
type EventData struct {
	ID       ID
	Type     string
	Data     []byte // JSON; may be empty
	Metadata []byte // JSON; may be empty
}

// Validate reports why the event cannot be appended, or nil.
func (e EventData) Validate() error {
	switch {
	case e.ID.IsZero():
		return &InvalidEventError{ID: e.ID, Field: "id", Reason: "is zero"}
	case e.Type == "":
		return &InvalidEventError{ID: e.ID, Field: "type", Reason: "is empty"}
	case len(e.Type) > MaxEventTypeLength:
		return &InvalidEventError{ID: e.ID, Field: "type", Reason: fmt.Sprintf("is longer than %d bytes", MaxEventTypeLength)}
	case e.Type[0] == '$':
		return &InvalidEventError{ID: e.ID, Field: "type", Reason: `starts with "$", which is reserved for system events`}
	case len(e.Data) > 0 && !json.Valid(e.Data):
		return &InvalidEventError{ID: e.ID, Field: "data", Reason: "is not valid JSON"}
	case len(e.Metadata) > 0 && !json.Valid(e.Metadata):
		return &InvalidEventError{ID: e.ID, Field: "metadata", Reason: "is not valid JSON"}
	}
	return nil
}

// RecordedEvent is an event as the store holds it.
type RecordedEvent struct {
	EventData
	Stream     string
	Revision   Revision
	Position   Position
	RecordedAt time.Time
}
