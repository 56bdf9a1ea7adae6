package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
)

// rebuild discards the read models' snapshots and replays the whole log
// into them, writing fresh snapshots.
func (m *Main) rebuild(ctx context.Context, args []string) error {
	f := m.flags("rebuild")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if err := f.err(); err != nil {
		return err
	}
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		return err
	}
	log := m.logger("auto")
	keys, err := m.openKeys(ctx, d, log)
	if err != nil {
		return err
	}
	models := newReadModels(keys)
	runner, err := projections.NewRunner(d.store, d.path("projections"), &projections.Options{Logger: &log}, models.all()...)
	if err != nil {
		return err
	}
	for _, p := range models.all() {
		if err := runner.Rebuild(p.Name()); err != nil {
			return err
		}
	}
	start := time.Now()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(runCtx) }()
	// Nothing else writes to the store (this process holds its lock), so
	// caught up is the end of the log.
	err = runner.WaitCaughtUp(ctx)
	n := runner.Status()[0].Applied
	stop()
	<-done // writes the snapshots
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(m.Stderr, "rebuilt %d read models from %d events in %s (%.0f events/s)\n", len(models.all()), n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}

// backup writes a hot backup of the embedded store to FILE: directly when
// no server holds the data directory, else through the server's
// /admin/backup with an admin token (--server, PALABRE_TOKEN).
func (m *Main) backup(ctx context.Context, args []string) error {
	f := m.flags("backup")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	server := f.server("back up through it", "an admin's")
	file, rest := firstArg(args)
	if err := f.parse(rest); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if file == "" {
		f.problems = append(f.problems, "give the file to write: palabre backup FILE")
	}
	if err := f.err(); err != nil {
		return err
	}
	err := writeNewFile(file, 0o600, func(out io.Writer) error {
		if server().url != "" {
			return fetchAdmin(ctx, server(), "/admin/backup", out)
		}
		d, err := m.openStore(dir, "embedded", "")
		if err == nil {
			err = d.backup(ctx, out)
		}
		if errors.Is(err, events.ErrLocked) {
			err = fmt.Errorf("%w; back up through it: palabre backup %s --server http://ADDR with PALABRE_TOKEN set to an admin token", err, file)
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "wrote %s. It holds the events and the participants' keys, never the master key: keep a copy of the master key apart from it, and the list of later erasures (palabre erasures) beside that copy.\n", file)
	return nil
}

// fetchAdmin downloads a file only an admin may have from a server.
func fetchAdmin(ctx context.Context, server remote, path string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.url+path, nil)
	if err != nil {
		return err
	}
	res, err := sendAdmin(req, server)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, err = io.Copy(w, res.Body)
	return err
}

// restore unpacks a backup into an empty data directory, then deletes the
// key of every participant erased in the restored log, and with
// --erase-since re-applies the erasures made after the backup.
func (m *Main) restore(ctx context.Context, args []string) error {
	f := m.flags("restore")
	dataFlag := f.string("data", "", "an empty or missing directory to restore into")
	eraseSince := f.string("erase-since", "", "a list written by palabre erasures after the backup: the erasures to re-apply")
	file, rest := firstArg(args)
	if err := f.parse(rest); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if file == "" {
		f.problems = append(f.problems, "give the backup file: palabre restore FILE --data EMPTY_DIR")
	}
	var later []participants.Erasure
	if *eraseSince != "" {
		var err error
		if later, err = readErasures(*eraseSince); err != nil {
			f.problem("erase-since", "%v", err)
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := pebblestore.Restore(ctx, in, dir); err != nil {
		return err
	}
	removed, recorded, err := m.applyErasures(ctx, dir, later)
	if err != nil {
		// No erased person's name may open from this copy: its keys go
		// (the backup still holds the others').
		err = errors.Join(err, os.RemoveAll(filepath.Join(dir, "keys")))
		return fmt.Errorf("restored %s into %s, but re-applying the erasures failed (%w), so its keys were deleted; restore again into an empty directory", file, dir, err)
	}
	if err := markRestored(dir, file); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "restored %s into %s: the events and the participants' keys; deleted the keys of %d erased participants", file, dir, removed)
	if *eraseSince != "" {
		fmt.Fprintf(m.Stderr, ", and recorded %d erasures made after the backup", recorded)
	}
	fmt.Fprintf(m.Stderr, ". Put the master key back (%s or %s) before serving, or names stay sealed. Served with --store nats, the log is copied into the JetStream node at its first start, without its tokens and sessions: make an admin token first (palabre token create --data %s --role admin).\n", filepath.Join(dir, "master.key"), keystore.MasterKeyEnv, dir)
	return nil
}

func readErasures(path string) ([]participants.Erasure, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	list, err := participants.ReadErasures(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return list, nil
}

// applyErasures deletes from a restored data directory the key of every
// participant and verifier erased in its log or in later, and records in
// the log the erasures of later it does not hold yet. Keys go first, as in
// an erasure, so a failure leaves no one less erased than before.
func (m *Main) applyErasures(ctx context.Context, dir string, later []participants.Erasure) (removed, recorded int, err error) {
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		return 0, 0, err
	}
	people, verifiers, err := replayPeople(ctx, d.store)
	if err != nil {
		return 0, 0, err
	}
	keys, err := keystore.OpenDir(d.path("keys"))
	if err != nil {
		return 0, 0, err
	}
	held, _, err := keystore.List(keys.Dir())
	if err != nil {
		return 0, 0, err
	}
	erase := map[domain.ID]bool{} // whose key goes
	for _, e := range participants.Merged(people.Erasures(), verifiers.Erasures(), later) {
		erase[keyOf(e)] = true
	}
	for _, id := range held {
		if erase[id] {
			removed++
		}
	}
	// Destroyed, not merely removed: each leaves its tombstone, so that a
	// key of theirs put back later is never taken (keystore.ErrDestroyed).
	for id := range erase {
		if err := keys.Destroy(ctx, id); err != nil {
			return 0, 0, err
		}
	}
	erased := map[domain.ID]bool{} // participant → erased in the restored log
	for _, p := range people.Records() {
		erased[p.ID] = p.Erased
	}
	// An erasure decides on its object alone: no reference data needed.
	h := commands.New(d.store, refdata.Default(), nil)
	for _, e := range later {
		done, err := recordErasure(ctx, h, erased, verifiers, e)
		if err != nil {
			return removed, recorded, err
		}
		if done {
			recorded++
		}
	}
	return removed, recorded, nil
}

// keyOf is the key an erasure destroys: the participant's, or the
// verifier's request's.
func keyOf(e participants.Erasure) domain.ID {
	if e.Request != nil {
		return outcome.VerifierKeyID(e.ID, *e.Request)
	}
	return e.ID
}

// recordErasure records in a restored log an erasure made after its
// backup; false when there is nothing to record: the person came after the
// backup, or was erased in it already.
func recordErasure(ctx context.Context, h *commands.Handler, erased map[domain.ID]bool, verifiers *outcomes.Model, e participants.Erasure) (bool, error) {
	meta := commands.Meta{CommandID: ulid.Make(), RecordedBy: "palabre restore --erase-since"}
	if e.Request != nil {
		o, known := verifiers.Get(e.ID)
		if !known || !slices.ContainsFunc(o.Requests, func(r outcomes.Request) bool { return r.ID == *e.Request && !r.Erased }) {
			return false, nil
		}
		if _, err := commands.Outcome.Execute(ctx, h, e.ID, outcome.EraseVerifier{RequestID: *e.Request, ErasedOn: e.On}, meta); err != nil {
			return false, fmt.Errorf("outcome %s's verifier: %w", e.ID, err)
		}
		return true, nil
	}
	if was, known := erased[e.ID]; !known || was {
		return false, nil
	}
	if _, err := commands.Participant.Execute(ctx, h, e.ID, participant.Erase{ErasedOn: e.On}, meta); err != nil {
		return false, fmt.Errorf("participant %s: %w", e.ID, err)
	}
	return true, nil
}

// erasures prints every erasure, by pseudonymous id and date: from a data
// directory no server holds, or from a running server (--server, with an
// admin token in PALABRE_TOKEN).
func (m *Main) erasures(ctx context.Context, args []string) error {
	f := m.flags("erasures")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	server := f.server("ask it", "an admin's")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if err := f.err(); err != nil {
		return err
	}
	if server().url != "" {
		return fetchAdmin(ctx, server(), "/admin/erasures", m.Stdout)
	}
	d, err := m.openStore(dir, "embedded", "")
	if errors.Is(err, events.ErrLocked) {
		return fmt.Errorf("%w; ask it: palabre erasures --server http://ADDR with PALABRE_TOKEN set to an admin token", err)
	}
	if err != nil {
		return err
	}
	people, verifiers, err := replayPeople(ctx, d.store)
	if err != nil {
		return err
	}
	return participants.WriteErasures(m.Stdout, participants.Merged(people.Erasures(), verifiers.Erasures()))
}

// replayPeople reads the whole log into a participants' model that opens
// no name, and the outcomes' (their verifiers sealed): what the operator's
// tools need of them.
func replayPeople(ctx context.Context, store events.Store) (*participants.Model, *outcomes.Model, error) {
	people, verifiers := participants.New(nil), outcomes.New()
	_, _, err := projections.Replay(ctx, store, people, verifiers)
	return people, verifiers, err
}

// firstArg splits a leading positional argument from flags, so that both
// "backup FILE --data D" and "backup --data D FILE" work.
func firstArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	if n := len(args); n > 0 && !strings.HasPrefix(args[n-1], "-") && (n < 2 || !strings.HasPrefix(args[n-2], "-") || strings.Contains(args[n-2], "=")) {
		return args[n-1], args[:n-1]
	}
	return "", args
}
