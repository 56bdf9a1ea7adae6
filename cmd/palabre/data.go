package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/kurrentstore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// A data directory holds the embedded store (its lock and events/), the
// participants' keys (keys/), the master key unless PALABRE_MASTER_KEY is
// set (master.key), read-model snapshots (projections/) and the tokens
// (tokens.json, sessions.jsonl). On a replicated engine, which several
// palabre nodes share, the tokens and sessions are in the engine, and so
// are the keys when the engine gives a vault: the directory keeps the
// snapshots, which the node can rebuild, and the lock.
type dataDir struct {
	dir      string
	store    events.Store
	embedded embeddedStore // nil on a replicated engine (KurrentDB, NATS)
	// vault keeps participants' keys in the replicated engine, when it
	// has one (nil: keys/ in the directory).
	vault keystore.Vault
	// cluster is the JetStream node's, or cluster's, operations (nil on
	// the other stores).
	cluster *natsCluster
}

// shared reports whether the store is an engine other palabre nodes may
// share: what every node must know (tokens, sessions, the master key's
// check) is then kept in it.
func (d dataDir) shared() bool { return d.embedded == nil }

// embeddedStore is what only the embedded store does.
type embeddedStore interface {
	Backup(ctx context.Context, w io.Writer, keys string) error
}

// backup writes one archive of the events and the participants' keys as
// they are on disk (wrapped by the master key, which is never in it).
func (d dataDir) backup(ctx context.Context, w io.Writer) error {
	if d.cluster != nil {
		return d.cluster.backup(ctx, w)
	}
	return d.embedded.Backup(ctx, w, d.path("keys"))
}

func (d dataDir) path(name string) string { return filepath.Join(d.dir, name) }

// openStore opens the event store a data directory uses: the embedded one
// inside it, or KurrentDB.
func (m *Main) openStore(dir, kind, url string) (dataDir, error) {
	return m.openStoreWith(dir, kind, url, nil)
}

// openServedStore opens the store as a server runs it: JetStream for
// --store nats; the embedded one refuses writes under a reserve of free
// space and reopens itself after a failed write.
func (m *Main) openServedStore(c serveConfig, log *zerolog.Logger) (dataDir, func() error, error) {
	if c.Store == "nats" {
		d, err := m.openNATS(c.Data, c.NATS, *log)
		return d, nil, err
	}
	var health func() error
	d, err := m.openStoreWith(c.Data, c.Store, c.KurrentDBURL, func() (events.Store, embeddedStore, error) {
		s, err := pebblestore.OpenResilient(c.Data, &pebblestore.Options{Logger: log}, uint64(c.ReserveMiB)<<20)
		if err != nil {
			return nil, nil, err
		}
		health = s.Unavailable
		return s, s, nil
	})
	return d, health, err
}

// openStoreWith opens KurrentDB, or the embedded store with open (nil:
// a plain pebblestore.Store).
func (m *Main) openStoreWith(dir, kind, url string, open func() (events.Store, embeddedStore, error)) (dataDir, error) {
	if open == nil {
		open = func() (events.Store, embeddedStore, error) {
			s, err := pebblestore.Open(dir, nil)
			return s, s, err
		}
	}
	d := dataDir{dir: dir}
	switch kind {
	case "kurrentdb":
		// The events, keys and tokens live in KurrentDB; snapshots here.
		if err := m.lockDir(dir); err != nil {
			return d, err
		}
		s, err := kurrentstore.Open(url)
		if err != nil {
			return d, fmt.Errorf("--kurrentdb-url: %w", err)
		}
		d.store, d.vault = s, s.Vault()
	default:
		// Its log is the cluster's: an empty embedded store made beside
		// it would be taken at the node's next start for a restore.
		if isNATSNode(dir) {
			return d, fmt.Errorf("%s is a JetStream node's: its log is the cluster's, read through a running node (--server https://ADDR, with an admin's PALABRE_TOKEN) or served with --store nats", dir)
		}
		if err := m.ownerOnly(dir); err != nil {
			return d, err
		}
		s, embedded, err := open()
		if errors.Is(err, events.ErrLocked) {
			return d, fmt.Errorf("%w (a palabre server probably runs on this data directory)", err)
		}
		if err != nil {
			return d, err
		}
		d.store, d.embedded = s, embedded
	}
	m.onClose(d.store.Close)
	return d, nil
}

