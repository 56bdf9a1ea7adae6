package projections

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events"
)

// A snapshot file is a header line of JSON, then the projection's
// snapshot, its body. The body is streamed to the file as the projection
// writes it, summed on the way, and the header written last into room
// left for it at the head, padded with spaces (which JSON ignores): a
// snapshot of a large model is never held whole in memory. It is written
// to a temporary file, synced, then renamed over the last one, so a crash
// leaves the old snapshot or the new one, never a part of one.

// snapshotHeader is the first line of a snapshot file.
type snapshotHeader struct {
	Format   int             `json:"format"`
	Name     string          `json:"name"`
	Version  int             `json:"version"`
	Position events.Position `json:"position"`
	SHA256   string          `json:"sha256"`
	Length   int             `json:"length"`
}

const snapshotFormat = 1

// headerRoom is the bytes kept for the header line at the head of a
// snapshot file: a header is about 200.
const headerRoom = 512

func (r *Runner) snapshotPath(name string) string {
	return filepath.Join(r.dir, name+".snapshot")
}

// snapshotOrLog writes a snapshot, logging a failure with message: a
// snapshot is a cache, the next is tried after as many events or at the
// stop.
func (r *Runner) snapshotOrLog(rp *running, message string) {
	if err := r.snapshot(rp); err != nil {
		r.opts.Logger.Error().Err(err).Str("projection", rp.p.Name()).Msg(message)
	}
}

// snapshot writes the projection's read model and position atomically.
// It is called from the projection's lane, or when no lane runs.
func (r *Runner) snapshot(rp *running) error {
	path := r.snapshotPath(rp.p.Name())
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	err = writeSnapshot(f, rp.p, rp.pos())
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	rp.applied, rp.snapshotted = 0, time.Now()
	return nil
}

// writeSnapshot writes p's snapshot at pos to f, body first.
func writeSnapshot(f *os.File, p Projection, pos events.Position) error {
	if _, err := f.Seek(headerRoom, io.SeekStart); err != nil {
		return err
	}
	body := &summingWriter{w: f, sum: sha256.New()}
	w := bufio.NewWriterSize(body, 256<<10)
	if err := p.Snapshot(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	h, err := json.Marshal(snapshotHeader{Format: snapshotFormat, Name: p.Name(), Version: p.Version(), Position: pos,
		SHA256: hex.EncodeToString(body.sum.Sum(nil)), Length: body.n})
	if err != nil {
		return err
	}
	if len(h) >= headerRoom {
		return fmt.Errorf("a snapshot header of %d bytes does not fit in %d", len(h), headerRoom)
	}
	line := make([]byte, headerRoom)
	copy(line, h)
	for i := len(h); i < headerRoom-1; i++ {
		line[i] = ' '
	}
	line[headerRoom-1] = '\n'
	_, err = f.WriteAt(line, 0)
	return err
}

// summingWriter writes to w, summing and counting what it writes.
type summingWriter struct {
	w   io.Writer
	sum hash.Hash
	n   int
}

func (s *summingWriter) Write(b []byte) (int, error) {
	s.sum.Write(b)
	n, err := s.w.Write(b)
	s.n += n
	return n, err
}

// restore loads the projection's snapshot if it can be trusted and notes
// its position; anything else resets the projection, to start from the
// beginning.
func (r *Runner) restore(rp *running, log *zerolog.Logger) {
	start := time.Now()
	pos, err := r.readSnapshot(rp)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			log.Warn().Err(err).Msg("snapshot discarded; rebuilding from the log")
		}
		rp.p.Reset()
		beginBatch(rp.p) // until caughtUp
		// The interval between snapshots counts from here: a snapshot
		// ends a batch (the model does its deferred work to write one),
		// so only a replay longer than the interval keeps its progress
		// on the way.
		rp.snapshotted = time.Now()
		return
	}
	log.Info().Str("position", pos.String()).Dur("took", time.Since(start)).Msg("restored from snapshot")
	rp.advance(pos, 0, false)
	rp.snapshotted = time.Now()
}

// SnapshotCheck is what CheckSnapshots found of one projection's snapshot.
type SnapshotCheck struct {
	Name     string
	Position events.Position // where the projection would continue after
	Written  time.Time       // when the file was written
	// Err says why Run would discard the snapshot and replay the log;
	// it wraps os.ErrNotExist when there is none.
	Err error
}

// CheckSnapshots reads every projection's snapshot as Run would, restoring
// each into its projection: a health check, instead of Run.
func (r *Runner) CheckSnapshots() []SnapshotCheck {
	out := make([]SnapshotCheck, 0, len(r.order))
	for _, rp := range r.order {
		c := SnapshotCheck{Name: rp.p.Name()}
		if st, err := os.Stat(r.snapshotPath(c.Name)); err == nil {
			c.Written = st.ModTime()
		}
		c.Position, c.Err = r.readSnapshot(rp)
		out = append(out, c)
	}
	return out
}

