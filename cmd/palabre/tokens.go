package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain/refdata"
)

// regionsFlag collects --region, repeatable.
type regionsFlag []string

func (r *regionsFlag) String() string { return strings.Join(*r, ",") }
func (r *regionsFlag) Set(v string) error {
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*r = append(*r, x)
		}
	}
	return nil
}

// parseDays reads "90d" or any Go duration ("36h").
func parseDays(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// token manages tokens in a data directory no server holds (a running
// server's admin uses the createToken and revokeToken mutations), or in a
// shared engine, whose serving nodes see a change within
// access.DefaultMaxAge.
func (m *Main) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, "palabre token create|list|revoke — see palabre help\n")
		return errUsage
	}
	sub, args := args[0], args[1:]
	f := m.flags("token " + sub)
	dataFlag := f.string("data", "./palabre-data", "data directory")
	var role, expires, subject *string
	var regions regionsFlag
	reference := f.string("reference", "", "reference data file (regions, groups); default Mali 2023")
	store := defaultServeConfig()
	kind := f.string("store", store.Store, "event store: embedded, or a shared engine (kurrentdb), whose nodes keep their tokens in it")
	url := f.string("kurrentdb-url", store.KurrentDBURL, "KurrentDB connection string, esdb://host:2113?tls=…")
	if sub == "create" {
		role = f.fs.String("role", "", "facilitator, advocacy, analyst or admin")
		f.fs.Var(&regions, "region", "a facilitator's region; repeat for several")
		expires = f.fs.String("expires", "90d", "lifetime: days (90d) or a duration (36h)")
		subject = f.fs.String("subject", "", "who the token is for, recorded with every write")
	}
	var revokeID string
	if sub == "revoke" {
		revokeID, args = firstArg(args)
	}
	if err := f.parse(args); err != nil {
		return err
	}
	dir := f.dataDir(*dataFlag)
	store.Data, store.Store, store.KurrentDBURL = dir, *kind, *url
	f.invalid(store.Validate()) // the store's settings as serve checks them
	ref, err := referenceData(*reference)
	if err != nil {
		f.problem("reference", "%v", err)
		ref = refdata.Default()
	}
	var ttl time.Duration
	switch sub {
	case "create":
		var err error
		if ttl, err = parseDays(*expires); err != nil {
			f.problem("expires", "%v", err)
		}
		if err := (access.NewToken{Role: access.Role(*role), Regions: regions, TTL: max(ttl, time.Minute), Subject: *subject}).Check(ref); err != nil {
			for _, p := range strings.Split(err.Error(), "; ") {
				name, reason, _ := strings.Cut(p, ": ")
				f.problem(name, "%s", reason)
			}
		}
	case "list":
	case "revoke":
		if revokeID == "" || f.fs.NArg() > 0 {
			f.problems = append(f.problems, "give the id of the token to revoke (palabre token list shows them)")
		}
	default:
		fmt.Fprintf(m.Stderr, "palabre token: no subcommand %q (create, list, revoke)\n", sub)
		return errUsage
	}
	if err := f.err(); err != nil {
		return err
	}
	tokens, err := m.tokensOf(ctx, store, ref)
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		_, secret, err := tokens.Create(ctx, access.NewToken{Role: access.Role(*role), Regions: regions, TTL: ttl, Subject: *subject})
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, secret) // only the token: scripts capture it
	case "list":
		list, err := tokens.List(ctx)
		if err != nil {
			return err
		}
		printTokens(m.Stdout, list)
	case "revoke":
		tok, err := tokens.Revoke(ctx, revokeID)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "revoked %s (%s, %s)\n", tok.ID, tok.Role, shownSubject(tok.Subject))
	}
	return nil
}

// tokensOf opens the tokens of the store c names: in a data directory no
// server holds (its lock), or in a shared engine.
func (m *Main) tokensOf(ctx context.Context, c serveConfig, ref *refdata.Data) (*access.Tokens, error) {
	if c.Store == "embedded" {
		if err := m.lockDir(c.Data); err != nil {
			return nil, fmt.Errorf("%w (while a server runs, use the createToken and revokeToken mutations)", err)
		}
		return access.OpenTokens(filepath.Join(c.Data, "tokens.json"), nil, ref)
	}
	d, err := m.openStore(c.Data, c.Store, c.KurrentDBURL)
	if err != nil {
		return nil, err
	}
	return m.openTokens(ctx, d, ref)
}

func printTokens(w io.Writer, list []access.Token) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tREGIONS\tSUBJECT\tEXPIRES\tSTATUS")
	now := time.Now()
	for _, t := range list {
		status := "active"
		switch {
		case t.Revoked != nil:
			status = "revoked " + t.Revoked.Format(time.DateOnly)
		case !now.Before(t.Expires):
			status = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, strings.Join(t.Regions, ","), shownSubject(t.Subject), t.Expires.Format(time.DateOnly), status)
	}
	tw.Flush()
}

// shownSubject quotes a subject with a character a terminal would act on
// (an escape sequence, a right-to-left override), which tokens made
// before subjects were checked may have.
func shownSubject(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
