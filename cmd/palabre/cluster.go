package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/keystore"
)

// cluster runs the operator's commands on a cluster of JetStream nodes,
// through one of its running servers.
func (m *Main) cluster(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "remove-peer" {
		fmt.Fprint(m.Stderr, "palabre cluster remove-peer NAME --server URL — see palabre help\n")
		return errUsage
	}
	f := m.flags("cluster remove-peer")
	server := f.server("ask it, a running node of the cluster", "an admin's")
	name, rest := firstArg(args[1:])
	if err := f.parse(rest); err != nil {
		return err
	}
	if name == "" {
		f.problems = append(f.problems, "name the node lost for good: palabre cluster remove-peer NAME --server URL")
	}
	if server().url == "" {
		f.problem("server", "a running node of the cluster, which asks the cluster's leader")
	}
	if err := f.err(); err != nil {
		return err
	}
	var answer struct{}
	if err := postAdmin(ctx, server(), "/admin/cluster/remove-peer?name="+url.QueryEscape(name), &answer); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "removed %s from the cluster. Start its replacement under another name, with the others' route addresses in --nats-peers: it takes the replicas %s held and catches up (palabre doctor --server shows when).\n", name, name)
	return nil
}

// postAdmin sends an admin's POST to a server and reads its JSON answer.
func postAdmin(ctx context.Context, server remote, path string, answer any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server.url+path, nil)
	if err != nil {
		return err
	}
	return doAdmin(req, server, answer)
}

// getAdmin reads a JSON answer only an admin may have.
func getAdmin(ctx context.Context, server remote, path string, answer any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.url+path, nil)
	if err != nil {
		return err
	}
	return doAdmin(req, server, answer)
}

func doAdmin(req *http.Request, server remote, answer any) error {
	res, err := sendAdmin(req, server)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(answer)
}

// sendAdmin sends an admin's request with the token, and turns any answer
// but 200 into a refusedError saying why.
func sendAdmin(req *http.Request, server remote) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+server.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode == http.StatusOK {
		return res, nil
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	refusal := &refusedError{status: res.StatusCode, text: res.Status}
	var refused struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	switch {
	case json.Unmarshal(body, &refused) == nil && len(refused.Errors) > 0:
		refusal.text += ": " + refused.Errors[0].Message
	case len(bytes.TrimSpace(body)) > 0:
		refusal.text += ": " + string(bytes.TrimSpace(body))
	}
	return nil, refusal
}

// refusedError is a server's answer other than 200 to an admin's request.
type refusedError struct {
	status int
	text   string
}

func (e *refusedError) Error() string { return "the server answered " + e.text }

// doctorNode checks a running JetStream node: its data directory's disk
// and permissions here, and through its server the cluster as it sees it.
func (m *Main) doctorNode(ctx context.Context, c *checkup, dir string, server remote, reserve uint64) error {
	if _, err := os.Stat(dir); err == nil {
		c.freeSpace(dir, reserve)
		c.permissions(dir)
	}
	var r clusterReport
	var refused *refusedError
	err := getAdmin(ctx, server, "/admin/cluster", &r)
	switch {
	case errors.As(err, &refused) && refused.status == http.StatusServiceUnavailable:
		c.problem("log", "%s cannot reach the cluster's log (%v): no majority of the nodes is up, or a leader is being elected. Check again in a few seconds; if it lasts, start the stopped nodes", server.url, err)
		return c.result()
	case err != nil:
		c.problem("server", "%s does not report its cluster: %v. Is it a node of --store nats, and PALABRE_TOKEN an admin's?", server.url, err)
		return c.result()
	}
	c.clusterMembers(r)
	for _, s := range r.Streams {
		c.stream(s)
	}
	if r.MasterKey != "" {
		c.problem("master key", "%s: give every node the same (%s, or the same master.key in each data directory)", r.MasterKey, keystore.MasterKeyEnv)
	} else {
		c.ok("master key", "%s's is the one every node recorded (%s)", nodeOr(r.Node), keystore.MasterKeyStream)
	}
	if r.Vault != "" {
		c.problem("vault", "%s", r.Vault)
	} else {
		c.ok("vault", "the participants' keys can be read")
	}
	return c.result()
}

