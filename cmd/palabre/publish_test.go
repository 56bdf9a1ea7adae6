package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/publish/site"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
)

// TestTheObservatoryPublishesNothingThePolicyKeepsBack builds the
// observatory from demo data and a participant an attacker knows, reads
// every file it wrote, and looks for what an outsider, or someone who
// knows her, could use.
func TestTheObservatoryPublishesNothingThePolicyKeepsBack(t *testing.T) {
	dir, out := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "site")
	today := domain.DateOf(time.Now().UTC())
	if _, stderr, err := run(t, nil, "demo", "--data", dir, "--events", "3000"); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	addKnownParticipant(t, dir, today, today.Time().Add(-time.Hour), "")
	if _, stderr, err := run(t, nil, "publish", "--data", dir, "--out", out, "--as-of", today.String(), "--delay-days", "45"); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr)
	}
	policy := publish.Policy{AsOf: today, DelayDays: 45}
	files := readSite(t, out)
	var o publish.Observatory
	if err := json.Unmarshal(files["data/observatoire.json"], &o); err != nil {
		t.Fatal(err)
	}
	private := privateValues(t, dir)
	private = append(private, known.Name, known.Phone, known.Code, known.Locality, known.Note, known.Evidence, known.Secret, known.Recent, known.RecentOutcome)
	for name, body := range files {
		// Authorities' names too: a name holding a place is not published.
		text := string(body)
		for _, p := range private {
			if strings.Contains(strings.ToLower(text), strings.ToLower(p)) {
				t.Errorf("%s publishes %q, which the policy keeps back", name, p)
			}
		}
		checkDates(t, name, string(body), policy, dueDates(o))
	}
	if len(o.Outcomes) == 0 || len(o.Authorities) == 0 || len(o.Inclusion) == 0 {
		t.Fatalf("the observatory is empty: %d outcomes, %d authorities, %d figures", len(o.Outcomes), len(o.Authorities), len(o.Inclusion))
	}
	svc := replayedService(t, dir)
	checkFiguresAreReleased(t, svc, o, policy.Moment())
	checkOutcomesArePublic(t, svc, o)
	checkVerify(t, out, strings.TrimSpace(string(files["publication.pub"])))
}

// TestPublishAsOfADayIsTheSameSiteAfterLaterEvents: `palabre publish`
// today, then more recorded (a participant, a dialogue, commitments, an
// outcome marked public), then `palabre publish --as-of TODAY` again: the
// log is read as it stood when today began, so every file is the same,
// byte for byte, the signature too; as of tomorrow it is refused, naming
// --as-of and today.
func TestPublishAsOfADayIsTheSameSiteAfterLaterEvents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, again := filepath.Join(t.TempDir(), "first"), filepath.Join(t.TempDir(), "again")
	today := domain.DateOf(time.Now().UTC())
	if _, stderr, err := run(t, nil, "demo", "--data", dir, "--events", "1000"); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	addKnownParticipant(t, dir, today, today.Time().Add(-time.Hour), "")
	if _, stderr, err := run(t, nil, "publish", "--data", dir, "--out", first); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr)
	}
	addKnownParticipant(t, dir, today, time.Now(), "-2")
	if _, stderr, err := run(t, nil, "publish", "--data", dir, "--out", again, "--as-of", today.String()); err != nil {
		t.Fatalf("publish --as-of %s: %v\n%s", today, err, stderr)
	}
	before, after := readSite(t, first), readSite(t, again)
	if len(before) != len(after) || len(before) < 10 {
		t.Fatalf("%d files, then %d", len(before), len(after))
	}
	for name, body := range before {
		if !bytes.Equal(body, after[name]) {
			t.Errorf("%s differs after later events", name)
		}
	}
	tomorrow := domain.DateOf(today.Time().AddDate(0, 0, 1))
	_, stderr, err := run(t, nil, "publish", "--data", dir, "--out", filepath.Join(t.TempDir(), "tomorrow"), "--as-of", tomorrow.String())
	if err == nil || !strings.Contains(err.Error()+stderr, "--as-of") || !strings.Contains(err.Error()+stderr, "after today ("+today.String()+")") {
		t.Errorf("publish --as-of %s: %v %s, want a refusal naming --as-of and today", tomorrow, err, stderr)
	}
}

