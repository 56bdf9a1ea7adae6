package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/stakeholders"
)

// form writes the XLSForm palabre ships, with the choices of a data
// directory no server holds (a running server gives it at
// /form/dialogue.xlsx, with the requester's spaces):
//
//	palabre form xlsform --data DIR > dialogue.xlsx
//
// and the registers' templates:
//
//	palabre form register participants|stakeholders|spaces > participants.xlsx
func (m *Main) form(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "register" {
		return m.registerTemplate(args[1:])
	}
	if len(args) == 0 || args[0] != "xlsform" {
		fmt.Fprintln(m.Stderr, "palabre form: write the XLSForm (palabre form xlsform [--data DIR] [--out FILE]) or a register's template (palabre form register participants|stakeholders|spaces [--out FILE])")
		return errUsage
	}
	f := m.flags("form xlsform")
	dataFlag := f.string("data", "./palabre-data", "data directory")
	reference := f.string("reference", "", "reference data file (regions, groups); default Mali 2023")
	out := f.string("out", "", "file to write (default: standard output)")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	ref, err := referenceData(*reference)
	if err != nil {
		f.problem("reference", "%v", err)
	}
	if err := f.err(); err != nil {
		return err
	}
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		return err
	}
	spaces, holders := inclusion.New(), stakeholders.New()
	if _, _, err := projections.Replay(ctx, d.store, spaces, holders); err != nil {
		return err
	}
	// The core's read service, as the server's /form/dialogue.xlsx calls
	// it, for an admin: every open space and every stakeholder.
	svc, err := read.New(read.Config{Inclusion: spaces, Stakeholders: holders, Disclosure: read.Suppress})
	if err != nil {
		return err
	}
	admin := read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "palabre form"}, Log: zerolog.Nop()}
	body, err := svc.DialogueForm(admin, ref.Groups, time.Now())
	if err != nil {
		return fmt.Errorf("%w (establish a space and register a stakeholder first)", err)
	}
	if *out == "" {
		_, err = m.Stdout.Write(body)
		return err
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "wrote %s (%s)\n", *out, time.Now().Format(time.DateOnly))
	return nil
}

// registerTemplate writes a register's template.
func (m *Main) registerTemplate(args []string) error {
	kind, rest := firstArg(args)
	f := m.flags("form register")
	out := f.string("out", "", "file to write (default: standard output)")
	if err := f.parse(rest); err != nil {
		return err
	}
	reg, ok := imports.RegisterByKind(kind)
	if !ok {
		f.problems = append(f.problems, fmt.Sprintf("name the register: participants, stakeholders or spaces, not %q", kind))
	}
	if err := f.err(); err != nil {
		return err
	}
	body, err := reg.Template()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = m.Stdout.Write(body)
		return err
	}
	return os.WriteFile(*out, body, 0o644)
}
