package graphql_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/imports/importstest"
	"github.com/palabre/palabre/graphql"
)

// An import takes longer than a query: the server's write timeout, set
// for queries, must not cut its answer while it goes on.
func TestAnImportLongerThanTheWriteTimeoutStillAnswers(t *testing.T) {
	e := newEnvWith(t, envOptions{writeTimeout: 200 * time.Millisecond})
	s := writeStory(e)
	var csv strings.Builder
	csv.WriteString("dialogue/spaceId,dialogue/heldOn,dialogue/format,dialogue/pillar,headcount/adultWomen,_uuid,_submission_time\n")
	const rows = 300
	for i := range rows {
		fmt.Fprintf(&csv, "%s,2025-04-02,workshop,justice,5,slow-%d,2025-04-02T12:00:00\n", s.gaoSpace, i)
	}
	start := time.Now()
	status, report := e.upload(e.gao, "kobo.csv", []byte(csv.String()), false)
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Skipf("the import took %v, less than the write timeout: nothing tried", took)
	}
	if counts, _ := report["counts"].(map[string]any); status != 200 || counts["imported"] != float64(rows) {
		t.Fatalf("%d %v", status, report)
	}
}

// A file past a limit is refused whole, the limit named in the reader's
// language, before any row is read into a dialogue.
func TestAnUploadPastALimitIsRefusedNamingIt(t *testing.T) {
	lim := imports.DefaultLimits()
	lim.Rows = 10
	e := newEnvWith(t, envOptions{server: &graphql.Options{Imports: lim}})
	s := writeStory(e)
	var csv strings.Builder
	csv.WriteString("dialogue/spaceId,dialogue/heldOn,dialogue/format,dialogue/pillar,headcount/adultWomen,_uuid,_submission_time\n")
	for i := range 20 {
		fmt.Fprintf(&csv, "%s,2025-04-02,workshop,justice,5,many-%d,2025-04-02T12:00:00\n", s.gaoSpace, i)
	}
	status, report := e.upload(e.gao, "kobo.csv", []byte(csv.String()), false)
	if status != 400 || !strings.Contains(fmt.Sprint(report), "kobo.csv ligne 11 : le fichier dépasse 10 lignes (limite de lignes par fichier)") {
		t.Fatalf("%d %v", status, report)
	}
}

// BenchmarkImportThroughTheAPI uploads 10,000 submissions of the shipped
// form (8 registered attendees, 2 newcomers and a commitment each) as a
// Gao facilitator, in process, over HTTP with the real store and read
// models: the integration benchmark's import, where a profile can be had.
//
//	go test -run '^$' -bench ImportThroughTheAPI -benchtime 1x -cpuprofile cpu.out ./graphql/
func BenchmarkImportThroughTheAPI(b *testing.B) {
	const submissions, people = 10_000, 400
	b.StopTimer()
	for range b.N {
		e := newEnv(b)
		s := writeStory(e)
		var register strings.Builder
		register.WriteString("code,sex,ageBand,displacement,region,consent,consentOn\n")
		for i := range people {
			fmt.Fprintf(&register, "GAO-%04d,female,25-35,none,gao,oui,2026-01-10\n", i)
		}
		if status, r := e.upload(e.gao, "participants.csv", []byte(register.String()), false); status != 200 || r["counts"].(map[string]any)["refused"] != nil {
			b.Fatalf("the register: %d %v", status, r["counts"])
		}
		file := importstest.ShippedFormExport(b, s.gaoSpace, s.holder, submissions, 8, 2, people)
		b.StartTimer()
		start := time.Now()
		status, r := e.upload(e.gao, "dialogue.xlsx", file, false)
		took := time.Since(start)
		b.StopTimer()
		if counts, _ := r["counts"].(map[string]any); status != 200 || counts["imported"] != float64(submissions) {
			b.Fatalf("%d %v", status, r["counts"])
		}
		b.ReportMetric(float64(submissions)/took.Seconds(), "submissions/s")
		b.ReportMetric(took.Seconds(), "s/import")
	}
}

// An import past its deadline answers what it decided and why it
// stopped, counts included, so that the page can say so.
func TestAnUploadPastItsDeadlineSaysWhereItStopped(t *testing.T) {
	lim := imports.DefaultLimits()
	lim.Deadline = time.Nanosecond
	e := newEnvWith(t, envOptions{server: &graphql.Options{Imports: lim}})
	s := writeStory(e)
	csv := "dialogue/spaceId,dialogue/heldOn,dialogue/format,dialogue/pillar,headcount/adultWomen,_uuid,_submission_time\n" +
		s.gaoSpace + ",2025-04-02,workshop,justice,5,late-1,2025-04-02T12:00:00\n"
	status, report := e.upload(e.gao, "kobo.csv", []byte(csv), false)
	stopped, _ := report["stopped"].(map[string]any)
	if counts, ok := report["counts"].(map[string]any); status != 200 || !ok || len(counts) != 0 ||
		!strings.Contains(fmt.Sprint(stopped["message"]), "limite de durée d’un import") {
		t.Fatalf("%d %v", status, report)
	}
}