// checkVerify: palabre publish verify accepts the copy as written, and
// names the file an attacker changed in another.
func checkVerify(t *testing.T, site, key string) {
	t.Helper()
	if stdout, _, err := run(t, nil, "publish", "verify", site, "--key", key); err != nil || !strings.Contains(stdout, "as the key's holder signed it") {
		t.Fatalf("verify the copy as written: %q %v", stdout, err)
	}
	path := filepath.Join(site, "data", "taux-regions.csv")
	body, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(body), ",", ",9", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, nil, "publish", "verify", site, "--key", key); err == nil || !strings.Contains(err.Error(), "data/taux-regions.csv") {
		t.Errorf("verify a tampered copy: %v, want data/taux-regions.csv named", err)
	}
	if _, stderr, err := run(t, nil, "publish", "verify", site, "--key", "not-a-key"); err == nil || !strings.Contains(stderr+err.Error(), "--key") {
		t.Errorf("a bad key: %v %s", err, stderr)
	}
}

// readSite reads every file a publication wrote.
func readSite(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, err := site.ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// privateValues are what the log holds that no publication may show: every
// object's id, participants' codes, every locality, progress notes and
// evidence, verifiers' comments.
func privateValues(t *testing.T, dir string) []string {
	t.Helper()
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	keep := map[string]bool{"code": true, "locality": true, "note": true, "evidence": true, "comment": true, "reason": true, "participantId": true}
	for rec, err := range d.store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		_, id, _ := strings.Cut(rec.Stream, "-")
		seen[id] = true
		var data any
		if json.Unmarshal(rec.Data, &data) == nil {
			collect(data, "", keep, seen)
		}
	}
	regions := map[string]bool{}
	for _, r := range refdata.Default().Regions {
		regions[strings.ToLower(r.Label("fr"))] = true
	}
	var out []string
	for v := range seen {
		// A commune named as its region ("Gao") is the region's name.
		if len(v) >= 4 && !regions[strings.ToLower(v)] {
			out = append(out, v)
		}
	}
	return out
}

// collect gathers the strings under the keys kept, at any depth.
func collect(v any, key string, keep, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			collect(x, k, keep, into)
		}
	case []any:
		for _, x := range v {
			collect(x, key, keep, into)
		}
	case string:
		if keep[key] {
			into[v] = true
		}
	}
}

var (
	isoDate  = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	longDate = regexp.MustCompile(`\b(\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) (\d{4})\b`)
)

// dueDates are the due dates of the commitments published: a promise's
// term, set when it was made (on or before the cut-off), may lie after it.
func dueDates(o publish.Observatory) map[domain.Date]bool {
	out := map[domain.Date]bool{}
	for _, a := range o.Authorities {
		for _, c := range a.Commitments {
			out[c.DueOn] = true
		}
	}
	return out
}

// checkDates: every date a file shows is on or before the cut-off, but
// the publication's own date and the due dates of commitments.
func checkDates(t *testing.T, name, body string, p publish.Policy, due map[domain.Date]bool) {
	t.Helper()
	var dates []domain.Date
	for _, m := range isoDate.FindAllString(body, -1) {
		if d, err := domain.ParseDate(m); err == nil {
			dates = append(dates, d)
		}
	}
	for _, m := range longDate.FindAllStringSubmatch(body, -1) {
		d, err := time.Parse("2 1 2006", m[1]+" "+frenchMonth(m[2])+" "+m[3])
		if err != nil {
			t.Fatalf("%s: %q: %v", name, m[0], err)
		}
		dates = append(dates, domain.DateOf(d))
	}
	for _, d := range dates {
		if d != p.AsOf && !due[d] && !p.Dated(d) {
			t.Errorf("%s shows %s, within the delay (cut-off %s)", name, d, p.Cutoff())
			return
		}
	}
}

