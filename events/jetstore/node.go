package jetstore

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// NodeConfig describes the JetStream node a palabre process embeds.
// The zero value of every field but DataDir means a single node.
type NodeConfig struct {
	// Name identifies the node in its cluster; it must differ between
	// nodes and stay the same across restarts (the replicas' raft groups
	// know their peers by it). Empty: "palabre".
	Name string
	// DataDir is where the node keeps its streams and raft logs.
	DataDir string
	// Listen is the cluster route address, HOST:PORT, the other nodes
	// connect to. Empty: no cluster, one node on its own.
	Listen string
	// Peers are the route addresses of every node of the cluster (this
	// node's own may be among them: a route to oneself is ignored).
	Peers []string
	// ClusterName must be the same on every node. Empty: "palabre".
	ClusterName string
	// ClientListen, HOST:PORT on the loopback, opens a port for NATS
	// clients (tools, a second process); empty: palabre connects in
	// process and no client port is opened.
	ClientListen string
	// RouteSecret authenticates the nodes of a cluster to each other: the
	// same on every node, required with Listen. Anyone who could join the
	// routes would receive every event. The routes speak mutual TLS under
	// a certificate authority derived from it (clusterTLS), always: they
	// carry sealed names and the tokens' hashes.
	RouteSecret string
	// Logger receives the server's log; nil: silence.
	Logger server.Logger
}

// Validate joins every problem of the configuration, naming the setting.
func (c NodeConfig) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("nats data directory: is empty"))
	}
	if c.Listen != "" {
		if _, _, err := splitHostPort(c.Listen); err != nil {
			errs = append(errs, fmt.Errorf("nats listen %q: %w", c.Listen, err))
		}
		if len(c.Peers) == 0 {
			errs = append(errs, errors.New("nats peers: a clustered node needs the addresses of its peers"))
		}
		if c.RouteSecret == "" {
			errs = append(errs, errors.New("nats route secret: is empty, so anyone reaching the route port could join and read every event"))
		}
	} else if len(c.Peers) > 0 {
		errs = append(errs, errors.New("nats peers: given without a listen address for the routes"))
	}
	for _, p := range c.Peers {
		if _, _, err := splitHostPort(p); err != nil {
			errs = append(errs, fmt.Errorf("nats peer %q: %w", p, err))
		}
	}
	if c.ClientListen != "" {
		if host, _, err := splitHostPort(c.ClientListen); err != nil {
			errs = append(errs, fmt.Errorf("nats client listen %q: %w", c.ClientListen, err))
		} else if !loopback(host) {
			errs = append(errs, fmt.Errorf("nats client listen %q: only on the loopback (127.0.0.1, ::1, localhost): clients speak in clear, and the client port would carry every event to the network", c.ClientListen))
		}
	}
	return errors.Join(errs...)
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number between 0 and 65535", p)
	}
	return host, port, nil
}

// canListen says whether addr (none when "") can be listened on now.
func canListen(what, addr string) error {
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s: %s is in use (another node or program listens there): %w", what, addr, err)
	case err != nil:
		return fmt.Errorf("%s: cannot listen on %s: %w", what, addr, err)
	}
	return ln.Close()
}

// loopback reports whether host names this machine only.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Clustered reports whether the node joins a cluster.
func (c NodeConfig) Clustered() bool { return c.Listen != "" }

// Node is an embedded JetStream server.
type Node struct {
	srv *server.Server
	cfg NodeConfig
	// token is the client password, random per process: the client port
	// (loopback, or ClientListen) must not let another local user read
	// the events. systemToken is the system account's, through which the
	// process changes the cluster's membership (RemovePeer).
	token, systemToken string
}

// StartNode starts a JetStream server in this process and waits until it
// accepts connections. Every write is synced to disk before it is
// acknowledged (SyncAlways): an acknowledged event must survive a power
// cut of the node, not only of a minority of the cluster.
func StartNode(cfg NodeConfig) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts, err := serverOptions(cfg)
	if err != nil {
		return nil, err
	}
	// nats-server only says it is not ready, after the wait, when a
	// listener fails: one taken is said at once, with its address.
	if err := canListen("nats routes", cfg.Listen); err != nil {
		return nil, err
	}
	if err := canListen("nats client listen", cfg.ClientListen); err != nil {
		return nil, err
	}
	auth := &nodeAuth{token: randomToken(), systemToken: randomToken()}
	opts.CustomClientAuthentication = auth
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	auth.srv = srv
	if cfg.Logger != nil {
		srv.SetLogger(cfg.Logger, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("nats server %s: not ready after 30s", opts.ServerName)
	}
	return &Node{srv: srv, cfg: cfg, token: auth.token, systemToken: auth.systemToken}, nil
}

// nodeAuth admits the process's own connections, each user by its random
// password: palabre's into the global account (its streams'), the
// operator's into the system account, through which alone a peer is
// removed. (A plain list of users would not do: with only the system and
// global accounts, nats-server admits anyone without credentials to the
// global one.)
type nodeAuth struct {
	token, systemToken string
	// srv is set before the server starts; its system account exists
	// once it has.
	srv *server.Server
}

func (a *nodeAuth) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	switch {
	case o.Username == clientUser && equalSecrets(o.Password, a.token):
		c.RegisterUser(&server.User{Username: clientUser, Account: a.srv.GlobalAccount()})
	case o.Username == systemUser && equalSecrets(o.Password, a.systemToken):
		c.RegisterUser(&server.User{Username: systemUser, Account: a.srv.SystemAccount()})
	default:
		return false
	}
	return true
}

