package pebblestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/palabre/palabre/events"
)

// recordFormat versions the encoding of one event; a decoder refuses others.
const recordFormat byte = 1

const (
	allPrefix    byte = 'a'
	streamPrefix byte = 's'
	metaPrefix   byte = 'm'
)

// errCorrupt marks stored bytes that do not decode; it always means damage
// or a bug, never bad input from a caller.
var errCorrupt = errors.New("corrupt record")

// allKey is the key of the event at position pos.
func allKey(pos uint64) []byte {
	k := make([]byte, 9)
	k[0] = allPrefix
	binary.BigEndian.PutUint64(k[1:], pos)
	return k
}

// decodeAllKey returns the position a key of the 'a' space names.
func decodeAllKey(k []byte) (uint64, error) {
	if len(k) != 9 || k[0] != allPrefix {
		return 0, fmt.Errorf("%w: $all key %x", errCorrupt, k)
	}
	return binary.BigEndian.Uint64(k[1:]), nil
}

// streamKey is the key of revision rev of stream, appended to dst.
func streamKey(dst []byte, stream string, rev events.Revision) []byte {
	dst = append(dst, streamPrefix)
	dst = append(dst, stream...)
	dst = append(dst, 0)
	return binary.BigEndian.AppendUint64(dst, uint64(rev))
}

// streamBounds are the lower and upper bounds of every key of stream.
func streamBounds(stream string) (lower, upper []byte) {
	lower = append(append([]byte{streamPrefix}, stream...), 0)
	upper = append(append([]byte{streamPrefix}, stream...), 1)
	return lower, upper
}

// decodeStreamEntry returns the revision in a stream key and the position
// its value holds.
func decodeStreamEntry(k, v []byte) (events.Revision, uint64, error) {
	if len(k) < 10 || k[0] != streamPrefix || k[len(k)-9] != 0 || len(v) != 8 {
		return 0, 0, fmt.Errorf("%w: stream entry %x=%x", errCorrupt, k, v)
	}
	return events.Revision(binary.BigEndian.Uint64(k[len(k)-8:])), binary.BigEndian.Uint64(v), nil
}

// appendRecord encodes one event:
//
//	format(1) recordedAt(8, unix ns) id(16) revision(uvarint)
//	stream, type, data, metadata (each uvarint length + bytes)
func appendRecord(dst []byte, stream string, rev events.Revision, recordedAt time.Time, e events.EventData) []byte {
	dst = append(dst, recordFormat)
	dst = binary.BigEndian.AppendUint64(dst, uint64(recordedAt.UnixNano()))
	dst = append(dst, e.ID[:]...)
	dst = binary.AppendUvarint(dst, uint64(rev))
	dst = appendBytes(dst, []byte(stream))
	dst = appendBytes(dst, []byte(e.Type))
	dst = appendBytes(dst, e.Data)
	return appendBytes(dst, e.Metadata)
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// decodeRecord decodes an event stored at pos. The event's byte slices are
// copied once, so the result does not alias b.
func decodeRecord(pos uint64, b []byte) (events.RecordedEvent, error) {
	if len(b) < 1+8+16 || b[0] != recordFormat {
		return events.RecordedEvent{}, fmt.Errorf("%w at position %d: bad header", errCorrupt, pos)
	}
	own := make([]byte, len(b)-25)
	copy(own, b[25:])
	// One allocation per event: the names are views of the copy too. It is
	// never written to, and Data and Metadata are capped so that appending
	// to them cannot reach the names.
	return parseRecord(pos, b[:25], own)
}

// lendRecord decodes an event stored at pos without copying: its names,
// Data and Metadata are views of b, valid as long as b is.
func lendRecord(pos uint64, b []byte) (events.RecordedEvent, error) {
	if len(b) < 1+8+16 || b[0] != recordFormat {
		return events.RecordedEvent{}, fmt.Errorf("%w at position %d: bad header", errCorrupt, pos)
	}
	return parseRecord(pos, b[:25], b[25:])
}

// parseRecord decodes an event's fixed header (format, time, id) and its
// fields, which it returns as views of fields.
func parseRecord(pos uint64, header, fields []byte) (events.RecordedEvent, error) {
	var r events.RecordedEvent
	r.RecordedAt = time.Unix(0, int64(binary.BigEndian.Uint64(header[1:9]))).UTC()
	copy(r.ID[:], header[9:25])
	rev, n := binary.Uvarint(fields)
	if n <= 0 {
		return r, fmt.Errorf("%w at position %d: bad revision", errCorrupt, pos)
	}
	r.Revision = events.Revision(rev)
	rest := fields[n:]
	var field [4][]byte
	for i := range field {
		l, n := binary.Uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return r, fmt.Errorf("%w at position %d: bad length of field %d", errCorrupt, pos, i)
		}
		field[i] = rest[n : n+int(l) : n+int(l)]
		rest = rest[n+int(l):]
	}
	if len(rest) != 0 {
		return r, fmt.Errorf("%w at position %d: %d trailing bytes", errCorrupt, pos, len(rest))
	}
	r.Stream, r.Type = unsafe.String(unsafe.SliceData(field[0]), len(field[0])), unsafe.String(unsafe.SliceData(field[1]), len(field[1]))
	if len(field[2]) > 0 {
		r.Data = field[2]
	}
	if len(field[3]) > 0 {
		r.Metadata = field[3]
	}
	r.Position = events.Position{Commit: pos, Prepare: pos}
	return r, nil
}

// recordID extracts just the event id of an encoded event, for the
// idempotency check.
func recordID(b []byte) (events.ID, error) {
	var id events.ID
	if len(b) < 25 || b[0] != recordFormat {
		return id, fmt.Errorf("%w: bad header", errCorrupt)
	}
	copy(id[:], b[9:25])
	return id, nil
}
