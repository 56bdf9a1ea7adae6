package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
)

// errUnhealthy is doctor's exit status when a check found a problem.
var errUnhealthy = errors.New("the data directory has problems; each line marked PROBLEM says what to do")

// doctor checks a data directory as an operator would before trusting it:
// free space, the lock, the log, the snapshots, the keys and the master
// key. Each line is ok, a warning, or a problem with what to do; it exits
// 1 when there is a problem. It reads names nowhere and prints none.
func (m *Main) doctor(ctx context.Context, args []string) error {
	f := m.flags("doctor")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	reserve := f.reserve()
	server := f.server("check the JetStream node it serves, and its cluster", "an admin's")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if err := f.err(); err != nil {
		return err
	}
	c := &checkup{w: m.Stdout}
	defer c.summary()
	c.backupScratch(dir)
	if server().url != "" {
		return m.doctorNode(ctx, c, dir, server(), reserve())
	}
	if _, err := os.Stat(filepath.Join(dir, "events")); err != nil && isNATSNode(dir) {
		c.freeSpace(dir, reserve())
		c.permissions(dir)
		c.warn("store", "%s is a JetStream node's: its log is the cluster's, checked through its running server (palabre doctor --data %s --server URL, with an admin's PALABRE_TOKEN)", dir, dir)
		return c.result()
	}
	if _, err := os.Stat(filepath.Join(dir, "events")); err != nil {
		c.problem("store", "no embedded store in %s (%v): give the right --data, or restore a backup into it (palabre restore FILE --data %s)", dir, err, dir)
		return c.result()
	}
	c.freeSpace(dir, reserve())
	c.permissions(dir)
	master := c.masterKey(dir)
	d, err := m.openStore(dir, "embedded", "")
	switch {
	case errors.Is(err, events.ErrLocked):
		c.warn("lock", "%v. The log, snapshots and keys are checked only while no server runs: stop it, or check a restored backup", err)
		return c.result()
	case err != nil:
		c.problem("store", "the store does not open: %v. Restore the last backup into an empty directory (palabre restore FILE --data NEW_DIR)", err)
		return c.result()
	}
	c.ok("lock", "no other process holds %s", dir)
	people, verifiers, last, ok := c.log(ctx, d.store)
	if !ok {
		return c.result()
	}
	var keys *keystore.Store
	if master != nil {
		if keys, err = keystore.Open(d.path("keys"), master); err != nil {
			c.problem("master key", "%v", err)
		}
	}
	c.snapshots(d, keys, last)
	c.keys(ctx, d.path("keys"), keys, people, verifierKeys(verifiers))
	c.recomputableTokens(d.path("tokens.json"), keys)
	return c.result()
}

// backupScratch names the scratch copies of backups in dir: each holds
// every participant's key, which an erasure does not reach. Said only
// when there is one.
func (c *checkup) backupScratch(dir string) {
	left, err := leftoverBackups(dir)
	if err != nil {
		c.problem("backup copy", "%v", err)
	}
	for _, scratch := range left {
		c.problem("backup copy", "%s holds a copy of the log and of every participant's key: a backup running now, or one a stopped node left (the node's next start shreds it)", scratch)
	}
}

// recomputableTokens lists the tokens whose secret an older build derived
// from their command id (serve revokes them at start).
func (c *checkup) recomputableTokens(path string, keys *keystore.Store) {
	if keys == nil {
		return // the derivation needs the master key
	}
	tokens, err := access.OpenTokens(path, nil, nil)
	if err != nil {
		c.problem("tokens", "%v", err)
		return
	}
	found := tokens.Recomputable(graphql.LegacyTokenSecret(keys.Secret("api")))
	if len(found) == 0 {
		c.ok("tokens", "none whose secret can be recomputed from master.key")
		return
	}
	names := make([]string, len(found))
	for i, tok := range found {
		names[i] = tok.ID + " (" + tok.Subject + ")"
	}
	c.problem("tokens", "%d made by an older build whose secret whoever holds master.key can recompute: %s. Start serve, which revokes them, and give their holders new ones", len(found), strings.Join(names, ", "))
}

// checkup prints doctor's findings and counts the problems.
type checkup struct {
	w        io.Writer
	problems int
	warnings int
}