func equalSecrets(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

const (
	clientUser = "palabre"
	systemUser = "palabre-system"
)

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func serverOptions(cfg NodeConfig) (*server.Options, error) {
	opts := &server.Options{
		ServerName: orDefault(cfg.Name, "palabre"),
		DontListen: cfg.ClientListen == "",
		JetStream:  true,
		StoreDir:   filepath.Clean(cfg.DataDir),
		SyncAlways: true,
		NoSigs:     true,
		NoLog:      cfg.Logger == nil,
		// One command's events are one atomic batch; allow as many
		// batches in flight as there are writers to expect.
		JetStreamLimits: server.JSLimitOpts{MaxBatchInflightPerStream: 1000, MaxBatchInflightTotal: 4000},
	}
	if cfg.ClientListen != "" {
		host, port, _ := splitHostPort(cfg.ClientListen)
		opts.Host, opts.Port = host, port
	}
	if !cfg.Clustered() {
		return opts, nil
	}
	if opts.DontListen {
		// nats-server starts its routes only after its client listener
		// (Server.Start waits on it even with DontListen): a clustered node
		// listens for clients on a random loopback port nobody is told.
		opts.DontListen, opts.Host, opts.Port = false, "127.0.0.1", server.RANDOM_PORT
	}
	host, port, _ := splitHostPort(cfg.Listen)
	routeTLS, err := clusterTLS(cfg.RouteSecret, opts.ServerName)
	if err != nil {
		return nil, err
	}
	opts.Cluster = server.ClusterOpts{Name: orDefault(cfg.ClusterName, "palabre"), Host: host, Port: port,
		Username: routeUser, Password: cfg.RouteSecret, TLSConfig: routeTLS, TLSTimeout: routeTLSTimeout}
	for _, p := range cfg.Peers {
		u, err := url.Parse("nats-route://" + p)
		if err != nil {
			return nil, fmt.Errorf("nats peer %q: %w", p, err)
		}
		u.User = url.UserPassword(routeUser, cfg.RouteSecret)
		opts.Routes = append(opts.Routes, u)
	}
	return opts, nil
}

const routeUser = "palabre"

// routeTLSTimeout is how long, in seconds, a route's TLS handshake may take:
// nats-server's default (2 s) is short for a loaded machine.
const routeTLSTimeout = 10

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Connect opens a client connection to the node, in process when it has
// no client port. The connection retries for ever while the node is
// restarting: the store turns the wait into ErrUnavailable per call.
func (n *Node) Connect() (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(n.srv), nats.UserInfo(clientUser, n.token), nats.Name("palabre"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("connect to the embedded nats server: %w", err)
	}
	return nc, nil
}

// ClusterAddr is the address the node's routes listen on (useful when
// Listen asked for port 0), or "" for a single node.
func (n *Node) ClusterAddr() string {
	if a := n.srv.ClusterAddr(); a != nil {
		return a.String()
	}
	return ""
}

// ClientURL is the address of the node's client port, "" when it opens
// none; clients need the node's token, which only this process knows.
func (n *Node) ClientURL() string {
	if n.srv.Addr() == nil {
		return ""
	}
	return n.srv.ClientURL()
}

// Current reports whether the node's replica of stream is caught up with
// the stream's leader (a single node always is).
func (n *Node) Current(stream string) bool {
	return n.srv.JetStreamIsStreamCurrent(server.DEFAULT_GLOBAL_ACCOUNT, stream)
}

// StoreDir is the directory the node keeps its data in.
func (n *Node) StoreDir() string { return n.srv.StoreDir() }

// Name is the node's server name.
func (n *Node) Name() string { return n.srv.Name() }

// CompactLog asks the node to snapshot stream's replicated state and cut
// its raft log (WAL) up to what it has applied, as its own timer does every
// two to three minutes. A single node has no raft log: nothing to do.
func (n *Node) CompactLog(stream string) error {
	if !n.cfg.Clustered() {
		return nil
	}
	if err := n.srv.JetStreamSnapshotStream(server.DEFAULT_GLOBAL_ACCOUNT, stream); err != nil {
		return fmt.Errorf("compact the raft log of %s on %s: %w", stream, n.Name(), err)
	}
	return nil
}

// compactOnceHolding compacts the node's raft log of stream once its
// replica holds sequence seq (a follower applies writes a moment after
// the leader acknowledges them), trying for at most within.
func (n *Node) compactOnceHolding(stream string, seq uint64, within time.Duration) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if n.holds(stream, seq) && n.CompactLog(stream) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// holds reports whether the node's own replica of stream has reached
// sequence seq.
func (n *Node) holds(stream string, seq uint64) bool {
	info, err := n.srv.Jsz(&server.JSzOptions{Account: server.DEFAULT_GLOBAL_ACCOUNT, Streams: true})
	if err != nil {
		return false
	}
	for _, acc := range info.AccountDetails {
		for _, s := range acc.Streams {
			if s.Name == stream {
				return s.State.LastSeq >= seq
			}
		}
	}
	return false
}

// Shutdown stops the node and waits until it has.
func (n *Node) Shutdown() {
	n.srv.Shutdown()
	n.srv.WaitForShutdown()
}
