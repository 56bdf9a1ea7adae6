package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
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

// Found in review3: doctor printed "PROBLEM node Server name unknown at
// this time (peerID: …)" and suggested remove-peer with that text as a
// name: a member whose name the node does not know yet is named by its
// peer id, and no command is suggested for it.
func TestDoctorNamesAMemberOfUnknownNameByItsPeerID(t *testing.T) {
	var out strings.Builder
	c := &checkup{w: &out}
	c.clusterMembers(clusterReport{Status: jetstore.Status{Node: "gao-1", Clustered: true, MetaLeader: "gao-1",
		Members: []jetstore.Replica{{Peer: "yrzKKRBu", Offline: true, Seen: time.Minute}, {Name: "gao-3", Offline: true, Seen: time.Minute}}}})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("doctor says %q, want three lines", out.String())
	}
	if unknown := lines[1]; !strings.Contains(unknown, "peer id yrzKKRBu") || strings.Contains(unknown, "remove-peer") {
		t.Errorf("doctor says %q, want the peer id and no remove-peer", unknown)
	}
	if known := lines[2]; !strings.Contains(known, "palabre cluster remove-peer gao-3 --server URL") {
		t.Errorf("doctor says %q, want remove-peer gao-3 suggested", known)
	}
}

// Found in review3: backup, doctor and cluster remove-peer sent the
// admin's token (and backup receives every participant's key) over plain
// http:// to a machine other than this one, without a word: a --server
// typed without https (which a node with --redirect-addr :80 answers)
// gives the token away to anyone on the path.
func TestServerCommandsKeepTheTokenOffPlainHTTPBeyondLoopback(t *testing.T) {
	host := addressBeyondLoopback(t)
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", host, err)
	}
	got := make(chan string, 8)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
		w.WriteHeader(http.StatusInternalServerError)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	for _, args := range [][]string{
		{"backup", filepath.Join(t.TempDir(), "b.tar"), "--server", url},
		{"doctor", "--data", t.TempDir(), "--server", url},
		{"cluster", "remove-peer", "gao-3", "--server", url},
	} {
		m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string {
			if k == "PALABRE_TOKEN" {
				return "plb_01M8YBPKN2DZPM7ZQ4MX0RAJXG_secret"
			}
			return ""
		}}
		err := m.Run(context.Background(), args)
		m.Close()
		select {
		case h := <-got:
			t.Errorf("%s sent %q in clear to %s", args[0], h, url)
		default:
		}
		if err == nil || !strings.Contains(err.Error(), "--server") || !strings.Contains(err.Error(), "https://") {
			t.Errorf("%s: error %v, want one naming --server and https://", args[0], err)
		}
	}
}

func addressBeyondLoopback(t *testing.T) string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
			return ip.IP.String()
		}
	}
	t.Skip("no address but the loopback")
	return ""
}

// A command given a JetStream node's data directory (its log is the
// cluster's) opens no embedded store there: an empty one would be taken
// at the node's next start for a log to import, and refused.
func TestCommandsOpenNoEmbeddedStoreInAJetStreamNodesDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "nats"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", "--data", dir},
		{"erasures", "--data", dir},
		{"backup", filepath.Join(t.TempDir(), "backup.tar"), "--data", dir},
	} {
		_, stderr, err := run(t, nil, args...)
		if err == nil || !strings.Contains(err.Error()+stderr, "JetStream node") {
			t.Errorf("%s: err = %v, stderr %s", args[0], err, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "events")); err == nil {
			t.Fatalf("%s made an embedded store in a JetStream node's directory", args[0])
		}
	}
}
