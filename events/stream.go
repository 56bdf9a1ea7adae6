package events

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxStreamNameLength bounds stream names; palabre's own are "category-" plus
// a 26-character ULID, far below it.
const MaxStreamNameLength = 200

// ValidateStreamName reports why name cannot name a user stream, or nil.
// Names are non-empty UTF-8 without control characters, at most
// MaxStreamNameLength bytes, and do not start with "$", which KurrentDB
// reserves for system streams.
func ValidateStreamName(name string) error {
	switch {
	case name == "":
		return &InvalidStreamNameError{Name: name, Reason: "is empty"}
	case len(name) > MaxStreamNameLength:
		return &InvalidStreamNameError{Name: name[:32] + "…", Reason: fmt.Sprintf("is longer than %d bytes", MaxStreamNameLength)}
	case strings.HasPrefix(name, "$"):
		return &InvalidStreamNameError{Name: name, Reason: `starts with "$", which is reserved for system streams`}
	case !utf8.ValidString(name):
		return &InvalidStreamNameError{Name: name, Reason: "is not valid UTF-8"}
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return &InvalidStreamNameError{Name: name, Reason: "contains a control character"}
		}
	}
	return nil
}

// NodeStreamPrefix starts the names of the streams where the nodes of a
// deployment keep what they share beside the domain: tokens and sessions,
// on a replicated engine. They are no aggregate's: read models, audit
// trails and checks of the domain pass over them (IsNodeStream).
const NodeStreamPrefix = "_node-"

// IsNodeStream reports whether a stream is one of the nodes' own
// (NodeStreamPrefix), not the domain's.
func IsNodeStream(name string) bool { return strings.HasPrefix(name, NodeStreamPrefix) }

// Revision is an event's 0-based index within its stream.
type Revision uint64

// EndOfStream, as the starting revision of a backwards read, means "from the
// last event".
const EndOfStream = ^Revision(0)

// Position is an event's place in $all. Commit and Prepare follow KurrentDB;
// the embedded store sets both to the same counter.
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Start is the position before every event: reading or subscribing from it
// delivers $all from its first event.
var Start = Position{}

// Compare returns -1, 0 or +1 as p is before, equal to or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit < q.Commit:
		return -1
	case p.Commit > q.Commit:
		return 1
	case p.Prepare < q.Prepare:
		return -1
	case p.Prepare > q.Prepare:
		return 1
	}
	return 0
}

// Less reports whether p comes before q in $all.
func (p Position) Less(q Position) bool { return p.Compare(q) < 0 }

func (p Position) String() string {
	if p.Commit == p.Prepare {
		return fmt.Sprintf("%d", p.Commit)
	}
	return fmt.Sprintf("%d/%d", p.Commit, p.Prepare)
}