func (c *checkup) line(mark, topic, format string, args ...any) {
	fmt.Fprintf(c.w, "%-8s %-14s %s\n", mark, topic, fmt.Sprintf(format, args...))
}

func (c *checkup) ok(topic, format string, args ...any) { c.line("ok", topic, format, args...) }

func (c *checkup) warn(topic, format string, args ...any) {
	c.warnings++
	c.line("WARNING", topic, format, args...)
}

func (c *checkup) problem(topic, format string, args ...any) {
	c.problems++
	c.line("PROBLEM", topic, format, args...)
}

func (c *checkup) summary() {
	fmt.Fprintf(c.w, "\n%d problems, %d warnings.\n", c.problems, c.warnings)
}

func (c *checkup) result() error {
	if c.problems > 0 {
		return errUnhealthy
	}
	return nil
}

// freeSpace compares the disk's free space with the reserve under which
// the server refuses writes.
func (c *checkup) freeSpace(dir string, reserve uint64) {
	free, err := pebblestore.FreeSpace(dir)
	switch {
	case err != nil:
		c.warn("free space", "cannot be read: %v", err)
	case free < reserve:
		c.problem("free space", "%s free, under the reserve of %s: the server refuses every write. Free space on this disk, or move the data directory to a larger one", mib(free), mib(reserve))
	case free < 2*reserve:
		c.warn("free space", "%s free, close to the reserve of %s under which the server refuses writes: free space soon", mib(free), mib(reserve))
	default:
		c.ok("free space", "%s free, above the reserve of %s", mib(free), mib(reserve))
	}
}

// permissions names every path of the data directory that group or
// others may use: it holds the participants' keys, the master key and
// the tokens' hashes.
func (c *checkup) permissions(dir string) {
	if runtime.GOOS == "windows" {
		c.ok("permissions", "not checked on Windows (access is ACLs): keep %s in a folder only its user may open", dir)
		return
	}
	loose, err := pebblestore.OpenToOthers(dir)
	if err != nil {
		c.warn("permissions", "cannot be read: %v", err)
	}
	for i, l := range loose {
		if i == maxListed {
			c.warn("permissions", "and %d more paths open to group or others", len(loose)-i)
			break
		}
		c.warn("permissions", "%s is open to group or others: palabre makes it owner-only (chmod go-rwx) when it opens the directory, as this check now does; check who could read it meanwhile", l)
	}
	if err == nil && len(loose) == 0 {
		c.ok("permissions", "%s and everything in it are its owner's only", dir)
	}
}

func mib(n uint64) string { return fmt.Sprintf("%d MiB", n>>20) }

// masterKey loads the master key without ever creating one: nil when
// there is none.
func (c *checkup) masterKey(dir string) []byte {
	path := filepath.Join(dir, "master.key")
	key, inEnv, err := keystore.ReadMasterKey(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // said by keys, which knows whether one is needed
	case err != nil:
		c.problem("master key", "%v: put back your copy of the master key", err)
		return nil
	case inEnv:
		c.ok("master key", "in %s", keystore.MasterKeyEnv)
	default:
		c.ok("master key", "in %s. Whoever copies this directory can open the names: on a shared laptop keep it in %s instead", path, keystore.MasterKeyEnv)
	}
	return key
}

// logCheck is a projection that checks the log as it is read: every event
// decodes, and every stream's revisions follow on from 0.
type logCheck struct {
	next       map[string]events.Revision
	undecoded  int
	firstBad   error
	outOfOrder int
}

func (l *logCheck) Name() string             { return "log" }
func (l *logCheck) Version() int             { return 1 }
func (l *logCheck) Reset()                   { l.next = map[string]events.Revision{} }
func (l *logCheck) Snapshot(io.Writer) error { return errors.ErrUnsupported }
func (l *logCheck) Restore(io.Reader) error  { return errors.ErrUnsupported }

// note counts a finding and keeps the first, to show.
func (l *logCheck) note(err error, count *int) {
	*count++
	if l.firstBad == nil {
		l.firstBad = err
	}
}