// InMemoryRestorer is a projection whose Restore decodes its snapshot
// from memory (binsnap): the runner then maps the file (or reads it
// where it cannot), checks the body's sum and hands the body over as a
// *bytes.Buffer, instead of reading the file a second time into another
// buffer of the same size. At six million events the inclusion model's
// snapshot is 0.9 GB. Restore must keep nothing that points into the
// body: it is unmapped when Restore returns.
type InMemoryRestorer interface {
	Projection
	RestoresInMemory()
}

// readSnapshot checks the projection's snapshot file, then restores the
// projection from it. The sum is checked before the projection reads a
// byte, since a damaged count inside a body could have it allocate
// without bound: a model that holds its snapshot in memory anyway is
// handed the body held for the sum, another reads the file again as a
// stream rather than holding it.
func (r *Runner) readSnapshot(rp *running) (events.Position, error) {
	f, err := os.Open(r.snapshotPath(rp.p.Name()))
	if err != nil {
		return events.Position{}, err
	}
	defer f.Close()
	h, bodyAt, err := readHeader(f, rp.p)
	if err != nil {
		return events.Position{}, err
	}
	var body io.Reader
	if _, inMemory := rp.p.(InMemoryRestorer); inMemory {
		b, release, err := holdBody(f, h, bodyAt)
		if err != nil {
			return events.Position{}, err
		}
		defer release()
		body = bytes.NewBuffer(b)
	} else {
		if err := checkBody(f, h); err != nil {
			return events.Position{}, err
		}
		if _, err := f.Seek(bodyAt, io.SeekStart); err != nil {
			return events.Position{}, err
		}
		body = bufio.NewReaderSize(io.LimitReader(f, int64(h.Length)), 256<<10)
	}
	if err := rp.p.Restore(body); err != nil {
		return events.Position{}, fmt.Errorf("restore: %w", err)
	}
	return h.Position, nil
}

// readHeader reads a snapshot file's header and checks that it is p's,
// of its version; it returns the header and where the body starts, and
// leaves f there.
func readHeader(f *os.File, p Projection) (snapshotHeader, int64, error) {
	var h snapshotHeader
	line, err := bufio.NewReaderSize(f, 4096).ReadSlice('\n')
	if err != nil || json.Unmarshal(line, &h) != nil {
		return h, 0, errors.New("unreadable header")
	}
	bodyAt := int64(len(line))
	switch {
	case h.Format != snapshotFormat || h.Name != p.Name():
		return h, 0, fmt.Errorf("format %d of %q, not %d of %q", h.Format, h.Name, snapshotFormat, p.Name())
	case h.Version != p.Version():
		return h, 0, fmt.Errorf("version %d, the projection is at %d", h.Version, p.Version())
	}
	_, err = f.Seek(bodyAt, io.SeekStart)
	return h, bodyAt, err
}

// errDamaged is a body whose length or sum is not its header's.
var errDamaged = errors.New("checksum mismatch: the snapshot is damaged")

// checkBody reads the body from where f is and checks its length and sum.
func checkBody(f *os.File, h snapshotHeader) error {
	sum := sha256.New()
	n, err := io.Copy(sum, bufio.NewReaderSize(f, 256<<10))
	if err != nil {
		return err
	}
	if n != int64(h.Length) || !h.sums(sum.Sum(nil)) {
		return errDamaged
	}
	return nil
}

// sums says whether sum is the body's SHA-256 the header gives.
func (h snapshotHeader) sums(sum []byte) bool { return h.SHA256 == hex.EncodeToString(sum) }

// holdBody holds the body in memory, its length checked against the
// file's before anything is allocated or mapped, and checks its sum. The
// file is mapped where it can be, else read from where f is; release
// lets go of it, once the projection has read what it keeps.
func holdBody(f *os.File, h snapshotHeader, bodyAt int64) (body []byte, release func(), err error) {
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if h.Length < 0 || int64(h.Length) != st.Size()-bodyAt {
		return nil, nil, errDamaged
	}
	release = func() {}
	if mapped, unmap, err := mapFile(f, st.Size()); err == nil {
		body, release = mapped[bodyAt:], unmap
	} else { // an empty body, a system without mappings, or a 32-bit address space too small
		body = make([]byte, h.Length)
		if _, err := io.ReadFull(f, body); err != nil {
			return nil, nil, err
		}
	}
	if sum := sha256.Sum256(body); !h.sums(sum[:]) {
		release()
		return nil, nil, errDamaged
	}
	return body, release, nil
}