func nodeOr(name string) string {
	if name == "" {
		return "the node"
	}
	return name
}

// clusterMembers checks that the cluster has a leader and every member
// is seen.
func (c *checkup) clusterMembers(r clusterReport) {
	if !r.Clustered {
		c.ok("cluster", "%s is a node on its own (no peers)", nodeOr(r.Node))
		return
	}
	if r.MetaLeader == "" {
		c.problem("cluster", "no leader: fewer than a majority of the nodes are up and reach each other. Start the stopped ones, and check the route port between the machines")
	} else {
		c.ok("cluster", "%s answered; %s leads the cluster", r.Node, r.MetaLeader)
	}
	for _, p := range r.Members {
		topic := "node " + p.Label()
		switch {
		case p.Offline && p.Name == "":
			c.problem(topic, "not seen for %s: start it; %s does not know its name yet, ask another node (palabre doctor --server) before removing it", p.Seen.Round(time.Second), nodeOr(r.Node))
			continue
		case p.Offline:
			c.problem(topic, "not seen for %s: start it; if its machine is lost for good, remove it (palabre cluster remove-peer %s --server URL) and start a new node under another name", p.Seen.Round(time.Second), p.Name)
			continue
		}
		if p.Seen == 0 { // a node not leading the cluster knows no more
			c.ok(topic, "online")
			continue
		}
		c.ok(topic, "online, heard from %s ago", p.Seen.Round(time.Millisecond))
	}
}

// replicaLostAfter: a replica the leader has not heard from for longer
// (raft's heartbeats come every second) is down, however long nats-server
// takes to mark its node offline; so is one a newly elected leader has
// not heard from at all (no time).
const replicaLostAfter = 10 * time.Second

// stream checks one of palabre's streams: a leader, every replica there
// and current.
func (c *checkup) stream(s jetstore.Stream) {
	topic := map[string]string{jetstore.EventsStream: "log", jetstore.KeysStream: "keys' vault"}[s.Name]
	if s.Err != "" || s.Leader == "" {
		c.problem(topic, "%s does not answer (%s): no majority of its replicas is up. Start the stopped nodes", s.Name, orText(s.Err, "no leader"))
		return
	}
	var behind, lost []string
	for _, r := range s.Replicas {
		switch {
		case !r.Current && r.Seen == 0:
			lost = append(lost, r.Label()+" (not heard from since this leader was elected)")
		case r.Offline, !r.Current && r.Seen > replicaLostAfter:
			lost = append(lost, fmt.Sprintf("%s (not heard from for %s)", r.Label(), r.Seen.Round(time.Second)))
		case !r.Current:
			behind = append(behind, fmt.Sprintf("%s (%d operations behind)", r.Label(), r.Lag))
		}
	}
	held := 1 + len(s.Replicas)
	switch {
	case len(lost) > 0:
		c.problem(topic, "replicas not seen: %s. Start those nodes, or replace one lost for good (palabre cluster remove-peer)", strings.Join(lost, ", "))
	case held < s.Wanted:
		c.problem(topic, "%d of %d replicas: a node was removed and none has taken its place yet. Start a new node under another name", held, s.Wanted)
	case len(behind) > 0:
		c.warn(topic, "replicas catching up: %s. Check again in a minute", strings.Join(behind, ", "))
	default:
		c.ok(topic, "%d messages, %d of %d replicas current, led by %s", s.Messages, held, s.Wanted, s.Leader)
	}
}

func orText(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// isNATSNode reports whether dir is a JetStream node's data directory.
func isNATSNode(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "nats"))
	return err == nil
}
