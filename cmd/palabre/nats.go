package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/keystore"
)

// natsSettings are serve's settings for --store nats: a JetStream node
// embedded in this process (alone, or one of a cluster given by its
// peers), or an external NATS cluster by URL.
type natsSettings struct {
	Listen   string // this node's cluster route address, HOST:PORT
	Peers    string // every node's route address, comma-separated
	Name     string // this node's name in the cluster
	URL      string // an external cluster instead of an embedded node
	Replicas int    // with URL: replicas of palabre's streams
}

// minClusterPeers: two nodes cannot lose one and keep a majority, so a
// cluster has at least three, and palabre keeps three replicas.
const minClusterPeers = 3

func (s natsSettings) peers() []string {
	var out []string
	for p := range strings.SplitSeq(s.Peers, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// replicas is how many nodes hold each event and key.
func (s natsSettings) replicas() int {
	switch {
	case s.URL != "":
		return max(s.Replicas, 1)
	case len(s.peers()) >= minClusterPeers:
		return 3
	}
	return 1
}

func (s natsSettings) used() bool { return s != natsSettings{} }

// problems names what is wrong with the settings for store kind.
func (s natsSettings) problems(kind string, bad func(name, format string, args ...any)) {
	if kind != "nats" {
		if s.used() {
			bad("store", "the --nats-* settings need --store nats")
		}
		return
	}
	if s.URL != "" {
		s.urlProblems(bad)
		return
	}
	if s.Replicas != 0 {
		bad("nats-replicas", "only with --nats-url: an embedded cluster keeps 3 replicas, a single node 1")
	}
	if s.Listen == "" && s.Peers == "" {
		if s.Name != "" {
			bad("nats-name", "only for a node of a cluster (with --nats-listen and --nats-peers)")
		}
		return // one node, on its own
	}
	if _, _, err := net.SplitHostPort(s.Listen); err != nil {
		bad("nats-listen", "a node of a cluster needs the HOST:PORT its peers reach it at, not %q", s.Listen)
	}
	peers := s.peers()
	if len(peers) < minClusterPeers {
		bad("nats-peers", "needs the route addresses of at least %d nodes, this one included (two cannot lose one and keep a majority), not %d", minClusterPeers, len(peers))
	}
	for _, p := range peers {
		if _, _, err := net.SplitHostPort(p); err != nil {
			bad("nats-peers", "%q is not HOST:PORT", p)
		}
	}
	if s.Name == "" {
		bad("nats-name", "each node of a cluster needs a name of its own, the same across restarts")
	}
}

func (s natsSettings) urlProblems(bad func(name, format string, args ...any)) {
	if s.Listen != "" || s.Peers != "" || s.Name != "" {
		bad("nats-url", "either an external cluster (--nats-url) or an embedded node (--nats-listen, --nats-peers, --nats-name), not both")
	}
	for u := range strings.SplitSeq(s.URL, ",") {
		parsed, err := url.Parse(strings.TrimSpace(u))
		switch {
		case err != nil || (parsed.Scheme != "nats" && parsed.Scheme != "tls") || parsed.Host == "":
			bad("nats-url", "needs nats://HOST:PORT or tls://HOST:PORT (comma-separated for several), not %q", u)
		case parsed.Scheme == "nats" && !loopbackHost(parsed.Hostname()):
			bad("nats-url", "%q would carry the log in clear beyond this machine: use tls://%s (nats:// only on the loopback)", u, parsed.Host)
		}
	}
	if s.Replicas < 0 || s.Replicas > 5 {
		bad("nats-replicas", "must be between 1 and 5, not %d", s.Replicas)
	}
}

// urlSecurity keeps the connection to an external cluster off the
// network in clear: TLS required (and the server's certificate checked
// against the system's authorities) once a URL says tls://; with only
// loopback nats:// URLs, no server the cluster announces elsewhere is
// tried, since it would be reached in clear.
func (s natsSettings) urlSecurity() []nats.Option {
	if strings.Contains(s.URL, "tls://") {
		return []nats.Option{nats.Secure(&tls.Config{MinVersion: tls.VersionTLS12})}
	}
	return []nats.Option{nats.IgnoreDiscoveredServers()}
}

// natsFlags declares serve's NATS flags; the returned func reads them
// once parsed.
func (f *flags) natsFlags(c natsSettings) func() natsSettings {
	listen := f.string("nats-listen", c.Listen, "with --store nats: this node's cluster address (HOST:PORT) its peers connect to")
	peers := f.string("nats-peers", c.Peers, "with --store nats: every node's cluster address, comma-separated (at least 3)")
	name := f.string("nats-name", c.Name, "with --store nats: this node's name in the cluster, its own and the same across restarts")
	natsURL := f.string("nats-url", c.URL, "with --store nats: an external NATS cluster (tls://host:4222,…; nats:// only on the loopback) instead of the embedded node")
	replicas := f.int("nats-replicas", c.Replicas, "with --nats-url: replicas of palabre's streams (default 1)")
	return func() natsSettings {
		return natsSettings{Listen: *listen, Peers: *peers, Name: *name, URL: *natsURL, Replicas: *replicas}
	}
}

// routeSecret is what a cluster's nodes authenticate their routes with,
// and derive their routes' TLS authority from (jetstore.StartNode):
// derived from the master key, which every node of a cluster is given
// (the environment or DIR/master.key), so that nothing more is to be
// distributed and a node without the key cannot join and read the log.
func routeSecret(dir string, s natsSettings) (string, error) {
	if s.Listen == "" {
		return "", nil // one node: no routes
	}
	key, _, err := keystore.ReadMasterKey(filepath.Join(dir, "master.key"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--store nats with --nats-peers: every node of a cluster needs the same master key, in %s or in %s/master.key", keystore.MasterKeyEnv, dir)
	}
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("palabre nats routes"))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// natsQuorumWait is how long serve waits for a cluster's majority (its
// peers starting) before giving up.
const natsQuorumWait = 2 * time.Minute

// openNATS opens the event store and the key vault on JetStream: on the
// node embedded here (its data in the data directory's nats/), or on an
// external cluster. The data directory keeps what the node alone uses.
func (m *Main) openNATS(dir string, s natsSettings, log zerolog.Logger) (dataDir, error) {
	d := dataDir{dir: dir}
	if err := m.lockDir(dir); err != nil {
		return d, err
	}
	if err := shredLeftoverBackups(dir, log); err != nil {
		return d, err
	}
	nc, nodes, err := m.connectNATS(dir, s, log)
	if err != nil {
		return d, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), natsQuorumWait)
	defer cancel()
	if s.URL == "" && s.replicas() > 1 {
		log.Info().Str("peers", s.Peers).Msg("waiting for a majority of the cluster's nodes")
	}
	store, err := jetstore.Open(ctx, nc, jetstore.Options{Replicas: s.replicas()})
	if err != nil {
		return d, fmt.Errorf("--store nats: no majority of the cluster answered within %s (are the peers started and reachable?): %w", natsQuorumWait, err)
	}
	m.onClose(store.Close)
	vault, err := jetstore.OpenVault(ctx, nc, jetstore.VaultOptions{Replicas: s.replicas(), Nodes: nodes})
	if err != nil {
		return d, fmt.Errorf("--store nats: open the key vault: %w", err)
	}
	d.store, d.vault = store, vault
	d.cluster = &natsCluster{dir: dir, nc: nc, store: store, vault: vault}
	if len(nodes) > 0 {
		d.cluster.node = nodes[0]
	}
	// Not bounded by the wait for a majority: a large log takes longer.
	if err := m.importRestored(context.Background(), d.cluster, log); err != nil {
		return d, fmt.Errorf("--store nats: %w", err)
	}
	return d, nil
}

// connectNATS starts the embedded node, or connects to the external
// cluster, and arranges to close both when serve ends.
func (m *Main) connectNATS(dir string, s natsSettings, log zerolog.Logger) (*nats.Conn, []*jetstore.Node, error) {
	if s.URL != "" {
		nc, err := nats.Connect(s.URL, append(s.urlSecurity(), nats.Name("palabre"), nats.MaxReconnects(-1))...)
		if err != nil {
			return nil, nil, fmt.Errorf("--nats-url: %w", err)
		}
		m.onClose(func() error { nc.Close(); return nil })
		return nc, nil, nil
	}
	secret, err := routeSecret(dir, s)
	if err != nil {
		return nil, nil, err
	}
	node, err := jetstore.StartNode(jetstore.NodeConfig{Name: s.Name, DataDir: filepath.Join(dir, "nats"), Listen: s.Listen, Peers: s.peers(), RouteSecret: secret})
	if err != nil {
		return nil, nil, fmt.Errorf("--store nats: %w", err)
	}
	m.onClose(func() error { node.Shutdown(); return nil })
	nc, err := node.Connect()
	if err != nil {
		return nil, nil, err
	}
	m.onClose(func() error { nc.Close(); return nil })
	log.Info().Str("node", node.Name()).Str("routes", node.ClusterAddr()).Int("replicas", s.replicas()).Msg("embedded JetStream node started")
	return nc, []*jetstore.Node{node}, nil
}