func (l *logCheck) Apply(e projections.Event) error {
	rec := e.Record
	if want := l.next[rec.Stream]; rec.Revision != want {
		l.note(fmt.Errorf("%s@%d where %d was expected", rec.Stream, rec.Revision, want), &l.outOfOrder)
	}
	l.next[rec.Stream] = rec.Revision + 1
	if e.Err != nil {
		l.note(fmt.Errorf("position %s: %w", rec.Position, e.Err), &l.undecoded)
	}
	return nil
}

// decodable feeds a projection only the events that decoded, so that the
// log check counts the others instead of stopping at the first.
type decodable struct{ projections.Projection }

func (d decodable) Apply(e projections.Event) error {
	if e.Err != nil {
		return nil
	}
	return d.Projection.Apply(e)
}

// log reads the whole log, checking it, into a participants model.
func (c *checkup) log(ctx context.Context, store events.Store) (*participants.Model, *outcomes.Model, events.Position, bool) {
	check := &logCheck{}
	check.Reset()
	people, verifiers := participants.New(nil), outcomes.New()
	start := time.Now()
	n, last, err := projections.Replay(ctx, store, check, decodable{people}, decodable{verifiers})
	if err != nil {
		c.problem("log", "cannot be read past event %d: %v. Restore the last backup into an empty directory (palabre restore FILE --data NEW_DIR)", n, err)
		return nil, nil, last, false
	}
	switch {
	case check.undecoded > 0:
		c.problem("log", "%d of %d events do not decode (%v): a newer palabre wrote them? Run that version, or the one that wrote them", check.undecoded, n, check.firstBad)
	case check.outOfOrder > 0:
		c.problem("log", "%d events out of order (%v): the store is damaged. Restore the last backup into an empty directory", check.outOfOrder, check.firstBad)
	default:
		c.ok("log", "%d events read and decoded in %s, every stream in order", n, time.Since(start).Round(time.Millisecond))
	}
	return people, verifiers, last, true
}

// verifierKeys are the keys outcomes' verifiers are sealed under, which
// are no participant's: true for a verifier's, false for an erased
// verifier's, whose key must be gone (its name opens from the log with it).
func verifierKeys(m *outcomes.Model) map[domain.ID]bool {
	keys := map[domain.ID]bool{}
	for _, o := range m.List(outcomes.Query{}) {
		for _, r := range o.Requests {
			if r.Verifier != nil {
				keys[outcome.VerifierKeyID(o.ID, r.ID)] = true
			}
		}
	}
	for _, e := range m.Erasures() {
		keys[keyOf(e)] = false
	}
	return keys
}

// snapshots reads each read model's snapshot as a start would; without
// the master key, the inclusion model's cannot be (its cell keys derive
// from it).
func (c *checkup) snapshots(d dataDir, keys *keystore.Store, last events.Position) {
	models := newReadModels(keys)
	runner, err := projections.NewRunner(d.store, d.path("projections"), nil, models.all()...)
	if err != nil {
		c.problem("snapshots", "%v", err)
		return
	}
	for _, s := range runner.CheckSnapshots() {
		topic := "snapshot " + s.Name
		switch {
		case errors.Is(s.Err, fs.ErrNotExist):
			c.ok(topic, "none yet: the next start replays the log into it")
		case keys == nil && s.Name == models.inclusion.Name():
			c.warn(topic, "not checked without the master key")
		case s.Err != nil:
			c.warn(topic, "discarded at the next start (%v), which then replays the log: nothing is lost, the start is slower", s.Err)
		case last.Less(s.Position):
			c.problem(topic, "is ahead of the log (at %s, the log ends at %s): it belongs to another log, and its model would skip new events. Run palabre rebuild --data %s", s.Position, last, d.dir)
		default:
			c.ok(topic, "readable, at %s of the log's %s, written %s ago", s.Position, last, time.Since(s.Written).Round(time.Second))
		}
	}
}

