package main

import (
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/events/jetstore"
)

// doctor judges each of palabre's streams as the node reports it: a
// replica offline or missing is a problem, one catching up a warning.
func TestDoctorJudgesEachStreamsReplicas(t *testing.T) {
	current := func(name string) jetstore.Replica { return jetstore.Replica{Name: name, Current: true} }
	for _, tc := range []struct {
		name   string
		stream jetstore.Stream
		mark   string // of the line
		says   string
	}{
		{"three current", jetstore.Stream{Name: jetstore.EventsStream, Leader: "n1", Wanted: 3, Replicas: []jetstore.Replica{current("n2"), current("n3")}}, "ok", "3 of 3 replicas current"},
		{"one catching up", jetstore.Stream{Name: jetstore.EventsStream, Leader: "n1", Wanted: 3, Replicas: []jetstore.Replica{current("n2"), {Name: "n3", Lag: 42, Seen: 300 * time.Millisecond}}}, "WARNING", "n3 (42 operations behind)"},
		{"one offline", jetstore.Stream{Name: jetstore.KeysStream, Leader: "n1", Wanted: 3, Replicas: []jetstore.Replica{current("n2"), {Name: "n3", Offline: true, Seen: time.Minute}}}, "PROBLEM", "n3 (not heard from for 1m0s)"},
		{"one removed, none in its place", jetstore.Stream{Name: jetstore.EventsStream, Leader: "n1", Wanted: 3, Replicas: []jetstore.Replica{current("n2")}}, "PROBLEM", "2 of 3 replicas"},
		{"one silent, not yet marked offline", jetstore.Stream{Name: jetstore.EventsStream, Leader: "n1", Wanted: 3, Replicas: []jetstore.Replica{current("n2"), {Name: "n3", Seen: 12 * time.Second}}}, "PROBLEM", "n3 (not heard from for 12s)"},
		{"one never heard from by a new leader", jetstore.Stream{Name: jetstore.EventsStream, Leader: "n2", Wanted: 3, Replicas: []jetstore.Replica{current("n1"), {Name: "n3"}}}, "PROBLEM", "n3 (not heard from since"},
		{"no leader", jetstore.Stream{Name: jetstore.EventsStream, Wanted: 3, Err: "context deadline exceeded"}, "PROBLEM", "does not answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			c := &checkup{w: &out}
			c.stream(tc.stream)
			if line := out.String(); !strings.HasPrefix(line, tc.mark) || !strings.Contains(line, tc.says) {
				t.Fatalf("doctor says %q, want %s with %q", line, tc.mark, tc.says)
			}
		})
	}
}
