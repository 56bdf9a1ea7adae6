package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/iati"
	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
)

// report writes a framework's donor report as an IATI activity file from
// a data directory no server holds (a running server gives it at
// /export/donorReport.xml):
//
//	palabre report [--framework ID] [--as-of 2026-01-31] [--lang fr|en] [--data DIR] [--out FILE]
//
// without --framework when the data directory holds only one.
//
// It asks the core's read service as the server does, for an admin named
// operator: the same figures, released the same way (the inclusion model
// keyed by the master key perturbs the cells as the server does).
func (m *Main) report(ctx context.Context, args []string) error {
	f := m.flags("report")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	frameworkFlag := f.string("framework", "", "the results framework's id; default the only one")
	asOfFlag := f.string("as-of", "", "the report as recorded at a moment (RFC 3339) or at the end of a date (2026-01-31); default now")
	lang := f.string("lang", "fr", "the file's language: fr or en")
	out := f.string("out", "", "file to write (default: standard output)")
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	var id *domain.ID
	if *frameworkFlag != "" {
		parsed, err := domain.ParseID("framework", *frameworkFlag)
		if err != nil {
			f.problem("framework", "%q is not a framework's id (a ULID; Query.frameworks lists them)", *frameworkFlag)
		}
		id = &parsed
	}
	asOf, err := read.ReportMoment(*asOfFlag)
	if err != nil {
		f.problem("as-of", "%v", err)
	}
	if *lang != "fr" && *lang != "en" {
		f.problem("lang", "must be fr or en, not %q", *lang)
	}
	if err := f.err(); err != nil {
		return err
	}
	r, err := m.donorReport(ctx, dir, id, asOf)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return iati.Write(w, r, *lang) }
	if *out == "" {
		return write(m.Stdout)
	}
	if err := writeNewFile(*out, 0o644, write); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

// donorReport replays a data directory's models and asks the read service
// for a framework's report (the only one's when id is nil), as an admin.
func (m *Main) donorReport(ctx context.Context, dir string, id *domain.ID, asOf time.Time) (*read.Report, error) {
	svc, _, err := m.replayedService(ctx, dir)
	if err != nil {
		return nil, err
	}
	operator := read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "operator", TokenID: "operator"}, Log: zerolog.Nop()}
	if id == nil {
		list, err := svc.Frameworks(operator)
		if err != nil {
			return nil, err
		}
		if len(list) != 1 {
			var ids []string
			for _, f := range list {
				ids = append(ids, f.ID.String()+" ("+f.Programme.Title+")")
			}
			return nil, fmt.Errorf("--framework: %s holds %d results frameworks; name one: %s", dir, len(list), strings.Join(ids, ", "))
		}
		id = &list[0].ID
	}
	r, err := publish.DonorReport(ctx, svc, operator, read.ReportQuery{FrameworkID: *id, AsOf: asOf})
	if read.CodeOf(err) == read.CodeNotFound {
		return nil, fmt.Errorf("--framework: no results framework %s in %s", *id, dir)
	}
	return r, err
}
