package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/jetstore"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
)

// natsCluster is what an operator reaches of a JetStream node through
// its server: the cluster's state (doctor), its membership (a node
// replaced) and a backup.
type natsCluster struct {
	dir   string // the data directory
	nc    *nats.Conn
	node  *jetstore.Node // nil on an external cluster
	store *jetstore.Store
	vault *jetstore.Vault
}

// clusterReport is GET /admin/cluster: the replicated log as this node
// sees it, and whether its master key and vault are the cluster's.
type clusterReport struct {
	jetstore.Status
	// MasterKey is "" when this node's master key is the one recorded in
	// the log (_node-masterkey), else what is wrong; Vault is "" when the
	// participants' keys can be read.
	MasterKey string `json:"masterKey"`
	Vault     string `json:"vault"`
}

func (c *natsCluster) report(ctx context.Context) (any, error) {
	st, err := jetstore.Inspect(ctx, c.nc, c.node)
	if err != nil {
		return nil, err
	}
	r := clusterReport{Status: st}
	key, _, err := keystore.ReadMasterKey(filepath.Join(c.dir, "master.key"))
	if err == nil {
		err = keystore.AgreeOnMasterKey(ctx, c.store, key)
	}
	if err != nil {
		r.MasterKey = err.Error()
	}
	if _, err := c.vault.Load(ctx, domain.ID{}); !errors.Is(err, keystore.ErrNoKey) {
		r.Vault = fmt.Sprintf("the participants' keys cannot be read: %v", err)
	}
	return r, nil
}

// removePeer takes a node lost for good out of the cluster.
func (c *natsCluster) removePeer(ctx context.Context, name string) error {
	if c.node == nil {
		return errors.New("this node uses an external NATS cluster: remove its servers with that cluster's own tools")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := c.node.RemovePeer(ctx, name)
	if errors.Is(err, context.DeadlineExceeded) {
		return &events.UnavailableError{Reason: events.ReasonUnreachable, RetryAfter: 5 * time.Second, Cause: err}
	}
	return err
}

// backup writes the replicated log and the participants' keys as the
// embedded store's backup (palabre restore takes it): the log copied into
// a store in a temporary directory of the data directory, then the keys
// the vault holds, so that every event's key is there unless erased since.
func (c *natsCluster) backup(ctx context.Context, w io.Writer) (err error) {
	tmp, err := os.MkdirTemp(c.dir, backupScratch+"*")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, shredCopy(tmp)) }()
	// A scratch copy: deleted once written out, it need not be synced.
	copied, err := pebblestore.Open(tmp, &pebblestore.Options{Unsynced: true})
	if err != nil {
		return err
	}
	defer copied.Close()
	if _, err := copyLog(ctx, c.store, copied, nil); err != nil {
		return fmt.Errorf("copy the log: %w", err)
	}
	keys, err := keystore.OpenDir(filepath.Join(tmp, "keys"))
	if err != nil {
		return err
	}
	ids, err := c.vault.List(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		wrapped, err := c.vault.Load(ctx, id)
		if errors.Is(err, keystore.ErrNoKey) {
			continue // erased since it was listed
		}
		if err != nil {
			return err
		}
		if _, err := keys.Create(ctx, id, wrapped); err != nil {
			return err
		}
	}
	return copied.Backup(ctx, w, keys.Dir())
}

// shredCopy deletes a temporary copy, overwriting its keys first as an
// erasure does.
func shredCopy(dir string) error {
	ids, _, err := keystore.List(filepath.Join(dir, "keys"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, id := range ids {
		if err := keystore.Remove(filepath.Join(dir, "keys"), id); err != nil {
			return err
		}
	}
	return os.RemoveAll(dir)
}

// backupScratch starts the name of a backup's scratch copy in a node's
// data directory.
const backupScratch = "backup-"

// leftoverBackups lists the scratch copies of backups in a data
// directory (one running now, or one a killed node left): directories
// named as os.MkdirTemp names them, backup- then digits, and no other an
// operator may have put there.
func leftoverBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), backupScratch)
		if ok && e.IsDir() && digits != "" && strings.Trim(digits, "0123456789") == "" {
			dirs = append(dirs, filepath.Join(dir, e.Name()))
		}
	}
	return dirs, nil
}

