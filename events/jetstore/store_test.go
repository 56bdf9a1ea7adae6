package jetstore_test

import (
	"testing"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
)

func TestConformanceOnOneNode(t *testing.T) {
	nodes := startCluster(t, 1)
	eventstoretest.Run(t, func(t *testing.T) events.Store {
		return openStore(t, nodes[0], 1)
	}, eventstoretest.Features{SharedAll: true})
}

// Three replicas: each subtest's store talks to another node, so that
// writes and reads go through followers as well as the leader.
func TestConformanceOnThreeReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node cluster")
	}
	nodes := startCluster(t, 3)
	i := 0
	eventstoretest.Run(t, func(t *testing.T) events.Store {
		i++
		return openStore(t, nodes[i%3], 3)
	}, eventstoretest.Features{SharedAll: true})
}
