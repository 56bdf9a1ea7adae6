package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/participants"
)

// errRefused: an import ran and refused some rows (exit status 1).
var errRefused = errors.New("some rows were refused")

// importFiles imports Kobo or ODK exports, or registers, directly into a
// data directory no server holds, or through a running server:
//
//	palabre import FILE... [--data DIR | --server URL] [--mapping MAP] [--dry-run] [--lang fr|en]
//	palabre import --suggest FILE
func (m *Main) importFiles(ctx context.Context, args []string) error {
	f := m.flags("import")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	server := f.server("import through it", "a facilitator's or an admin's")
	mappingFile := f.string("mapping", "", "a mapping (YAML or JSON) for another form's export")
	suggest := f.bool("suggest", false, "propose a mapping from the file's headers, and import nothing")
	dry := f.bool("dry-run", false, "check every row and write nothing")
	lang := f.string("lang", "fr", "language of the report: fr or en")
	reference := f.string("reference", "", "reference data file (regions, groups); default Mali 2023")
	files, err := f.parseWithArgs(args)
	if err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	if len(files) == 0 {
		f.problems = append(f.problems, "name at least one export (.xlsx, .csv or ODK Central's .zip): palabre import FILE...")
	}
	if *lang != "fr" && *lang != "en" {
		f.problem("lang", "must be fr or en, not %q", *lang)
	}
	var mapping []byte // sent as it is to a server
	var parsed *imports.Mapping
	if *mappingFile != "" {
		if mapping, err = os.ReadFile(*mappingFile); err != nil {
			f.problem("mapping", "%v", err)
		} else if parsed, err = imports.ParseMapping(mapping); err != nil {
			f.problem("mapping", "%v", err)
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	switch {
	case *suggest:
		return m.suggestMapping(files)
	case server().url != "":
		return m.importThrough(ctx, server(), files, mapping, *dry, *lang)
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
	// The operator on a data directory no server holds: an admin, through
	// the same write policy as every door.
	operator := access.Principal{Role: access.Admin, Subject: "operator"}
	svc, err := read.New(read.Config{Participants: people, Handler: h})
	if err != nil {
		return err
	}
	send := policy.New(policy.Config{Handler: h, Read: svc}).For(operator)
	lookups, lookupErr := operatorDirectory(ctx, h, people, codeKey(keys), operator)
	lookups.RegionCode = svc.RegionCode
	importer := imports.NewImporter(imports.DefaultLimits())
	var refused bool
	for _, name := range files {
		b, err := readExport(name, importer.Limits(), *lang)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		report, err := importer.Import(ctx, imports.Job{By: operator.Subject, Name: name, Data: b, Mapping: parsed,
			Directory: lookups, Handler: h, Send: send, Options: imports.Options{DryRun: *dry}})
		var stopped *imports.LimitError
		if err = cmp.Or(*lookupErr, err); errors.As(err, &stopped) && stopped.Limit != imports.LimitDeadline {
			return fmt.Errorf("%s: %s", name, stopped.In(*lang))
		} else if err != nil && stopped == nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(m.Stdout, "%s\n", name)
		if err := report.Write(m.Stdout, *lang); err != nil {
			return err
		}
		if stopped != nil {
			fmt.Fprintln(m.Stdout, stopped.In(*lang))
		}
		refused = refused || report.Refused() || stopped != nil
	}
	if refused {
		return errRefused
	}
	return nil
}

// readExport reads an export from disk, refusing one over the limit on a
// file's size before holding it.
func readExport(name string, limits imports.Limits, lang string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limits.FileBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limits.FileBytes {
		return nil, errors.New((&imports.LimitError{Limit: imports.LimitFileBytes, Value: limits.FileBytes}).In(lang))
	}
	return b, nil
}

// operatorDirectory is what planning looks up for the operator, who sees
// every region, straight from the store; lookupErr points to the first
// error of the store, which stops the import after planning.
func operatorDirectory(ctx context.Context, h *commands.Handler, people *participants.Model, key []byte, operator access.Principal) (dir imports.Directory, lookupErr *error) {
	lookupErr = new(error)
	spaceRegion := func(id domain.ID) (string, bool) {
		s, _, err := commands.Space.Load(ctx, h, id)
		*lookupErr = cmp.Or(*lookupErr, err)
		return s.Details.Region, err == nil && s.Exists
	}
	return imports.Directory{Key: key, SpaceRegion: spaceRegion,
		Codes: func(region, code string) (domain.ID, bool, bool) { return people.ByCode(operator, region, code) },
		Dialogue: func(id domain.ID) (string, bool) {
			d, _, err := commands.Dialogue.Load(ctx, h, id)
			*lookupErr = cmp.Or(*lookupErr, err)
			if err != nil || !d.Exists {
				return "", false
			}
			return spaceRegion(d.Record.SpaceID)
		}}, lookupErr
}

// suggestMapping prints a mapping proposed from each file's headers.
func (m *Main) suggestMapping(files []string) error {
	for _, name := range files {
		b, err := readExport(name, imports.DefaultLimits(), "en")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		tables, err := imports.Read(name, b)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		mapping, unplaced := imports.Suggest(tables)
		out, err := mapping.YAML(filepath.Base(name), unplaced)
		if err != nil {
			return err
		}
		if _, err := m.Stdout.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// importThrough posts each file to a running server's /import and prints
// its report: the server applies its token's rules, as for the web app.
func (m *Main) importThrough(ctx context.Context, server remote, files []string, mapping []byte, dry bool, lang string) error {
	var refused bool
	for _, name := range files {
		report, err := postImport(ctx, server, name, mapping, dry, lang)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(m.Stdout, "%s\n", name)
		for _, res := range report.Results {
			for _, p := range res.Problems {
				if err := imports.WriteProblem(m.Stdout, lang, p.Sheet, p.Row, p.Column, p.Message); err != nil {
					return err
				}
			}
		}
		for _, b := range report.Beyond {
			if err := imports.WriteBeyond(m.Stdout, lang, b.Count, b.Example.Column, b.Example.Message); err != nil {
				return err
			}
		}
		if err := imports.WriteTotals(m.Stdout, lang, report.Counts); err != nil {
			return err
		}
		if report.Stopped != nil {
			fmt.Fprintln(m.Stdout, report.Stopped.Message)
		}
		refused = refused || report.Counts[imports.Refused] > 0 || report.Stopped != nil
	}
	if refused {
		return errRefused
	}
	return nil
}

// serverReport is POST /import's answer.
type serverReport struct {
	Counts  map[imports.Outcome]int `json:"counts"`
	Results []struct {
		Problems []serverProblem `json:"problems"`
	} `json:"results"`
	Beyond []struct {
		Count   int           `json:"count"`
		Example serverProblem `json:"example"`
	} `json:"beyond"`
	Stopped *struct {
		Message string `json:"message"`
	} `json:"stopped"`
}

type serverProblem struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

func postImport(ctx context.Context, server remote, name string, mapping []byte, dry bool, lang string) (serverReport, error) {
	var report serverReport
	b, err := readExport(name, imports.DefaultLimits(), lang)
	if err != nil {
		return report, err
	}
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	parts := []struct {
		field, file string
		data        []byte
	}{{"file", filepath.Base(name), b}, {"mapping", "mapping.yaml", mapping}}
	for _, p := range parts {
		if p.data == nil {
			continue
		}
		w, err := form.CreateFormFile(p.field, p.file)
		if err != nil {
			return report, err
		}
		if _, err := w.Write(p.data); err != nil {
			return report, err
		}
	}
	if err := form.Close(); err != nil {
		return report, err
	}
	url := server.url + "/import"
	if dry {
		url += "?dryRun=true"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, &body)
	if err != nil {
		return report, err
	}
	req.Header.Set("Authorization", "Bearer "+server.token)
	req.Header.Set("Content-Type", form.FormDataContentType())
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return report, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
		return report, fmt.Errorf("the server answered %s: %s", res.Status, bytes.TrimSpace(msg))
	}
	return report, json.NewDecoder(res.Body).Decode(&report)
}