// shredLeftoverBackups shreds the scratch copies a node killed during a
// backup left, keys overwritten first: they hold every participant's key,
// which an erasure made since would not reach. It runs at start, under
// the data directory's lock, before this node serves a backup.
func shredLeftoverBackups(dir string, log zerolog.Logger) error {
	left, err := leftoverBackups(dir)
	if err != nil {
		return err
	}
	for _, scratch := range left {
		if err := shredCopy(scratch); err != nil {
			return fmt.Errorf("shred the copy a backup left in %s: %w", scratch, err)
		}
		log.Warn().Str("dir", scratch).Msg("the copy of the log and keys a backup left when this node stopped was shredded")
	}
	return nil
}

// recordedAppender appends events saying when they were first recorded.
type recordedAppender interface {
	AppendRecorded(ctx context.Context, stream string, expected events.ExpectedRevision, at time.Time, evs ...events.EventData) (events.AppendResult, error)
}

// copyLog appends every event of from to to, in order, each at its
// revision and with its id and recording time, a command's events (one
// stream, one time) together; streams skip names are left out. Copying
// again after a failure is harmless: the events already there are
// recognised by their ids.
func copyLog(ctx context.Context, from events.Store, to recordedAppender, skip func(stream string) bool) (int, error) {
	var run []events.EventData
	var first events.RecordedEvent
	n := 0
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		var expected events.ExpectedRevision = events.NoStream{}
		if first.Revision > 0 {
			expected = events.Exact(first.Revision - 1)
		}
		if _, err := to.AppendRecorded(ctx, first.Stream, expected, first.RecordedAt, run...); err != nil {
			return err
		}
		n += len(run)
		run = run[:0]
		return nil
	}
	for rec, err := range from.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			return n, err
		}
		if skip != nil && skip(rec.Stream) {
			continue
		}
		together := len(run) > 0 && rec.Stream == first.Stream && rec.RecordedAt.Equal(first.RecordedAt) &&
			rec.Revision == first.Revision+events.Revision(len(run)) && len(run) < maxCopiedAppend
		if !together {
			if err := flush(); err != nil {
				return n, err
			}
			first = rec
		}
		run = append(run, rec.EventData)
	}
	return n, flush()
}

// maxCopiedAppend: JetStream takes at most 1000 events in one atomic
// append.
const maxCopiedAppend = 1000

// importDir is where serve moves a log restored into the data directory
// of a JetStream node while it copies it into the replicated log.
const importDir = "import"

