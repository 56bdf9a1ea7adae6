package jetstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Status is what an operator checks of the replicated log, as one node
// sees it: the cluster's members and palabre's streams.
type Status struct {
	// Node is the node that answered; "" on an external cluster.
	Node string `json:"node,omitempty"`
	// Clustered: the node has peers (false for a single node).
	Clustered bool `json:"clustered"`
	// MetaLeader leads the cluster's membership and stream placement; ""
	// when no majority elects one. Members are the cluster's other nodes.
	MetaLeader string    `json:"metaLeader,omitempty"`
	Members    []Replica `json:"members,omitempty"`
	Streams    []Stream  `json:"streams"`
}

// Stream is one of palabre's streams: who leads it, how far it goes, and
// each other replica's state.
type Stream struct {
	Name     string    `json:"name"`
	Leader   string    `json:"leader,omitempty"`
	Messages uint64    `json:"messages"`
	LastSeq  uint64    `json:"lastSeq"`
	Replicas []Replica `json:"replicas,omitempty"` // the leader's followers
	// Wanted is how many replicas the stream is configured for.
	Wanted int    `json:"wanted"`
	Err    string `json:"error,omitempty"` // the stream did not answer
}

// Replica is a node holding a replica (or a member of the cluster), as the
// leader sees it.
type Replica struct {
	// Name is "" while the answering node does not know the node's name
	// yet (nats-server says "Server name unknown at this time"); Peer is
	// its id then.
	Name    string `json:"name"`
	Peer    string `json:"peer,omitempty"`
	Current bool   `json:"current"` // caught up with the leader
	Offline bool   `json:"offline,omitempty"`
	// Lag is how many operations it is behind; Seen how long ago the
	// leader last heard from it.
	Lag  uint64        `json:"lag,omitempty"`
	Seen time.Duration `json:"seen"`
}

// Inspect reports the cluster's state through nc: each of palabre's
// streams as its leader sees it, and, given the node of this process, the
// cluster's members. A stream that does not answer (no leader, no
// majority) is reported with its error rather than failing the rest.
func Inspect(ctx context.Context, nc *nats.Conn, node *Node) (Status, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return Status{}, fmt.Errorf("jetstream: %w", err)
	}
	var st Status
	if node != nil {
		st.Node, st.Clustered = node.Name(), node.cfg.Clustered()
		st.MetaLeader, st.Members = node.members()
	}
	for _, name := range []string{EventsStream, KeysStream} {
		st.Streams = append(st.Streams, inspectStream(ctx, js, name))
	}
	return st, nil
}

func inspectStream(ctx context.Context, js jetstream.JetStream, name string) Stream {
	out := Stream{Name: name}
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	stream, err := js.Stream(callCtx, name)
	if err != nil {
		out.Err = err.Error()
		return out
	}
	info, err := stream.Info(callCtx)
	if err != nil {
		out.Err = err.Error()
		return out
	}
	out.Messages, out.LastSeq, out.Wanted = info.State.Msgs, info.State.LastSeq, info.Config.Replicas
	if c := info.Cluster; c != nil {
		out.Leader = c.Leader
		for _, p := range c.Replicas {
			out.Replicas = append(out.Replicas, Replica{Name: knownName(p.Name), Peer: p.Peer, Current: p.Current, Offline: p.Offline, Lag: p.Lag, Seen: p.Active})
		}
	}
	return out
}

// Label names the node for a person: its name, or its peer id while
// its name is unknown.
func (r Replica) Label() string {
	if r.Name == "" {
		return "peer id " + r.Peer + " (name not known yet)"
	}
	return r.Name
}

// knownName is a node's name as nats-server reports it, or "" for the
// text it gives in place of a name it does not know yet.
func knownName(name string) string {
	if strings.HasPrefix(name, "Server name unknown") {
		return ""
	}
	return name
}

// members is the cluster's meta leader and its other members, as this
// node knows them.
func (n *Node) members() (string, []Replica) {
	if !n.cfg.Clustered() {
		return n.Name(), nil
	}
	info, err := n.srv.Jsz(nil)
	if err != nil || info.Meta == nil {
		return "", nil
	}
	var out []Replica
	for _, p := range info.Meta.Replicas {
		out = append(out, Replica{Name: knownName(p.Name), Peer: p.Peer, Current: p.Current, Offline: p.Offline, Lag: p.Lag, Seen: p.Active})
	}
	return info.Meta.Leader, out
}

// ErrNotMember: the node to remove is not a member of the cluster (a
// name mistyped, or removed already).
var ErrNotMember = errors.New("jetstore: no member of the cluster has this name")

