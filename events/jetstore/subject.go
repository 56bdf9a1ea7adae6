package jetstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Subjects of the events stream: one per palabre stream, so that the
// per-subject last sequence is a stream's optimistic-concurrency check.
const (
	eventsPrefix = "palabre.ev."
	eventsAll    = eventsPrefix + ">"
)

// escapeByte starts an escaped byte in a subject token. Palabre stream
// names may hold what subjects forbid (".", "*", ">", spaces) or treat
// oddly; every byte outside a small safe set becomes ~XX, so the mapping
// is reversible and one token long.
const escapeByte = '~'

const hexDigits = "0123456789ABCDEF"

func safeSubjectByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// subjectToken encodes a stream name as one subject token.
func subjectToken(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if safeSubjectByte(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte(escapeByte)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
	return b.String()
}

var errBadToken = errors.New("not a stream token")

// streamName decodes what subjectToken encoded.
func streamName(token string) (string, error) {
	var b strings.Builder
	b.Grow(len(token))
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c != escapeByte {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(token) {
			return "", fmt.Errorf("%w: %q ends inside an escape", errBadToken, token)
		}
		hi, lo := strings.IndexByte(hexDigits, token[i+1]), strings.IndexByte(hexDigits, token[i+2])
		if hi < 0 || lo < 0 {
			return "", fmt.Errorf("%w: %q has a bad escape", errBadToken, token)
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	return b.String(), nil
}

func eventSubject(stream string) string { return eventsPrefix + subjectToken(stream) }

func streamOfSubject(subject string) (string, error) {
	token, ok := strings.CutPrefix(subject, eventsPrefix)
	if !ok {
		return "", fmt.Errorf("%w: subject %q is not an event subject", errBadToken, subject)
	}
	return streamName(token)
}

// The body of an event message: its type and data, each preceded by its
// length, then its metadata. The type is not a header because header
// values cannot hold every character an event type may.
func encodeBody(eventType string, data, metadata []byte) []byte {
	out := make([]byte, 0, 2*binary.MaxVarintLen64+len(eventType)+len(data)+len(metadata))
	out = binary.AppendUvarint(out, uint64(len(eventType)))
	out = append(out, eventType...)
	out = binary.AppendUvarint(out, uint64(len(data)))
	out = append(out, data...)
	return append(out, metadata...)
}

var errBadBody = errors.New("malformed event message")

func decodeBody(body []byte) (eventType string, data, metadata []byte, err error) {
	n, k := binary.Uvarint(body)
	if k <= 0 || uint64(len(body)-k) < n {
		return "", nil, nil, errBadBody
	}
	eventType, body = string(body[k:k+int(n)]), body[k+int(n):]
	n, k = binary.Uvarint(body)
	if k <= 0 || uint64(len(body)-k) < n {
		return "", nil, nil, errBadBody
	}
	data, metadata = body[k:k+int(n)], body[k+int(n):]
	return eventType, nonEmpty(data), nonEmpty(metadata), nil
}

func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
