package jsonscan

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Scanner reads one JSON value from a byte slice.
type Scanner struct {
	b      []byte
	i      int
	failed bool
}

func New(b []byte) *Scanner { return &Scanner{b: b} }

// Failed reports whether the input was anything the scanner does not
// handle; the caller must then decode it another way.
func (s *Scanner) Failed() bool { return s.failed }

// Fail gives up on the input.
func (s *Scanner) Fail() { s.failed = true }

// End checks that nothing but whitespace follows the value.
func (s *Scanner) End() bool {
	s.ws()
	if s.i != len(s.b) {
		s.failed = true
	}
	return !s.failed
}

func (s *Scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// Open consumes an opening '{' or '['.
func (s *Scanner) Open(c byte) bool {
	s.ws()
	if s.failed || s.i >= len(s.b) || s.b[s.i] != c {
		s.failed = true
		return false
	}
	s.i++
	return true
}

// Next moves to the next element of the object or array opened with Open;
// it returns false at the closing byte or on failure. first must start
// true for each container.
func (s *Scanner) Next(closing byte, first *bool) bool {
	if s.failed {
		return false
	}
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return false
	}
	if !*first {
		if s.i >= len(s.b) || s.b[s.i] != ',' {
			s.failed = true
			return false
		}
		s.i++
	}
	*first = false
	return true
}

// Key reads an object key and its colon.
func (s *Scanner) Key() []byte {
	k := s.Raw()
	s.ws()
	if s.failed || s.i >= len(s.b) || s.b[s.i] != ':' {
		s.failed = true
		return nil
	}
	s.i++
	return k
}

// Raw reads a string without escapes and returns its bytes, which alias
// the input.
func (s *Scanner) Raw() []byte {
	s.ws()
	if s.failed || s.i >= len(s.b) || s.b[s.i] != '"' {
		s.failed = true
		return nil
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			if !ascii && !utf8.Valid(s.b[start:j]) {
				s.failed = true // encoding/json would replace the bad bytes
			}
			return s.b[start:j]
		case c == '\\' || c < 0x20:
			s.failed = true
			return nil
		case c >= 0x80:
			ascii = false
		}
	}
	s.failed = true
	return nil
}

// String reads a string value.
func (s *Scanner) String() string { return string(s.Raw()) }

// maxDigits is the most digits Int reads: an int holds them on 32-bit
// machines too (9; 15 on 64-bit), far beyond any count palabre records.
// More would overflow where encoding/json refuses the number.
const maxDigits = 9 + 6*(strconv.IntSize/64)

// Int reads an integer value.
func (s *Scanner) Int() int {
	s.ws()
	neg := false
	if s.i < len(s.b) && s.b[s.i] == '-' {
		neg = true
		s.i++
	}
	start, n := s.i, 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		if s.i-start >= maxDigits {
			s.failed = true
			return 0
		}
		n = n*10 + int(s.b[s.i]-'0')
		s.i++
	}
	switch {
	case s.i == start, s.b[start] == '0' && s.i-start > 1: // no digits, or a leading zero
		s.failed = true
	case s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E'):
		s.failed = true
	}
	if neg {
		return -n
	}
	return n
}

// Bool reads true or false.
func (s *Scanner) Bool() bool {
	s.ws()
	switch {
	case s.failed:
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false
	}
	s.failed = true
	return false
}

// Text reads a string value into an encoding.TextUnmarshaler.
func (s *Scanner) Text(into interface{ UnmarshalText([]byte) error }) {
	b := s.Raw()
	if !s.failed && into.UnmarshalText(b) != nil {
		s.failed = true
	}
}

// Count is how many times c occurs in what is left to read: room to make
// for what follows.
func (s *Scanner) Count(c byte) int { return bytes.Count(s.b[s.i:], []byte{c}) }

// Strings reads an array of strings; [] gives an empty, non-nil slice, as
// encoding/json does.
func (s *Scanner) Strings() []string {
	out := []string{}
	if !s.Open('[') {
		return nil
	}
	for first := true; s.Next(']', &first); {
		out = append(out, s.String())
	}
	return out
}
