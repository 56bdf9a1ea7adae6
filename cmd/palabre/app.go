package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/events/pebblestore"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

// Main runs one subcommand. Run may be called once; Close releases what it
// opened.
type Main struct {
	Stdout, Stderr io.Writer
	// Getenv reads PALABRE_* fallbacks; os.Getenv in the binary.
	Getenv func(string) string

	closers []func() error
}

// errUsage marks a command line that could not be understood; it exits 2.
// Returned bare, the usage has been printed already.
var errUsage = errors.New("usage")

// errSaid marks an error already shown to the person (by the flag
// package), which Run does not print again.
var errSaid = errors.New("already said")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

const usage = `palabre — stakeholder engagement and community dialogue, event-sourced.

Usage:
  palabre serve   [--data DIR] [--addr HOST:PORT] [--store embedded|kurrentdb|nats] [--kurrentdb-url URL] [--reserve-mib N]
                  [--nats-name NAME --nats-listen HOST:PORT --nats-peers A,B,C | --nats-url URL]
                  [--tls-cert FILE --tls-key FILE | --acme-domain NAME [--acme-email E] [--acme-directory URL]]
                  [--redirect-addr :80] [--trusted-proxies CIDR,...]
  palabre token create --role ROLE [--region R]... [--expires 90d] [--subject NAME] [--data DIR] [--store S --kurrentdb-url URL]
  palabre token list   [--data DIR] [--store S --kurrentdb-url URL]
  palabre token revoke ID [--data DIR] [--store S --kurrentdb-url URL]
  palabre demo    [--data DIR] [--events N]
  palabre rebuild [--data DIR]
  palabre form xlsform [--data DIR] [--reference FILE] [--out FILE]   the XLSForm for KoboToolbox and ODK
  palabre form register participants|stakeholders|spaces [--out FILE]   a register's template
  palabre report [--framework ID] [--as-of DATE] [--lang fr|en] [--data DIR] [--out FILE]   the donor report as an IATI file
  palabre publish [--data DIR] [--out DIR] [--as-of DATE] [--delay-days N] [--lang fr|en]   the public observatory, signed
  palabre publish verify DIR [--key BASE64]   check a copy of a publication against the alliance's key
  palabre import FILE... [--data DIR | --server URL] [--mapping MAP] [--dry-run] [--lang fr|en]
  palabre import --suggest FILE   a mapping for another form's export
  palabre backup  FILE [--data DIR | --server URL]   the events and the participants' keys
  palabre restore FILE --data EMPTY_DIR [--erase-since ERASURES]
  palabre erasures [--data DIR | --server URL]   every erasure, by pseudonymous id and date
  palabre doctor  [--data DIR] [--reserve-mib N] [--server URL]   what is wrong with a data directory, or a JetStream node and its cluster
  palabre cluster remove-peer NAME --server URL   take a node lost for good out of a JetStream cluster
  palabre version

--server commands read an admin's (or, for import, a facilitator's)
token from PALABRE_TOKEN.

Every flag falls back to an environment variable: --data to PALABRE_DATA,
--kurrentdb-url to PALABRE_KURRENTDB_URL, and so on. "palabre COMMAND -h"
lists a command's flags.
`

// Run runs the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	err := m.dispatch(ctx, cmd, rest)
	switch {
	case err == nil, err == errUsage, errors.Is(err, errSaid):
	case errors.Is(err, errUsage):
		fmt.Fprintln(m.Stderr, err) // the problems, each naming its flag
	default:
		fmt.Fprintf(m.Stderr, "palabre %s: %v\n", cmd, err)
	}
	return err
}