// RemovePeer removes the node named name from the cluster for good, as
// its members see it: the streams it held a replica of are given another
// node (one that joins later, when no spare one is there), and the
// cluster's majority is counted without it. Only a node the cluster's
// leader has stopped hearing from is removed, and none while the others
// up are too few to hold every replica (removalRefusal). For a node lost for good
// (its machine gone): its replacement must join under another name, as
// nats-server knows nodes by their name's hash. The request goes through
// the system account to the cluster's leader; a majority must answer.
func (n *Node) RemovePeer(ctx context.Context, name string) error {
	switch {
	case !n.cfg.Clustered():
		return errors.New("jetstore: a single node has no peers to remove")
	case name == n.Name():
		return fmt.Errorf("jetstore: %s cannot remove itself: ask another node", name)
	}
	nc, err := nats.Connect("", nats.InProcessServer(n.srv), nats.UserInfo(systemUser, n.systemToken), nats.Name("palabre-operator"))
	if err != nil {
		return fmt.Errorf("connect to the embedded nats server's system account: %w", err)
	}
	defer nc.Close()
	leader, members, err := metaLeaderView(ctx, nc)
	if err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	if err := removalRefusal(leader, members, name, n.wantedReplicas(ctx)); err != nil {
		return err
	}
	req, _ := json.Marshal(server.JSApiMetaServerRemoveRequest{Server: name})
	msg, err := nc.RequestWithContext(ctx, server.JSApiRemoveServer, req)
	if err != nil {
		return fmt.Errorf("remove %s: the cluster's leader did not answer (is a majority of its nodes up?): %w", name, err)
	}
	var resp server.JSApiMetaServerRemoveResponse
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return fmt.Errorf("remove %s: %w", name, err)
	}
	if resp.Error != nil {
		if resp.Error.ErrCode == uint16(server.JSClusterServerNotMemberErr) {
			return fmt.Errorf("remove %s: %w", name, ErrNotMember)
		}
		return fmt.Errorf("remove %s: %s", name, resp.Error.Description)
	}
	return nil
}

// peerUpWithin: a node the cluster's leader heard from this recently is
// up (raft's heartbeats come every second), however far behind it is.
const peerUpWithin = 10 * time.Second

// ErrPeerUp: the node to remove is up; remove-peer is for a node lost
// for good, and taking out one that runs leaves its replicas' copies to
// fewer disks.
var ErrPeerUp = errors.New("jetstore: the node is up")

// removalRefusal says why name may not be removed from a cluster whose
// meta leader is leader and sees its other members as members, with
// streams of replicas replicas, or nil: a node up is not removed, nor one
// when the nodes up besides it could not hold one replica less than
// wanted (a second removal before the first one's replacement is
// current would leave writes acknowledged on too few disks).
func removalRefusal(leader string, members []Replica, name string, replicas int) error {
	if name == leader {
		return fmt.Errorf("remove %s: %w: it leads the cluster and answered just now; stop it for good first", name, ErrPeerUp)
	}
	others := 1 // the leader
	for _, m := range members {
		switch {
		case m.Name == name && peerUp(m):
			return fmt.Errorf("remove %s: %w: the cluster's leader heard from it %s ago; remove only a node lost for good, stopped first", name, ErrPeerUp, m.Seen.Round(time.Millisecond))
		case m.Name != name && peerUp(m) && m.Current:
			others++
		}
	}
	if others < replicas-1 {
		return fmt.Errorf("remove %s: only %d node(s) besides it are up and current, fewer than the %d a log of %d replicas needs after a removal: start the stopped nodes, or wait until the new node is current (palabre doctor --server)", name, others, replicas-1, replicas)
	}
	return nil
}

// peerUp: not marked offline, and caught up or heard from recently.
func peerUp(m Replica) bool {
	return !m.Offline && (m.Current || (m.Seen > 0 && m.Seen < peerUpWithin))
}

// metaLeaderView is the cluster's members as its meta leader sees them
// (the only node that tracks when each answered): its answer to the
// system account's JSZ request, which no other node answers.
func metaLeaderView(ctx context.Context, nc *nats.Conn) (string, []Replica, error) {
	req, _ := json.Marshal(server.JSzOptions{LeaderOnly: true})
	msg, err := askTheLeader(ctx, nc, req)
	if err != nil {
		return "", nil, fmt.Errorf("the cluster's leader did not answer (is a majority of its nodes up?): %w", err)
	}
	var resp struct {
		Data  *server.JSInfo   `json:"data"`
		Error *server.ApiError `json:"error"`
	}
	if err := json.Unmarshal(msg.Data, &resp); err != nil {
		return "", nil, err
	}
	if resp.Error != nil || resp.Data == nil || resp.Data.Meta == nil {
		return "", nil, fmt.Errorf("the cluster's leader did not report its members: %+v", resp.Error)
	}
	var members []Replica
	for _, p := range resp.Data.Meta.Replicas {
		members = append(members, Replica{Name: knownName(p.Name), Peer: p.Peer, Current: p.Current, Offline: p.Offline, Lag: p.Lag, Seen: p.Active})
	}
	return resp.Data.Meta.Leader, members, nil
}

// wantedReplicas is the most replicas one of palabre's streams is
// configured for (3 in a cluster, when they do not answer).
func (n *Node) wantedReplicas(ctx context.Context) int {
	wanted := 0
	nc, err := n.Connect()
	if err == nil {
		defer nc.Close()
		if js, err := jetstream.New(nc); err == nil {
			for _, name := range []string{EventsStream, KeysStream} {
				wanted = max(wanted, inspectStream(ctx, js, name).Wanted)
			}
		}
	}
	if wanted == 0 {
		return 3
	}
	return wanted
}

// askTheLeader sends the leader-only JSZ request until a leader answers
// or ctx ends. Only the meta leader answers it, so one sent while the
// cluster elects a new leader (its old one just lost) is answered by
// nobody and would wait until ctx ends: each attempt waits 2 s.
func askTheLeader(ctx context.Context, nc *nats.Conn, req []byte) (*nats.Msg, error) {
	for {
		attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
		msg, err := nc.RequestWithContext(attempt, "$SYS.REQ.SERVER.PING.JSZ", req)
		cancel()
		if err == nil || ctx.Err() != nil {
			return msg, err
		}
		select { // "no responders" comes back at once: not a busy loop
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