// importRestored copies into the replicated log the embedded store's log
// palabre restore put in the data directory (with its marker,
// restoreMarker), and refuses to start on one it did not: a log copied in
// is taken as the deployment's record. It is moved into import/ first
// (the directory's lock is this process's), checked against this node's
// master key (vouchForRestore), and deleted with the marker once every
// event is in the replicated log; a start interrupted meanwhile copies
// again. The node's own streams (tokens, sessions, envelopes, the master
// key's check) are never copied: they are the cluster's, and anyone
// holding a backup could add a token to them. The participants' keys of
// keys/ are moved into the vault afterwards, as at every start (openKeys).
func (m *Main) importRestored(ctx context.Context, c *natsCluster, log zerolog.Logger) error {
	pending := filepath.Join(c.dir, importDir)
	marker := filepath.Join(c.dir, restoreMarker)
	found := ""
	for _, p := range []string{filepath.Join(c.dir, "events"), filepath.Join(pending, "events")} {
		if _, err := os.Stat(p); err == nil {
			found = p
			break
		}
	}
	if found == "" {
		return removeIfThere(marker) // a start stopped after its import
	}
	if _, err := os.Stat(marker); err != nil {
		return fmt.Errorf("%s is an embedded log palabre restore did not put there (no %s): a node copies a log into the cluster only from a restore. If it is this deployment's, back it up (palabre backup FILE --data %s, no server running on it) and restore that into an empty directory; otherwise remove it", found, marker, c.dir)
	}
	if found != filepath.Join(pending, "events") {
		if err := os.MkdirAll(pending, 0o700); err != nil {
			return err
		}
		if err := os.Rename(found, filepath.Join(pending, "events")); err != nil {
			return fmt.Errorf("move the restored log aside: %w", err)
		}
	}
	restored, err := pebblestore.Open(pending, nil)
	if err != nil {
		return fmt.Errorf("open the restored log in %s: %w", pending, err)
	}
	defer restored.Close()
	if err := vouchForRestore(ctx, c, restored); err != nil {
		return fmt.Errorf("the log restored into %s is not this deployment's (%w): nothing was copied; remove %s, %s and %s, and restore a backup of this deployment", c.dir, err, pending, filepath.Join(c.dir, "keys"), marker)
	}
	log.Info().Str("from", pending).Msg("copying the restored log into the replicated log, without its tokens and sessions")
	start := time.Now()
	n, err := copyLog(ctx, restored, c.store, events.IsNodeStream)
	if err != nil {
		return fmt.Errorf("copy the restored log in %s into the replicated log (start again to resume): %w", pending, err)
	}
	log.Info().Int("events", n).Dur("took", time.Since(start)).Msg("the restored log is in the replicated log")
	if err := restored.Close(); err != nil {
		return err
	}
	// Snapshots of read models made on the embedded log (a node moving to
	// a cluster) name its positions, which are not the replicated log's:
	// they would resume at the wrong event. The models replay instead.
	if err := os.RemoveAll(filepath.Join(c.dir, "projections")); err != nil {
		return err
	}
	if err := os.RemoveAll(pending); err != nil {
		return err
	}
	return removeIfThere(marker)
}

func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// vouchForRestore refuses a restored log this node's master key does not
// vouch for: one whose nodes recorded another master key, or whose
// participants' keys (keys/) do not open under it (another deployment's,
// or made without the key). Its names would open nowhere, and its keys
// must not reach the vault.
func vouchForRestore(ctx context.Context, c *natsCluster, restored events.Store) error {
	key, _, err := keystore.ReadMasterKey(filepath.Join(c.dir, "master.key"))
	restoredKnows, kerr := keystore.KnownMasterKey(ctx, restored)
	keys, _, lerr := keystore.List(filepath.Join(c.dir, "keys"))
	switch {
	case kerr != nil:
		return kerr
	case lerr != nil:
		return lerr
	case errors.Is(err, fs.ErrNotExist) && (restoredKnows || len(keys) > 0):
		return fmt.Errorf("the restored log was sealed under a master key: put it back (%s or %s) before serving", keystore.MasterKeyEnv, filepath.Join(c.dir, "master.key"))
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	case restoredKnows:
		if err := keystore.AgreeOnMasterKey(ctx, restored, key); err != nil {
			return fmt.Errorf("%w: put back the master key of the backup", err)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if err := keystore.CheckDir(ctx, filepath.Join(c.dir, "keys"), key); err != nil {
		return fmt.Errorf("%w: put back the master key of the backup", err)
	}
	return nil
}

// restoreMarker is the file palabre restore leaves in the directory it
// restored into: a JetStream node copies an embedded log into the
// replicated one only when it is there, and deletes it once copied.
const restoreMarker = "RESTORED.palabre"

// markRestored says in dir that palabre restore put its log there.
func markRestored(dir, from string) error {
	return os.WriteFile(filepath.Join(dir, restoreMarker), []byte("restored from "+from+"\n"), 0o600)
}
