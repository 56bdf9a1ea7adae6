package events

import "fmt"

// ExpectedRevision is what an append expects of its stream's current state.
// It is a closed set: [Any], [NoStream], [StreamExists] and [Exact].
type ExpectedRevision interface {
	fmt.Stringer
	// Matches reports whether a stream whose last revision is last (or that
	// does not exist, when exists is false) satisfies the expectation.
	Matches(last Revision, exists bool) bool
	isExpectedRevision()
}

// Any accepts the stream in any state. It disables the concurrency check, so
// palabre's command handling never uses it.
type Any struct{}

// NoStream expects the stream to have no events yet.
type NoStream struct{}

// StreamExists expects the stream to have at least one event.
type StreamExists struct{}

// Exact expects the stream's last event to be at this revision.
type Exact Revision

func (Any) isExpectedRevision()          {}
func (NoStream) isExpectedRevision()     {}
func (StreamExists) isExpectedRevision() {}
func (Exact) isExpectedRevision()        {}

func (Any) Matches(Revision, bool) bool                   { return true }
func (NoStream) Matches(_ Revision, exists bool) bool     { return !exists }
func (StreamExists) Matches(_ Revision, exists bool) bool { return exists }
func (e Exact) Matches(last Revision, exists bool) bool   { return exists && last == Revision(e) }

func (Any) String() string          { return "any" }
func (NoStream) String() string     { return "no stream" }
func (StreamExists) String() string { return "stream exists" }
func (e Exact) String() string      { return fmt.Sprintf("revision %d", uint64(e)) }

// CurrentRevision describes a stream's actual state as an expectation that
// would have matched it: NoStream{} or Exact(last).
func CurrentRevision(last Revision, exists bool) ExpectedRevision {
	if !exists {
		return NoStream{}
	}
	return Exact(last)
}