func frenchMonth(m string) string {
	for i, name := range []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"} {
		if name == m {
			return strconv.Itoa(i + 1)
		}
	}
	return m
}

// replayedService is the read service over dir's log replayed to now,
// as the commands make it.
func replayedService(t *testing.T, dir string) *read.Service {
	t.Helper()
	m := &Main{Getenv: func(string) string { return "" }}
	t.Cleanup(func() { m.Close() })
	svc, _, err := m.replayedService(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// checkFiguresAreReleased compares every published figure with what the
// read service releases to an analyst for that region and year at the
// publication's moment, asked on its own rather than in a table.
func checkFiguresAreReleased(t *testing.T, svc *read.Service, o publish.Observatory, moment time.Time) {
	t.Helper()
	for _, c := range o.Inclusion {
		to := domain.NewDate(c.Year, time.December, 31)
		if to.After(o.InclusionTo) {
			to = o.InclusionTo
		}
		q := read.InclusionQuery{Scope: read.Scope{Region: c.Region, From: domain.NewDate(c.Year, time.January, 1), To: to}, AsOf: moment}
		view, err := svc.Inclusion(context.Background(), publish.Analyst(), q)
		if err != nil {
			t.Fatal(err)
		}
		released := view.Total.Get(c.Measure)
		switch {
		case released.Suppressed != c.Withheld:
			t.Errorf("%s %d %s: published withheld=%v, released withheld=%v", c.Region, c.Year, c.Measure, c.Withheld, released.Suppressed)
		case !c.Withheld && (c.Count == nil || *c.Count != released.Count):
			t.Errorf("%s %d %s: published %v, released %d", c.Region, c.Year, c.Measure, c.Count, released.Count)
		case c.Withheld && c.Count != nil:
			t.Errorf("%s %d %s: withheld but published %d", c.Region, c.Year, c.Measure, *c.Count)
		}
	}
}

// checkOutcomesArePublic: every outcome published is one marked public.
func checkOutcomesArePublic(t *testing.T, svc *read.Service, o publish.Observatory) {
	t.Helper()
	admin := read.Viewer{Principal: access.Principal{Role: access.Admin, Subject: "test", TokenID: "test"}}
	all, err := svc.Outcomes(admin, read.OutcomeQuery{})
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{}
	for _, x := range all {
		if x.Public {
			public[x.Description] = true
		}
	}
	for _, p := range o.Outcomes {
		if !public[p.Description] {
			t.Errorf("outcome %s (%q) is published but not marked public", p.Ref, p.Description)
		}
	}
}

// Found in review: /public served whichever folder under DATA/public
// sorted last, unchecked: a folder dated to come (written by publish
// --as-of a later day) stayed in front of every later publication, and an
// unsigned folder dropped there was served at once. The server serves the
// latest folder named for a day not to come that this deployment signed.
func TestTheServerServesOnlyASignedPublicationOfADayNotToCome(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, stderr, err := run(t, nil, "demo", "--data", dir, "--events", "2000"); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	yesterday := domain.DateOf(time.Now().UTC().AddDate(0, 0, -1)).String()
	if _, stderr, err := run(t, nil, "publish", "--data", dir, "--as-of", yesterday); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr)
	}
	published := filepath.Join(dir, publishDir, yesterday)
	for name, change := range map[string]func(string){
		domain.DateOf(time.Now().UTC()).String(): func(d string) { os.WriteFile(filepath.Join(d, "index.html"), []byte("<h1>faux</h1>"), 0o644) },
		"2099-01-01":                             func(string) {}, // signed, but of a day to come
		"zzz":                                    func(string) {},
	} {
		copyDir(t, published, filepath.Join(dir, publishDir, name))
		change(filepath.Join(dir, publishDir, name))
	}
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	defer m.Close()
	d, err := m.openStore(dir, "embedded", "")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := m.openKeys(context.Background(), d, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if got := newPublications(dir, keys, zerolog.Nop()).latest(); got == nil || got.Dir() != published {
		t.Errorf("served %v, want the signed publication of yesterday %q", got, published)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}
