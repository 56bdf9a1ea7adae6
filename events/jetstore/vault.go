package jetstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

var _ keystore.Vault = (*Vault)(nil)

// KeysStream is the JetStream stream that holds participants' wrapped keys,
// one subject per participant.
const KeysStream = "PALABRE_KEYS"

const (
	keysPrefix = "palabre.key.id."
	keysPad    = "palabre.key.pad"
)

// walPad is how many bytes a Destroy writes through the keys stream's raft
// log after erasing a key, in padMessages messages: more than a raft log
// block (4 MiB in nats-server v2.15), so that the block holding the key's
// entry is no longer the log's last and the next compaction removes its
// file (the last block is kept, its head bytes too, however compacted).
const (
	padMessages = 9
	padSize     = 512 * 1024
)

// ShredWithin is how long after a Destroy returns the key's bytes are
// gone from the files of every node that is up: each process's vault
// hears of the erase and compacts its nodes' raft logs once their replica
// holds the padding (a node down then compacts on its own timer, within
// two to three minutes of its start).
const ShredWithin = 15 * time.Second

// shreddedSubject is where a Destroy tells every vault, over plain NATS
// (no stream keeps it), the keys stream's sequence its padding reached.
const shreddedSubject = "palabre.keys.shredded"

// VaultOptions tune a Vault.
type VaultOptions struct {
	// Replicas of the keys stream: 3 in a cluster of three.
	Replicas int
	// Nodes are the embedded nodes of this process, whose raft logs are
	// compacted when any vault of the cluster destroys a key.
	Nodes []*Node
}

// Vault is a keystore.Vault in JetStream: Create publishes a participant's
// wrapped key only if their subject has no message (expected last subject
// sequence 0), Destroy publishes an empty message after it, the key's
// tombstone, which keeps any later Create out, then deletes the key with
// secure erase, which overwrites its bytes in every replica's message
// store.
type Vault struct {
	stream jetstream.Stream
	js     jetstream.JetStream
	nc     *nats.Conn
	opts   VaultOptions
}

// OpenVault makes sure the keys stream exists and returns a vault on it.
// Reads go to the stream's leader (no direct gets), so that a key created
// through one node is found at once through any other.
func OpenVault(ctx context.Context, nc *nats.Conn, opts VaultOptions) (*Vault, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	stream, err := ensureStream(ctx, js, jetstream.StreamConfig{
		Name:      KeysStream,
		Subjects:  []string{keysPrefix + ">", keysPad},
		Storage:   jetstream.FileStorage,
		Replicas:  max(opts.Replicas, 1),
		Retention: jetstream.LimitsPolicy,
		Discard:   jetstream.DiscardNew,
	})
	if err != nil {
		return nil, err
	}
	v := &Vault{stream: stream, js: js, nc: nc, opts: opts}
	if len(opts.Nodes) > 0 && max(opts.Replicas, 1) > 1 {
		if _, err := nc.Subscribe(shreddedSubject, v.compactOnShred); err != nil {
			return nil, fmt.Errorf("jetstream: hear of erased keys: %w", err)
		}
	}
	return v, nil
}

// compactOnShred compacts this process's nodes' raft logs of the keys
// stream once each holds what a Destroy's padding reached, so that the
// erased key's entry leaves every node's disk at once, not at its timer.
func (v *Vault) compactOnShred(m *nats.Msg) {
	seq, err := strconv.ParseUint(string(m.Data), 10, 64)
	if err != nil {
		return
	}
	for _, n := range v.opts.Nodes {
		go n.compactOnceHolding(KeysStream, seq, ShredWithin)
	}
}

func keySubject(id domain.ID) string { return keysPrefix + id.String() }

// Load implements keystore.Vault.
func (v *Vault) Load(ctx context.Context, id domain.ID) ([]byte, error) {
	m, err := v.stream.GetLastMsgForSubject(ctx, keySubject(id))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, keystore.ErrNoKey
	}
	if err != nil {
		return nil, translate(ctx, "load key "+id.String(), false, err)
	}
	if isTombstone(m) {
		return nil, keystore.ErrNoKey
	}
	return m.Data, nil
}

// isTombstone says whether a message of a key's subject is the mark a
// Destroy leaves: no key is empty.
func isTombstone(m *jetstream.RawStreamMsg) bool { return len(m.Data) == 0 }

// Create implements keystore.Vault.
func (v *Vault) Create(ctx context.Context, id domain.ID, wrapped []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		_, err := v.js.Publish(ctx, keySubject(id), wrapped, jetstream.WithExpectLastSequencePerSubject(0))
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			return wrapped, nil
		case errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence:
			// Another node stored one first, or id's key was destroyed.
			kept, err := v.Load(ctx, id)
			if errors.Is(err, keystore.ErrNoKey) {
				return nil, keystore.ErrDestroyed
			}
			return kept, err
		case errors.As(err, &apiErr) && apiErr.ErrorCode == codeWrongLastSeqInFlux && attempt < maxAttempts:
			// Another node's key for id is being written: once it is,
			// the retry finds it.
			if err := pause(ctx, attempt+1); err != nil {
				return nil, err
			}
		default:
			return nil, translate(ctx, "create key "+id.String(), true, err)
		}
	}
}

