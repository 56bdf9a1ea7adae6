package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
)

var _ events.Store = (*Store)(nil)

// Options tune a Store. A nil *Options, and every zero field, means the
// default.
type Options struct {
	// Clock stamps events' RecordedAt. Default time.Now.
	Clock func() time.Time
	// Logger receives Pebble's messages and the store's own. Default: none.
	Logger *zerolog.Logger
	// FS is the file system Pebble uses. Default: the operating system's,
	// making every file and directory owner-only. Tests wrap it to inject
	// faults.
	FS vfs.FS
	// MaxGroupEvents bounds how many events share one sync. Default 4096.
	MaxGroupEvents int
	// Unsynced makes a scratch store (a backup's temporary copy of
	// another log): no file is ever synced, so an append waits for no
	// disk, and a crash may lose anything. Never for a store that keeps
	// what it acknowledges.
	Unsynced bool
}

func (o *Options) withDefaults() Options {
	var d Options
	if o != nil {
		d = *o
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Logger == nil {
		nop := zerolog.Nop()
		d.Logger = &nop
	}
	if d.FS == nil {
		d.FS = ownerOnlyFS{vfs.Default}
	}
	if d.Unsynced {
		d.FS = unsyncedFS{d.FS}
	}
	if d.MaxGroupEvents <= 0 {
		d.MaxGroupEvents = 4096
	}
	return d
}

// Store is the embedded event store. Open one with Open.
type Store struct {
	dir  string
	db   *pebble.DB
	opts Options
	lock *dirLock

	gate events.Gate
	done chan struct{} // closed by Close: reads and subscriptions stop

	requests chan *appendRequest
	toSync   chan *commitGroup
	loops    sync.WaitGroup

	// durable is the last position acknowledged to a writer; nothing after it
	// is visible to readers.
	waiting atomic.Int64 // appends in progress
	durable atomic.Uint64
	failure atomic.Pointer[events.StoreFailedError]

	notifyMu sync.Mutex
	notifyCh chan struct{} // closed and replaced whenever durable advances

	writer writerState // owned by the writer goroutine
}

// Open opens, or creates, the store in directory dir.
//
// Returns an error wrapping events.ErrLocked when another process (or
// another Store in this one) holds dir.
func Open(dir string, opts *Options) (*Store, error) {
	o := opts.withDefaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open event store: %w", err)
	}
	lock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, fmt.Errorf("open event store in %s: %w", dir, err)
	}
	s := &Store{
		dir:      dir,
		opts:     o,
		lock:     lock,
		done:     make(chan struct{}),
		requests: make(chan *appendRequest, 256),
		toSync:   make(chan *commitGroup, 8),
		notifyCh: make(chan struct{}),
	}
	po := &pebble.Options{
		FS:                 o.FS,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebbleLogger{o.Logger},
		MemTableSize:       64 << 20,
		WALMinSyncInterval: s.walMinSyncInterval,
	}
	for i := range po.Levels {
		po.Levels[i].BlockSize = blockSize
	}
	db, err := pebble.Open(filepath.Join(dir, "events"), po)
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("open event store in %s: %w", dir, err)
	}
	s.db = db
	last, err := s.lastPosition()
	if err == nil {
		err = s.checkFormat()
	}
	if err != nil {
		_ = db.Close()
		lock.release()
		return nil, fmt.Errorf("open event store in %s: %w", dir, err)
	}
	s.durable.Store(last)
	s.writer = writerState{nextPos: last + 1, heads: make(map[string]streamHead), touched: make(map[string]struct{})}
	s.loops.Add(2)
	go s.writeLoop()
	go s.syncLoop()
	return s, nil
}

// blockSize is the uncompressed size of the tables' blocks. A replay
// reads $all from end to end, a block at a time, each block a read from
// the file: with Pebble's 4 KB, reading 1.2M events cost 2.0 s of CPU,
// with 32 KB 0.7–0.8 s, and the tables are a quarter smaller (snappy has
// more to work with). A stream read decompresses a larger block: ~50 µs
// instead of ~27 for a random stream of a 1M-event store, small beside
// the durable append that follows it. Tables written before keep their
// blocks until compacted again.
const blockSize = 32 << 10