// lockDir takes a data directory's lock for this process, after making
// the directory owner-only.
func (m *Main) lockDir(dir string) error {
	if err := m.ownerOnly(dir); err != nil {
		return err
	}
	lock, err := pebblestore.LockDir(dir)
	if err != nil {
		return err
	}
	m.onClose(lock.Close)
	return nil
}

// ownerOnly makes a data directory and all it holds owner-only, saying
// what group or others could use until now: the directory may have been
// made beforehand (mkdir, a copy) with the umask's 0755 and 0644. Names,
// keys and tokens are in it, so it is tightened rather than refused.
func (m *Main) ownerOnly(dir string) error {
	tightened, err := pebblestore.OwnerOnly(dir)
	for i, l := range tightened {
		if i == maxListed {
			fmt.Fprintf(m.Stderr, "palabre: and %d more\n", len(tightened)-i)
			break
		}
		fmt.Fprintf(m.Stderr, "palabre: %s was open to group or others; made owner-only. Check who could read it meanwhile\n", l)
	}
	return err
}

// maxListed is how many paths a warning names before counting the rest.
const maxListed = 10

// openKeys opens the participants' key store: in the engine's vault, or
// keys/ in the data directory.
func (m *Main) openKeys(ctx context.Context, d dataDir, log zerolog.Logger) (*keystore.Store, error) {
	key, err := m.masterKey(ctx, d, log)
	if err != nil {
		return nil, err
	}
	if d.vault == nil {
		return keystore.Open(d.path("keys"), key)
	}
	// A node that kept keys on its disk (KurrentDB before the vault)
	// moves them into the engine, where erasure reaches them; keys this
	// master key does not open (another deployment's) never go in.
	if err := keystore.CheckDir(ctx, d.path("keys"), key); err != nil {
		return nil, fmt.Errorf("%w: %s holds keys this master key does not open, which are not moved into the vault: give the right master key, or remove them", err, d.path("keys"))
	}
	adopted, err := keystore.Adopt(ctx, d.path("keys"), d.vault)
	if adopted.Moved > 0 {
		log.Info().Int("keys", adopted.Moved).Str("from", d.path("keys")).Msg("participants' keys moved into the event store's vault")
	}
	for _, id := range adopted.Shredded {
		log.Warn().Str("participant", id.String()).Str("from", d.path("keys")).Msg("an erased participant's key was on this node's disk (an old backup's?): shredded, not taken into the vault")
	}
	if err != nil {
		return nil, err
	}
	return keystore.New(d.vault, key)
}

// masterKey reads the master key (PALABRE_MASTER_KEY, or master.key),
// creating it on first use and saying so. On a shared engine every node
// must hold the same one (keystore.AgreeOnMasterKey): only the first
// node of a deployment may make it; the others are given it.
func (m *Main) masterKey(ctx context.Context, d dataDir, log zerolog.Logger) ([]byte, error) {
	path := d.path("master.key")
	if d.shared() {
		if _, _, err := keystore.ReadMasterKey(path); errors.Is(err, fs.ErrNotExist) {
			known, err := keystore.KnownMasterKey(ctx, d.store)
			if err != nil {
				return nil, err
			}
			if known {
				return nil, fmt.Errorf("no master key (neither %s nor %s), and other nodes of this event store have one: give this node the same (a new one would seal names no other node opens)", keystore.MasterKeyEnv, path)
			}
		}
	} else if err := refuseANewKeyForARecord(ctx, d, path); err != nil {
		return nil, err
	}
	key, created, err := keystore.LoadMasterKey(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn().Msg(keystore.CreatedNotice(path))
	}
	if d.shared() {
		if err := keystore.AgreeOnMasterKey(ctx, d.store, key); err != nil {
			return nil, fmt.Errorf("%w: give this node the master key the others have (%s or %s)", err, keystore.MasterKeyEnv, path)
		}
	}
	return key, nil
}

// refuseANewKeyForARecord refuses to make a master key for a store that
// holds events: they were recorded under another (a backup restored
// without its key), and a new one would open none of its names, sign
// publications with a key nobody holds, and stand in the way of the
// right one.
func refuseANewKeyForARecord(ctx context.Context, d dataDir, path string) error {
	if _, _, err := keystore.ReadMasterKey(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // there is one, or it is unreadable: LoadMasterKey says which
	}
	for _, err := range d.store.ReadAll(ctx, events.Start, 1) {
		if err != nil {
			return err
		}
		return fmt.Errorf("no master key (neither %s nor %s), and %s holds a record made under one: put that key back (a restored backup never holds it), or set %s", keystore.MasterKeyEnv, path, d.dir, keystore.MasterKeyEnv)
	}
	return nil
}