// Destroy implements keystore.Vault. It leaves id's tombstone first, so
// that no Create takes a key for id from then on, then deletes the key.
// Once the delete is acknowledged, a majority of replicas have it in their
// raft log and the leader has overwritten the key in its message store;
// the others overwrite it as they apply the delete, within milliseconds.
// Destroy then pushes the key's raft log entry out of the log's last block
// and compacts the logs of this process's nodes: see the package's
// caveats.
func (v *Vault) Destroy(ctx context.Context, id domain.ID) error {
	if err := v.entomb(ctx, id); err != nil {
		return err
	}
	// The subject's first message is its key, unless none was made or it
	// is erased already: then it is the tombstone.
	m, err := v.stream.GetMsg(ctx, 1, jetstream.WithGetMsgSubject(keySubject(id)))
	if err != nil {
		return translate(ctx, "destroy key "+id.String(), false, err)
	}
	if isTombstone(m) {
		return nil
	}
	if err := v.stream.SecureDeleteMsg(ctx, m.Sequence); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return translate(ctx, "destroy key "+id.String(), true, err)
	}
	if max(v.opts.Replicas, 1) == 1 {
		return nil // no raft log: the erase is all
	}
	return v.shredLog(ctx)
}

// entomb publishes id's tombstone unless its subject ends with one:
// after the key if there is one, else first, the subject's last sequence
// expected so that a Create racing it either comes first (and its key is
// destroyed) or is refused.
func (v *Vault) entomb(ctx context.Context, id domain.ID) error {
	for attempt := 0; ; attempt++ {
		var after uint64
		m, err := v.stream.GetLastMsgForSubject(ctx, keySubject(id))
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
		case err != nil:
			return translate(ctx, "destroy key "+id.String(), false, err)
		case isTombstone(m):
			return nil
		default:
			after = m.Sequence
		}
		_, err = v.js.Publish(ctx, keySubject(id), nil, jetstream.WithExpectLastSequencePerSubject(after))
		var apiErr *jetstream.APIError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == codeWrongLastSeqInFlux) && attempt < maxAttempts:
			if err := pause(ctx, attempt+1); err != nil { // a Create won the race: look again
				return err
			}
		default:
			return translate(ctx, "destroy key "+id.String(), true, err)
		}
	}
}

// shredLog writes walPad bytes of noise through the keys stream's raft
// log, purges them, and compacts the logs of this process's nodes.
func (v *Vault) shredLog(ctx context.Context) error {
	pad := make([]byte, padSize)
	var padded uint64
	for range padMessages {
		rand.Read(pad) // noise: nothing could compress it below a block
		ack, err := v.js.Publish(ctx, keysPad, pad)
		if err != nil {
			return translate(ctx, "pad the keys' raft log", true, err)
		}
		padded = ack.Sequence
	}
	if err := v.stream.Purge(ctx, jetstream.WithPurgeSubject(keysPad)); err != nil {
		return translate(ctx, "purge the keys' raft log padding", true, err)
	}
	for _, n := range v.opts.Nodes {
		// A compaction refused now (a follower being caught up) is not a
		// failed erase: the notice below, or the node's own timer, does it.
		_ = n.CompactLog(KeysStream)
	}
	// Every process's vault compacts its nodes (compactOnShred); a node
	// that misses the notice (down) compacts on its own timer.
	_ = v.nc.Publish(shreddedSubject, []byte(strconv.FormatUint(padded, 10)))
	return nil
}

// List implements keystore.Vault. A subject holding a tombstone counts
// messages too: each subject's last one is read to leave the erased out,
// a request per participant (for backups and an operator's checks).
func (v *Vault) List(ctx context.Context) ([]domain.ID, error) {
	info, err := v.stream.Info(ctx, jetstream.WithSubjectFilter(keysPrefix+">"))
	if err != nil {
		return nil, translate(ctx, "list keys", false, err)
	}
	out := make([]domain.ID, 0, len(info.State.Subjects))
	for subject, n := range info.State.Subjects {
		if n == 0 {
			continue
		}
		id, err := ulid.ParseStrict(strings.TrimPrefix(subject, keysPrefix))
		if err != nil {
			return nil, fmt.Errorf("list keys: subject %q: %w", subject, err)
		}
		switch _, err := v.Load(ctx, id); {
		case errors.Is(err, keystore.ErrNoKey):
			continue // erased
		case err != nil:
			return nil, err
		}
		out = append(out, id)
	}
	slices.SortFunc(out, func(a, b domain.ID) int { return a.Compare(b) })
	return out, nil
}
