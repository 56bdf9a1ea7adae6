package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/publish/site"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
)

// publishDir is where a data directory keeps its publications, one folder
// per date; the server serves the latest at /public.
const publishDir = "public"

// publishSite writes the observatory as a signed static site:
//
//	palabre publish [--data DIR] [--out DIR] [--as-of 2026-11-30] [--delay-days 45] [--lang fr|en] [--reference FILE]
//	palabre publish verify DIR [--key BASE64]
//
// It asks the core's read service as the server does (the inclusion model
// keyed by the master key, so that its figures are the server's) and
// applies the publication policy (core/publish).
func (m *Main) publishSite(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		return m.verifySite(args[1:])
	}
	f := m.flags("publish")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	out := f.string("out", "", "folder to write, empty or new (default: DATA/public/AS-OF, which palabre serve serves at /public)")
	asOfFlag := f.string("as-of", "", "the publication's date, 2026-11-30 (default: today, UTC): the log is read as it stood when that day began, so the same date gives the same site, byte for byte; a day to come is refused")
	delay := f.int("delay-days", publish.DefaultDelayDays, "nothing dated within this many days before --as-of is published")
	lang := f.string("lang", "fr", "the pages' language: fr or en")
	reference := f.string("reference", "", "reference data file (regions' names); default Mali 2023")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	policy := publish.Policy{AsOf: domain.DateOf(time.Now().UTC()), DelayDays: *delay}
	if *asOfFlag != "" {
		d, err := domain.ParseDate(*asOfFlag)
		if err != nil {
			f.problem("as-of", "%q is not a date (2026-11-30)", *asOfFlag)
		}
		policy.AsOf = d
	}
	if *delay < 0 || *delay > 3650 {
		f.problem("delay-days", "must be between 0 and 3650, not %d", *delay)
	}
	if *lang != "fr" && *lang != "en" {
		f.problem("lang", "must be fr or en, not %q", *lang)
	}
	ref, err := referenceData(*reference)
	if err != nil {
		f.problem("reference", "%v", err)
	}
	if err := f.err(); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, publishDir, policy.AsOf.String())
	}
	started := time.Now()
	// Build reads the log as of the publication's moment, in replays of
	// its own: the models as they stand now are not needed.
	svc, keys, err := m.readService(ctx, dir, false)
	if err != nil {
		return err
	}
	o, err := publish.Build(ctx, svc, policy)
	if read.CodeOf(err) == read.CodeBadUserInput {
		return fmt.Errorf("--as-of: %w", err) // a day to come
	}
	if err != nil {
		return err
	}
	opt := site.Options{Lang: *lang, Regions: ref.Regions, Key: site.KeyFromSeed(keys.Secret(site.SigningPurpose))}
	if err := site.Write(*out, o, opt); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %d authorities, %d commitments' rates, %d inclusion figures, %d outcomes, signed, in %s\n",
		*out, len(o.Authorities), len(o.RatesByAuthority), len(o.Inclusion), len(o.Outcomes), time.Since(started).Round(time.Millisecond))
	return nil
}

// verifySite checks a copy of a publication against the alliance's key.
func (m *Main) verifySite(args []string) error {
	f := m.flags("publish verify")
	keyFlag := f.string("key", "", "the alliance's public key (base64, as its publication.pub); default the copy's own, which proves only that it is whole")
	dirs, err := f.parseWithArgs(args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		f.problem("verify", "names one folder, not %d", len(dirs))
	}
	var key []byte
	if *keyFlag != "" {
		if key, err = site.ParseKey(*keyFlag); err != nil {
			f.problem("key", "%v", err)
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	if err := site.Verify(dirs[0], key); err != nil {
		return fmt.Errorf("publish verify: %s differs from what was signed: %w", dirs[0], err)
	}
	if key == nil {
		fmt.Fprintf(m.Stdout, "%s is whole against its own key; give --key to check it is the alliance's\n", dirs[0])
		return nil
	}
	fmt.Fprintf(m.Stdout, "%s is as the key's holder signed it\n", dirs[0])
	return nil
}

// replayedService replays a data directory no server holds into the read
// models the core reads, and makes the read service over them.
func (m *Main) replayedService(ctx context.Context, dir string) (*read.Service, *keystore.Store, error) {
	return m.readService(ctx, dir, true)
}

// readService makes the read service over a data directory no server
// holds, its models replayed to now or, for a caller that reads only past
// moments (read.Service.At), left empty.
func (m *Main) readService(ctx context.Context, dir string, replay bool) (*read.Service, *keystore.Store, error) {
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		return nil, nil, err
	}
	keys, err := m.openKeys(ctx, d, zerolog.Nop())
	if err != nil {
		return nil, nil, err
	}
	models := newReadModels(keys)
	if replay {
		if _, _, err := projections.Replay(ctx, d.store, models.inclusion, models.commitments, models.stakeholders, models.outcomes, models.frameworks); err != nil {
			return nil, nil, err
		}
	}
	svc, err := read.New(read.Config{Inclusion: models.inclusion, Commitments: models.commitments, Stakeholders: models.stakeholders,
		Outcomes: models.outcomes, Frameworks: models.frameworks, AsOf: projections.NewAsOf(d.store, 4)})
	if err != nil {
		return nil, nil, err
	}
	return svc, keys, nil
}

// publications finds what the server serves at /public: the latest
// folder under DATA/public named for a day not to come whose files are
// as this deployment's key signed them (site.Open), each file then served
// only as signed. A folder put there otherwise (an unsigned copy, a date
// to come, which would stay in front of every later publication) is
// skipped and logged. A folder is checked when it appears and again when
// its manifest changes.
type publications struct {
	dir   string
	key   ed25519.PublicKey
	today func() domain.Date
	log   zerolog.Logger

	mu      sync.Mutex
	checked map[string]checkedPublication // folder → its last check
}

type checkedPublication struct {
	manifest time.Time    // the manifest's modification time when checked
	served   *site.Served // nil when it is not as signed
}

func newPublications(dataDir string, keys *keystore.Store, log zerolog.Logger) *publications {
	public := site.KeyFromSeed(keys.Secret(site.SigningPurpose)).Public().(ed25519.PublicKey)
	return &publications{dir: filepath.Join(dataDir, publishDir), key: public, log: log,
		today: func() domain.Date { return domain.DateOf(time.Now().UTC()) }, checked: map[string]checkedPublication{}}
}

// file is a file of the latest publication, as signed.
func (p *publications) file(name string) ([]byte, bool) {
	if s := p.latest(); s != nil {
		return s.File(name)
	}
	return nil, false
}

// latest is the publication to serve, nil when none is whole.
func (p *publications) latest() *site.Served {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(entries) - 1; i >= 0; i-- {
		day, err := domain.ParseDate(entries[i].Name())
		if !entries[i].IsDir() || err != nil || day.String() != entries[i].Name() || day.After(p.today()) {
			continue
		}
		if s := p.open(filepath.Join(p.dir, entries[i].Name())); s != nil {
			return s
		}
	}
	return nil
}

// open checks a folder against the key, once per state of its manifest.
func (p *publications) open(dir string) *site.Served {
	info, err := os.Stat(filepath.Join(dir, site.ManifestFile))
	if err != nil {
		return nil
	}
	if c, ok := p.checked[dir]; ok && c.manifest.Equal(info.ModTime()) {
		return c.served
	}
	served, err := site.Open(dir, p.key)
	if err != nil {
		p.log.Warn().Err(err).Str("folder", dir).Msg("a publication not served: not as this deployment signed it")
	}
	p.checked[dir] = checkedPublication{manifest: info.ModTime(), served: served}
	return served
}
