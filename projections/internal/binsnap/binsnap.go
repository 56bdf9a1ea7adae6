// Package binsnap writes and reads the compact binary snapshots of read
// models: varints, length-prefixed strings and 16-byte ids, with strings
// of small vocabularies interned on read. JSON snapshots of a million events took 15 s
// to restore; this format is the road to under one.
package binsnap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// Writer buffers a snapshot; the first error sticks and is returned by
// Flush.
type Writer struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriterSize(w, 1<<16)} }

func (w *Writer) write(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}

// writeString writes s without copying it to a []byte first (which
// allocated for every string of a snapshot).
func (w *Writer) writeString(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

func (w *Writer) Uint(v uint64) { w.write(w.buf[:binary.PutUvarint(w.buf[:], v)]) }
func (w *Writer) Int(v int64)   { w.write(w.buf[:binary.PutVarint(w.buf[:], v)]) }
func (w *Writer) Bool(v bool) {
	if v {
		w.Uint(1)
	} else {
		w.Uint(0)
	}
}
func (w *Writer) String(s string) { w.Uint(uint64(len(s))); w.writeString(s) }
func (w *Writer) Bytes(b []byte)  { w.Uint(uint64(len(b))); w.write(b) }
func (w *Writer) ID(id [16]byte)  { w.write(id[:]) }
func (w *Writer) Float(f float64) { w.Uint(math.Float64bits(f)) }

// InParts encodes n items in parts of size on every core (encode must
// only read what it encodes) and writes the parts in order, so the bytes
// are those of one writer encoding them all; at most two parts per core
// wait in memory, their buffers reused. A snapshot of a million events
// spent two seconds of one core encoding its dialogues.
func (w *Writer) InParts(n, size int, encode func(part *Writer, from, to int)) {
	waiting := 2 * runtime.GOMAXPROCS(0)
	parts := make(chan chan *bytes.Buffer, waiting)
	free := make(chan *bytes.Buffer, waiting+1) // buffers written out, to fill again
	go func() {
		defer close(parts)
		for from := 0; from < n; from += size {
			done := make(chan *bytes.Buffer, 1)
			parts <- done // blocks while enough parts wait
			go func() {
				var buf *bytes.Buffer
				select {
				case buf = <-free:
				default:
					buf = new(bytes.Buffer)
				}
				part := NewWriter(buf)
				encode(part, from, min(from+size, n))
				part.Flush() // into memory: no error
				done <- buf
			}()
		}
	}()
	for done := range parts {
		buf := <-done
		w.write(buf.Bytes())
		buf.Reset()
		select {
		case free <- buf:
		default:
		}
	}
}

// Date writes a date as days since 1970, the zero date as its own mark.
func (w *Writer) Date(d domain.Date) {
	w.Bool(!d.IsZero())
	if !d.IsZero() {
		w.Int(d.Time().Unix() / 86400)
	}
}

// Flush writes out the buffer and reports the first error.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// ErrCorrupt marks a snapshot that does not decode.
var ErrCorrupt = errors.New("corrupt snapshot")

// MaxString bounds strings and counts read, so a damaged length cannot
// exhaust memory.
const MaxString = 1 << 20

// Reader reads a snapshot held in memory (decoding from a slice is several
// times faster than through an io.ByteReader); the first error sticks and
// is returned by Err.
type Reader struct {
	buf    []byte
	err    error
	intern map[string]string
}

// NewReader reads all of r, then decodes from memory. A *bytes.Buffer is
// decoded where it lies: snapshots of large models run to a hundred
// megabytes, already in memory when the runner has checked their sum.
func NewReader(r io.Reader) *Reader {
	var buf []byte
	var err error
	if held, ok := r.(*bytes.Buffer); ok {
		buf = held.Bytes()
	} else if sized, ok := r.(interface{ Len() int }); ok { // a bytes.Reader: read it in one copy
		buf = make([]byte, sized.Len())
		_, err = io.ReadFull(r, buf)
	} else {
		buf, err = io.ReadAll(r)
	}
	rd := &Reader{buf: buf, intern: map[string]string{}}
	if err != nil {
		rd.fail(err)
	}
	return rd
}

func (r *Reader) fail(err error) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
}

var errTruncated = errors.New("truncated or malformed varint")

func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.fail(errTruncated)
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *Reader) Int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf)
	if n <= 0 {
		r.fail(errTruncated)
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *Reader) Bool() bool { return r.Uint() == 1 }

// Count reads a count of items, bounded.
func (r *Reader) Count() int {
	n := r.Uint()
	if n > 1<<31 {
		r.fail(fmt.Errorf("count %d", n))
		return 0
	}
	return int(n)
}

// take returns the next n bytes.
func (r *Reader) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.buf)) {
		r.fail(fmt.Errorf("%d bytes wanted, %d left", n, len(r.buf)))
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

// String reads a string.
func (r *Reader) String() string { return string(r.bytes()) }

// Symbol reads a string drawn from a small vocabulary (a format, a
// region, a group code): repeated values share one copy.
func (r *Reader) Symbol() string {
	b := r.bytes()
	if s, ok := r.intern[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	r.intern[s] = s
	return s
}

// Bytes reads a string written by String or Bytes where it lies in the
// snapshot: a caller that keeps it copies it.
func (r *Reader) Bytes() []byte { return r.bytes() }

func (r *Reader) bytes() []byte {
	n := r.Uint()
	if n > MaxString {
		r.fail(fmt.Errorf("string of %d bytes", n))
	}
	return r.take(n)
}

func (r *Reader) ID() (id [16]byte) {
	copy(id[:], r.take(16))
	return id
}

func (r *Reader) Float() float64 { return math.Float64frombits(r.Uint()) }

// Date reads a date written by Writer.Date.
func (r *Reader) Date() domain.Date {
	if !r.Bool() {
		return domain.Date{}
	}
	days := r.Int()
	if days < -1e6 || days > 1e6 {
		r.fail(fmt.Errorf("date %d days from 1970", days))
		return domain.Date{}
	}
	return domain.DateOf(time.Unix(days*86400, 0).UTC())
}

// Left is how many bytes are left to read: a bound on how many items a
// count read from a damaged snapshot can really announce.
func (r *Reader) Left() int { return len(r.buf) }

// Err is the first error met, wrapping ErrCorrupt.
func (r *Reader) Err() error { return r.err }