// keys checks the participants' keys against the log: a key for every
// name sealed, none for anyone erased, and the master key opening them.
func (c *checkup) keys(ctx context.Context, dir string, keys *keystore.Store, people *participants.Model, verifiers map[domain.ID]bool) {
	held, strays, err := keystore.List(dir)
	if err != nil {
		c.problem("keys", "%v", err)
		return
	}
	has := map[domain.ID]bool{}
	for _, id := range held {
		has[id] = true
	}
	var missing, erasedHeld []domain.ID
	var sealed []participants.Participant
	known := map[domain.ID]bool{}
	for _, p := range people.Records() {
		known[p.ID] = true
		switch {
		case p.Erased && has[p.ID]:
			erasedHeld = append(erasedHeld, p.ID)
		case p.Sealed != nil && !has[p.ID]:
			missing = append(missing, p.ID)
		case p.Sealed != nil:
			sealed = append(sealed, p)
		}
	}
	erasedVerifiers := slices.DeleteFunc(slices.Clone(held), func(id domain.ID) bool {
		live, isVerifier := verifiers[id]
		return !isVerifier || live
	})
	orphans := slices.DeleteFunc(slices.Clone(held), func(id domain.ID) bool {
		_, isVerifier := verifiers[id]
		return known[id] || isVerifier
	})
	if len(erasedHeld) > 0 {
		c.problem("keys", "erased participants whose key is still here, so that their names can be opened: %d. Delete %s", len(erasedHeld), keyFiles(dir, erasedHeld))
	}
	if len(erasedVerifiers) > 0 {
		c.problem("keys", "erased verifiers of outcomes whose key is still here, so that their names can be opened: %d. Delete %s", len(erasedVerifiers), keyFiles(dir, erasedVerifiers))
	}
	if len(missing) > 0 {
		c.problem("keys", "participants whose name cannot be opened, their key missing: %d (%s). Restore keys/ from a backup (palabre restore)", len(missing), someIDs(missing))
	}
	if len(orphans) > 0 {
		c.warn("keys", "keys of no participant in the log (an enrolment never written, or a key from elsewhere): %d, harmless. Delete %s", len(orphans), keyFiles(dir, orphans))
	}
	if len(strays) > 0 {
		c.warn("keys", "files in %s that are no key: %s. Move them out", dir, strings.Join(strays, ", "))
	}
	if len(erasedHeld)+len(erasedVerifiers)+len(missing) == 0 {
		c.ok("keys", "one for every participant with a name and every verifier of an outcome, none for anyone erased (%d in all)", len(held))
	}
	c.masterOpens(ctx, dir, keys, sealed, len(held)+len(missing))
}

// masterOpens checks that the master key opens the keys it should.
// needed counts the keys and names that need the master key.
func (c *checkup) masterOpens(ctx context.Context, dir string, keys *keystore.Store, sealed []participants.Participant, needed int) {
	switch {
	case keys == nil && needed == 0:
		c.ok("master key", "none yet, and no name needs one: the server makes it at its first start")
		return
	case keys == nil:
		c.problem("master key", "missing (neither %s nor %s): put your copy back, or the participants' names stay sealed; a server started now would make a new master key that opens none of them", filepath.Join(filepath.Dir(dir), "master.key"), keystore.MasterKeyEnv)
		return
	}
	failed := 0
	for _, p := range sealed {
		if _, err := keys.Open(ctx, p.ID, p.Sealed); err != nil {
			failed++
		}
	}
	switch {
	case failed == len(sealed) && failed > 0:
		c.problem("master key", "opens none of the %d keys: it is not this directory's master key; put the right one back", failed)
	case failed > 0:
		c.problem("master key", "%d of %d keys do not open: damaged; restore keys/ from a backup", failed, len(sealed))
	case len(sealed) > 0:
		c.ok("master key", "opens every one of the %d keys", len(sealed))
	}
}

// someIDs names a few pseudonymous ids, enough to look into.
func someIDs(ids []domain.ID) string {
	return firstFew(ids, ", ", domain.ID.String)
}

// keyFiles names the key files to delete.
func keyFiles(dir string, ids []domain.ID) string {
	return firstFew(ids, " ", func(id domain.ID) string { return keystore.Path(dir, id) })
}

func firstFew[T any](items []T, sep string, name func(T) string) string {
	var names []string
	for _, it := range items[:min(len(items), 3)] {
		names = append(names, name(it))
	}
	if len(items) > 3 {
		return strings.Join(names, sep) + fmt.Sprintf(" and %d more", len(items)-3)
	}
	return strings.Join(names, sep)
}
