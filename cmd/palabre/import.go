package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/graphql/access"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// errRefused: an import ran and refused some rows (exit status 1).
var errRefused = errors.New("some rows were refused")

// importFiles imports Kobo or ODK exports of the form palabre ships
// directly into a data directory no server holds:
//
//	palabre import FILE... [--data DIR] [--dry-run] [--lang fr|en]
func (m *Main) importFiles(ctx context.Context, args []string) error {
	f := m.flags("import")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	dry := f.bool("dry-run", false, "check every row and write nothing")
	lang := f.string("lang", "fr", "language of the report: fr or en")
	reference := f.string("reference", "", "reference data file (regions, groups); default Mali 2023")
	files, err := f.parseWithArgs(args)
	if err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if len(files) == 0 {
		f.problem("FILE", "name at least one export (.xlsx or .csv)")
	}
	if *lang != "fr" && *lang != "en" {
		f.problem("lang", "must be fr or en, not %q", *lang)
	}
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
	people := participants.New(keys)
	if _, _, err := projections.Replay(ctx, d.store, people); err != nil {
		return err
	}
	ref, err := referenceData(*reference)
	if err != nil {
		return err
	}
	h := newHandler(d.store, ref, keys)
	if !*dry {
		claimLegacyCodes(ctx, h, people, func() bool { return true }, log)
	}
	admin := access.Principal{Role: access.Admin, Subject: "palabre import"}
	codes := func(code string) (domain.ID, bool, bool) { return people.ByCode(admin, code) }
	var refused bool
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		plans, err := imports.Plans(name, b, codes)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		report, err := imports.Run(ctx, h, plans, imports.Options{DryRun: *dry, RecordedBy: admin.Subject})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(m.Stdout, "%s\n", name)
		if err := report.Write(m.Stdout, *lang); err != nil {
			return err
		}
		refused = refused || report.Refused()
	}
	if refused {
		return errRefused
	}
	return nil
}