// dispatch runs one subcommand; Run says its error.
func (m *Main) dispatch(ctx context.Context, cmd string, rest []string) error {
	switch cmd {
	case "serve":
		return m.serve(ctx, rest)
	case "token":
		return m.token(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "rebuild":
		return m.rebuild(ctx, rest)
	case "form":
		return m.form(ctx, rest)
	case "report":
		return m.report(ctx, rest)
	case "publish":
		return m.publishSite(ctx, rest)
	case "import":
		return m.importFiles(ctx, rest)
	case "backup":
		return m.backup(ctx, rest)
	case "restore":
		return m.restore(ctx, rest)
	case "erasures":
		return m.erasures(ctx, rest)
	case "doctor", "check":
		return m.doctor(ctx, rest)
	case "cluster":
		return m.cluster(ctx, rest)
	case "version", "--version":
		fmt.Fprintf(m.Stdout, "palabre %s (%s)\n", version, runtime.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprintf(m.Stderr, "palabre: no command %q\n\n%s", cmd, usage)
	return errUsage
}

// Close releases, last opened first, whatever Run opened.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

func (m *Main) onClose(f func() error) { m.closers = append(m.closers, f) }

// flags is a command's flag set with PALABRE_* fallbacks, checked
// together so that every problem is named at once.
type flags struct {
	m        *Main
	fs       *flag.FlagSet
	env      map[string]string // flag → variable
	problems []string
	checks   []func() // of flags' values, run by parse
}

func (m *Main) flags(name string) *flags {
	fs := flag.NewFlagSet("palabre "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return &flags{m: m, fs: fs, env: map[string]string{}}
}

// envName is the variable a flag falls back to: --kurrentdb-url reads
// PALABRE_KURRENTDB_URL.
func envName(flagName string) string {
	return "PALABRE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flags) string(name, value, help string) *string {
	f.env[name] = envName(name)
	return f.fs.String(name, value, help+" ("+envName(name)+")")
}

func (f *flags) int(name string, value int, help string) *int {
	f.env[name] = envName(name)
	return f.fs.Int(name, value, help+" ("+envName(name)+")")
}

func (f *flags) bool(name string, value bool, help string) *bool {
	f.env[name] = envName(name)
	return f.fs.Bool(name, value, help+" ("+envName(name)+")")
}

// reserve is --reserve-mib, the free space under which the embedded
// store refuses writes; the bytes it gives are checked by f.err.
func (f *flags) reserve() func() uint64 {
	mib := f.int("reserve-mib", pebblestore.DefaultReserve>>20, reserveHelp)
	f.checks = append(f.checks, func() {
		if p := reserveProblem(*mib); p != "" {
			f.problem("reserve-mib", "%s", p)
		}
	})
	return func() uint64 { return uint64(max(*mib, 0)) << 20 }
}

const reserveHelp = "free space (MiB) under which the embedded store refuses writes, leaving room for its own work"

// reserveProblem says what is wrong with a reserve of mib MiB, or "".
func reserveProblem(mib int) string {
	if mib < 1 || mib > 1<<20 {
		return fmt.Sprintf("must be between 1 and 1048576 (MiB), not %d", mib)
	}
	return ""
}

// remote is a running server to work through (--server) and the token
// to use (PALABRE_TOKEN); url is "" when none is given.
type remote struct{ url, token string }

// server is --server; who names the token it needs. The token's
// presence is checked by f.err.
func (f *flags) server(purpose, who string) func() remote {
	url := f.string("server", "", "a running server's URL, e.g. http://127.0.0.1:8080, to "+purpose+" (with PALABRE_TOKEN)")
	f.checks = append(f.checks, func() {
		if *url != "" && f.m.Getenv("PALABRE_TOKEN") == "" {
			f.problem("server", "needs %s token in PALABRE_TOKEN", who)
		}
		if p := plainServerProblem(*url); p != "" {
			f.problem("server", "%s", p)
		}
	})
	return func() remote { return remote{strings.TrimRight(*url, "/"), f.m.Getenv("PALABRE_TOKEN")} }
}

// plainServerProblem says why a --server URL would give the token away,
// or "": plain http:// is for this machine only, the token (and a
// backup's keys) would cross the network in clear to any other.
func plainServerProblem(server string) string {
	u, err := url.Parse(server)
	if err != nil || server == "" {
		return ""
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return fmt.Sprintf("%s is plain http:// to another machine: the token would travel in clear; use https://%s", server, u.Host)
	}
	return ""
}

// parseWithArgs parses flags with positional arguments among them
// ("import A.xlsx --data D B.csv --lang en").
func (f *flags) parseWithArgs(args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if !strings.HasPrefix(args[0], "-") {
			positional, args = append(positional, args[0]), args[1:]
			continue
		}
		if err := f.parseFlags(args); err != nil {
			return nil, err
		}
		args = f.fs.Args()
	}
	return positional, f.parse(nil)
}

func (f *flags) parseFlags(args []string) error {
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errUsage
		}
		return fmt.Errorf("%w: %w: %v", errUsage, errSaid, err)
	}
	return nil
}

// parse parses args, then fills flags not given from the environment.
// A word that is not a flag is refused: Go's flag package stops at it, and
// every flag after it would go unread (serve would open the default data
// directory, with a new master key, on the default address).
func (f *flags) parse(args []string) error {
	if err := f.parseFlags(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		fmt.Fprintf(f.m.Stderr, "%s: %q is not a flag, and %s takes no other argument: the flags after it would go unread\n", f.fs.Name(), f.fs.Arg(0), f.fs.Name())
		return fmt.Errorf("%w: %w", errUsage, errSaid)
	}
	given := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	names := make([]string, 0, len(f.env))
	for name := range f.env {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if v := f.m.Getenv(f.env[name]); v != "" && !given[name] {
			if err := f.fs.Set(name, v); err != nil {
				f.problem(name, "%v", err)
			}
		}
	}
	for _, check := range f.checks {
		check()
	}
	return nil
}

// problem records what is wrong with a setting, naming its flag and
// variable.
func (f *flags) problem(name, format string, args ...any) {
	setting := "--" + name
	if env, ok := f.env[name]; ok {
		setting += " (" + env + ")"
	}
	f.problems = append(f.problems, setting+": "+fmt.Sprintf(format, args...))
}

// invalid records each problem of a configuration's Validate (joined
// with errors.Join), already naming its setting.
func (f *flags) invalid(err error) {
	if err == nil {
		return
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		f.problems = append(f.problems, err.Error())
		return
	}
	for _, e := range joined.Unwrap() {
		f.problems = append(f.problems, e.Error())
	}
}

// err returns every problem found, or nil.
func (f *flags) err() error {
	if len(f.problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s\n  %s", errUsage, f.fs.Name(), strings.Join(f.problems, "\n  "))
}

// dataDir checks --data.
func (f *flags) dataDir(dir string) string {
	if p := dataDirProblem(dir); p != "" {
		f.problem("data", "%s", p)
		return ""
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		f.problem("data", "%v", err)
	}
	return abs
}

// dataDirProblem says what is wrong with dir as a data directory, or "".
func dataDirProblem(dir string) string {
	if strings.TrimSpace(dir) == "" {
		return "a data directory is required"
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return dir + " is a file, not a directory"
	}
	return ""
}

// logger writes JSON logs, or readable lines on a terminal.
func (m *Main) logger(format string) zerolog.Logger {
	var w io.Writer = m.Stderr
	if format == "console" || (format == "auto" && isTerminal(m.Stderr)) {
		w = zerolog.ConsoleWriter{Out: m.Stderr, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).With().Timestamp().Logger()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
