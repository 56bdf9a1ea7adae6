package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
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
		fmt.Fprintln(m.Stderr, err)
		return err
	}
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		return err
	}
	log := m.logger("auto")
	keys, err := m.openKeys(d, log)
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
	var last events.Position
	n := 0
	for rec, err := range d.store.ReadAll(ctx, events.Start, 0) {
		if err != nil {
			return err
		}
		last, n = rec.Position, n+1
	}
	start := time.Now()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- runner.Run(runCtx) }()
	err = runner.WaitFor(ctx, last)
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
	server := f.string("server", "", "a running server's URL, e.g. http://127.0.0.1:8080, to back up through it")
	file, rest := firstArg(args)
	if err := f.parse(rest); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if file == "" {
		f.problems = append(f.problems, "give the file to write: palabre backup FILE")
	}
	token := m.Getenv("PALABRE_TOKEN")
	if *server != "" && token == "" {
		f.problem("server", "needs an admin token in PALABRE_TOKEN")
	}
	if err := f.err(); err != nil {
		fmt.Fprintln(m.Stderr, err)
		return err
	}
	tmp := file + ".partial"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if *server != "" {
		err = fetchBackup(ctx, strings.TrimRight(*server, "/")+"/admin/backup", token, out)
	} else {
		var d dataDir
		if d, err = m.openStore(dir, "embedded", ""); err == nil {
			err = d.backup(ctx, out)
		}
		if errors.Is(err, events.ErrLocked) {
			err = fmt.Errorf("%w; back up through it: palabre backup %s --server http://ADDR with PALABRE_TOKEN set to an admin token", err, file)
		}
	}
	if err = errors.Join(err, out.Sync(), out.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "wrote %s. It holds the events, never the participants' keys: back up %s/keys and the master key separately.\n", file, dir)
	return nil
}

func fetchBackup(ctx context.Context, url, token string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
		return fmt.Errorf("the server answered %s: %s", res.Status, body)
	}
	_, err = io.Copy(w, res.Body)
	return err
}

// restore unpacks a backup into an empty data directory.
func (m *Main) restore(ctx context.Context, args []string) error {
	f := m.flags("restore")
	dataFlag := f.string("data", "", "an empty or missing directory to restore into")
	file, rest := firstArg(args)
	if err := f.parse(rest); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if file == "" {
		f.problems = append(f.problems, "give the backup file: palabre restore FILE --data EMPTY_DIR")
	}
	if err := f.err(); err != nil {
		fmt.Fprintln(m.Stderr, err)
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
	fmt.Fprintf(m.Stderr, "restored %s into %s; copy the keys directory and master key back before serving, or names stay sealed.\n", file, dir)
	return nil
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