// openTokens opens the tokens and sessions where every node of the store
// finds them: tokens.json and sessions.jsonl in the data directory of the
// embedded store, the engine's own stream on a shared one (a revocation
// reaching every node within access.DefaultMaxAge).
func (m *Main) openTokens(ctx context.Context, d dataDir, ref access.Regions) (*access.Tokens, error) {
	if !d.shared() {
		return access.OpenTokens(d.path("tokens.json"), nil, ref)
	}
	tokens, err := access.NewTokens(ctx, access.NewLogKeeper(d.store, access.DefaultMaxAge), nil, ref)
	if err != nil {
		return nil, err
	}
	// A node that kept its tokens on its disk (KurrentDB before tokens
	// were shared) brings them along; its browsers sign in again.
	kept, err := access.ReadTokenFile(d.path("tokens.json"))
	if err == nil {
		_, err = tokens.Adopt(ctx, kept)
	}
	if err != nil {
		return nil, fmt.Errorf("adopting %s: %w", d.path("tokens.json"), err)
	}
	return tokens, nil
}

// referenceData is the deployment's regions and groups: a file, or Mali's
// 2023 regions by default.
func referenceData(path string) (*refdata.Data, error) {
	if path == "" {
		return refdata.Default(), nil
	}
	return refdata.Load(path)
}

// readModels are the API's models, in the order the runner feeds them.
type readModels struct {
	inclusion    *inclusion.Model
	commitments  *commitments.Model
	stakeholders *stakeholders.Model
	participants *participants.Model
	outcomes     *outcomes.Model
	frameworks   *frameworks.Model
}

// newReadModels makes the read models; the inclusion model's record keys
// (for cell-key perturbation) derive from the master key, so that every
// start, rebuild and snapshot perturbs the same cells the same way.
// With no keys (a health check), the models open no name.
func newReadModels(keys *keystore.Store) readModels {
	if keys == nil {
		return readModels{inclusion.New(), commitments.New(time.Now), stakeholders.New(), participants.New(nil), outcomes.New(), frameworks.New()}
	}
	return readModels{inclusion.NewKeyed(keys.Secret("cell keys")), commitments.New(time.Now), stakeholders.New(), participants.New(keys), outcomes.New(), frameworks.New()}
}

func (r readModels) all() []projections.Projection {
	return []projections.Projection{r.inclusion, r.commitments, r.stakeholders, r.participants, r.outcomes, r.frameworks}
}

func newHandler(store events.Store, ref *refdata.Data, keys *keystore.Store) *commands.Handler {
	return commands.New(store, ref, &commands.Options{Keys: keys, CodeKey: codeKey(keys)})
}

// codeKey is what ids derived from participants' codes are keyed with (the
// streams that claim codes, the participants an import enrols), so that
// neither the log nor an erasure list maps back to codes without the
// master key.
func codeKey(keys *keystore.Store) []byte { return keys.Secret(participant.CodeKeyPurpose) }

// claimLegacyCodes claims the codes of participants enrolled before codes
// were claimed (the first run after an upgrade, or demo data), once the
// participants' model has caught up; duplicates from before are logged by
// id, never by name.
func claimLegacyCodes(ctx context.Context, h *commands.Handler, people *participants.Model, caughtUp func() bool, log zerolog.Logger) {
	for !caughtUp() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	unclaimed := people.Unclaimed()
	if len(unclaimed) == 0 {
		return
	}
	duplicates, err := h.ClaimCodes(ctx, unclaimed, "palabre")
	if err != nil {
		log.Error().Err(err).Msg("claiming participants' codes failed; they are claimed again at the next start")
		return
	}
	log.Info().Int("participants", len(unclaimed)-len(duplicates)).Msg("participants' codes claimed")
	for _, d := range duplicates {
		log.Warn().Str("participant", d.ID.String()).Str("region", d.Region).Str("code", d.Code).Msg("this participant's code is another's of their region too: correct one of them; imports refuse the code until then")
	}
}

// caughtUp reports whether every read model has caught up with the log.
func caughtUp(r *projections.Runner) func() bool {
	return func() bool {
		for _, s := range r.Status() {
			if !s.CaughtUp {
				return false
			}
		}
		return true
	}
}
