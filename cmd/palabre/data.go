package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/kurrentstore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// A data directory holds the embedded store (its lock and events/), the
// participants' keys (keys/), the master key unless PALABRE_MASTER_KEY is
// set (master.key), read-model snapshots (projections/) and the tokens
// (tokens.json).
type dataDir struct {
	dir      string
	store    events.Store
	embedded embeddedStore // nil on KurrentDB and NATS
	// vault keeps participants' keys where every node of a cluster
	// reaches them (--store nats); nil: the keys/ directory. The key
	// store does not use it yet: shared keys come with issue 24's
	// stateless nodes.
	vault keystore.Vault
}

// embeddedStore is what only the embedded store does.
type embeddedStore interface {
	Backup(ctx context.Context, w io.Writer, keys string) error
}

// backup writes one archive of the events and the participants' keys as
// they are on disk (wrapped by the master key, which is never in it).
func (d dataDir) backup(ctx context.Context, w io.Writer) error {
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
		// The events live in KurrentDB; keys, snapshots and tokens here.
		if err := m.lockDir(dir); err != nil {
			return d, err
		}
		s, err := kurrentstore.Open(url)
		if err != nil {
			return d, fmt.Errorf("--kurrentdb-url: %w", err)
		}
		d.store = s
	default:
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

// openKeys opens the participants' key store, creating the master key on
// first use and saying so.
func (m *Main) openKeys(d dataDir, log zerolog.Logger) (*keystore.Store, error) {
	path := d.path("master.key")
	key, created, err := keystore.LoadMasterKey(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn().Msg(keystore.CreatedNotice(path))
	}
	return keystore.Open(d.path("keys"), key)
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
}

// newReadModels makes the read models; the inclusion model's record keys
// (for cell-key perturbation) derive from the master key, so that every
// start, rebuild and snapshot perturbs the same cells the same way.
// With no keys (a health check), the models open no name.
func newReadModels(keys *keystore.Store) readModels {
	if keys == nil {
		return readModels{inclusion.New(), commitments.New(time.Now), stakeholders.New(), participants.New(nil)}
	}
	return readModels{inclusion.NewKeyed(keys.Secret("cell keys")), commitments.New(time.Now), stakeholders.New(), participants.New(keys)}
}

func (r readModels) all() []projections.Projection {
	return []projections.Projection{r.inclusion, r.commitments, r.stakeholders, r.participants}
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
