package domain

import (
	"encoding/json"

	"fmt"
	fastjson "github.com/goccy/go-json"
	"reflect"
)

// Event is a domain event. Each aggregate seals its own set.
type Event interface {
	// EventType is the event's stable name in the store, e.g. "DialogueHeld".
	EventType() string
}

// EventType describes one event type at its current version.
type EventType struct {
	Name    string
	Version int
	// New returns a pointer to a zero event, for decoding.
	New func() any
}

// Upcaster rewrites the JSON of an event written at version From into the
// JSON of version From+1.
type Upcaster struct {
	Type string
	From int
	Up   func(data json.RawMessage) (json.RawMessage, error)
}

// Codec turns events into stored JSON and back, upcasting old versions on
// read. It is built once from every aggregate's event types.
type Codec struct {
	types     map[string]EventType
	upcasters map[upcastKey]Upcaster
}

type upcastKey struct {
	name string
	from int
}

// NewCodec registers event types and upcasters. It panics on a duplicate
// name, a programming error found by any test.
func NewCodec(types []EventType, upcasters ...Upcaster) *Codec {
	c := &Codec{types: map[string]EventType{}, upcasters: map[upcastKey]Upcaster{}}
	for _, t := range types {
		if _, dup := c.types[t.Name]; dup {
			panic("domain: event type registered twice: " + t.Name)
		}
		c.types[t.Name] = t
	}
	for _, u := range upcasters {
		c.upcasters[upcastKey{u.Type, u.From}] = u
	}
	return c
}

// Types returns the registered event types.
func (c *Codec) Types() []EventType {
	out := make([]EventType, 0, len(c.types))
	for _, t := range c.types {
		out = append(out, t)
	}
	return out
}

// Encode returns an event's JSON and its current version.
func (c *Codec) Encode(e Event) (data []byte, version int, err error) {
	t, ok := c.types[e.EventType()]
	if !ok {
		return nil, 0, fmt.Errorf("encode: unknown event type %q", e.EventType())
	}
	data, err = json.Marshal(e)
	if err != nil {
		return nil, 0, fmt.Errorf("encode %s: %w", t.Name, err)
	}
	return data, t.Version, nil
}

// ErrUnknownEventType is returned for an event type no aggregate registers.
var ErrUnknownEventType = fmt.Errorf("unknown event type")

// Decode reads an event written at version, upcasting it to the current
// version first.
func (c *Codec) Decode(name string, version int, data []byte) (Event, error) {
	t, ok := c.types[name]
	if !ok {
		return nil, fmt.Errorf("decode: %w %q", ErrUnknownEventType, name)
	}
	if version < 1 || version > t.Version {
		return nil, fmt.Errorf("decode %s: version %d is not between 1 and %d", name, version, t.Version)
	}
	raw := json.RawMessage(data)
	for v := version; v < t.Version; v++ {
		u, ok := c.upcasters[upcastKey{name, v}]
		if !ok {
			return nil, fmt.Errorf("decode %s: no upcaster from version %d", name, v)
		}
		var err error
		if raw, err = u.Up(raw); err != nil {
			return nil, fmt.Errorf("upcast %s from version %d: %w", name, v, err)
		}
	}
	e := t.New()
	if f, ok := e.(FastDecoder); ok && f.DecodeJSON(raw) {
		return reflect.ValueOf(e).Elem().Interface().(Event), nil
	}
	e = t.New() // a fast decoder that gave up may have filled some fields
	// goccy/go-json decodes palabre's events ~3x faster than encoding/json,
	// with the same semantics; rebuilds spend most of their time here.
	if err := fastjson.Unmarshal(raw, e); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	// Deciders and folds work with values, not pointers.
	return reflect.ValueOf(e).Elem().Interface().(Event), nil
}

// FastDecoder is implemented by events common enough in the log to have a
// hand-written decoder. DecodeJSON reports false for any input it does not
// handle, and the codec then decodes reflectively.
type FastDecoder interface{ DecodeJSON(data []byte) bool }

// TypeOf is a helper for aggregates' EventType tables.
func TypeOf[E Event](version int) EventType {
	var zero E
	return EventType{Name: zero.EventType(), Version: version, New: func() any { return new(E) }}
}