// When at least busyWriters appends are waiting, Pebble holds each WAL sync
// until syncDelay after the previous one, so that writers just acknowledged
// can join it: at 64 writers this measured ~20% more events/s here. A lone
// writer is never delayed.
const (
	busyWriters = 32
	syncDelay   = 100 * time.Microsecond
)

func (s *Store) walMinSyncInterval() time.Duration {
	if s.waiting.Load() >= busyWriters {
		return syncDelay
	}
	return 0
}

// storeFormat is written once into a new store and checked on every open.
const storeFormat = "palabre-events-1"

var formatKey = []byte{metaPrefix, 'f', 'o', 'r', 'm', 'a', 't'}

func (s *Store) checkFormat() error {
	v, closer, err := s.db.Get(formatKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return s.db.Set(formatKey, []byte(storeFormat), pebble.Sync)
	}
	if err != nil {
		return err
	}
	defer closer.Close()
	if string(v) != storeFormat {
		return fmt.Errorf("data format %q is not %q: this palabre cannot read it", v, storeFormat)
	}
	return nil
}

// lastPosition finds the highest position written so far, 0 if none.
func (s *Store) lastPosition() (uint64, error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{allPrefix}, UpperBound: []byte{allPrefix + 1}})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Last() {
		return 0, it.Error()
	}
	return decodeAllKey(it.Key())
}

// Stats are counters for tests and metrics.
type Stats struct {
	// Appended is the last durable position: the number of events written.
	Appended uint64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats { return Stats{Appended: s.durable.Load()} }

// Close waits for calls in progress, stops the writer and closes Pebble.
func (s *Store) Close() error {
	if !s.gate.Close() {
		return nil
	}
	close(s.done)
	s.gate.Wait()
	close(s.requests)
	s.loops.Wait()
	err := s.db.Close()
	s.lock.release()
	if err != nil {
		return fmt.Errorf("close event store: %w", err)
	}
	return nil
}

// poison records the first failure; every later append returns it.
func (s *Store) poison(cause error) *events.StoreFailedError {
	f := &events.StoreFailedError{Cause: cause}
	if s.failure.CompareAndSwap(nil, f) {
		s.opts.Logger.Error().Err(cause).Msg("event store failed: appends are refused until it is reopened")
		return f
	}
	return s.failure.Load()
}

// advance publishes a newly durable position to readers and subscribers.
func (s *Store) advance(pos uint64) {
	s.durable.Store(pos)
	s.notifyMu.Lock()
	close(s.notifyCh)
	s.notifyCh = make(chan struct{})
	s.notifyMu.Unlock()
}

// changed returns a channel closed at the next advance.
func (s *Store) changed() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.notifyCh
}

// pebbleLogger sends Pebble's messages to zerolog. Pebble calls Fatalf only
// when it cannot go on; panicking lets the writer poison the store instead
// of the process exiting.
type pebbleLogger struct{ log *zerolog.Logger }

func (l pebbleLogger) Infof(format string, args ...any) {
	l.log.Debug().Msgf("pebble: "+format, args...)
}
func (l pebbleLogger) Errorf(format string, args ...any) {
	l.log.Error().Msgf("pebble: "+format, args...)
}
func (l pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf("pebble: "+format, args...)
	l.log.Error().Msg(msg)
	panic(errors.New(msg))
}

// Compact flushes the memtable and rewrites every level, so that nothing
// deleted lingers in the files. Events are never deleted; this exists for
// operators and for tests that prove what is on disk.
func (s *Store) Compact(ctx context.Context) error {
	if err := s.gate.Enter(ctx); err != nil {
		return err
	}
	defer s.gate.Leave()
	if err := s.db.Flush(); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := s.db.Compact(ctx, []byte{0}, []byte{0xff}, false); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}
