package graphql_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
)

// allMeasures asks for every figure of a row.
const allMeasures = `dialogues attendance { count share suppressed } registered { count share suppressed } unregistered { count share suppressed }
  uniqueParticipants { count share suppressed } women { count share suppressed } men { count share suppressed } youth { count share suppressed }
  youngWomen { count share suppressed } youngMen { count share suppressed } ageUnknown { count share suppressed }
  personsWithDisabilities { count share suppressed } displaced { count share suppressed }`

func TestAViewsDatesAndBucketsAreBoundedAndNamed(t *testing.T) {
	e := newEnv(t)
	start := time.Now()
	for _, c := range []struct{ args, field string }{
		{`region: "gao", from: "0002-01-01", to: "9999-12-31", bucket: MONTH`, "from"},
		{`region: "gao", from: "2000-01-01", to: "9999-12-31", bucket: YEAR`, "to"},
		{`region: "gao", from: "1950-01-01", to: "2099-12-31", bucket: MONTH`, "bucket"},
		{`region: "gao", from: "2000-01-01", to: "2030-12-31", bucket: QUARTER`, "bucket"},
	} {
		r := e.do(e.analyst, `{ inclusion(`+c.args+`) { rows { from } } }`, nil)
		if r.Status != 400 || r.code() != "BAD_USER_INPUT" || !strings.Contains(r.raw, `"field":"`+c.field+`"`) {
			t.Errorf("inclusion(%s): %d %s, want 400 naming %s", c.args, r.Status, r.raw, c.field)
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("four refusals took %s: they must come before any work", took)
	}
	e.must(e.analyst, `{ inclusion(region: "gao", from: "2015-01-01", to: "2024-12-31", bucket: MONTH) { rows { from } } }`, nil)
}

func TestARequestOverTheBudgetIsRefusedBeforeItRuns(t *testing.T) {
	// A small budget, so that a small history can exceed it.
	e := newEnvWith(t, envOptions{server: &graphql.Options{Budget: 20_000}})
	view := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, ` v%d: inclusion(region: "gao", from: "2015-01-01", to: "2024-12-31", bucket: MONTH) { rows { from to figures { %s } } }`, i, allMeasures)
		}
		b.WriteString("}")
		return b.String()
	}
	e.must(e.analyst, view(3), nil)
	r := e.do(e.analyst, view(4), nil)
	if r.Status != 400 || !strings.Contains(r.raw, `"field":"query"`) || !strings.Contains(r.raw, "the budget is 20000") {
		t.Fatalf("four 120-row views with every figure: %d %s, want 400 naming the budget", r.Status, r.raw)
	}
	// What a directive leaves out is not resolved, and costs nothing but
	// the views' own work.
	if r := e.do(e.analyst, strings.Replace(view(4), "rows {", "rows @skip(if: true) {", 2), nil); r.Status != 200 {
		t.Fatalf("four views, two with their rows skipped: %d %.300s", r.Status, r.raw)
	}
	// A variable not sent is priced at its default.
	included := "query($x: Boolean = true) " + strings.ReplaceAll(view(4), "rows {", "rows @include(if: $x) {")
	if r := e.do(e.analyst, included, nil); r.Status != 400 || !strings.Contains(r.raw, "the budget is 20000") {
		t.Fatalf("four views included by a variable's default: %d %.300s", r.Status, r.raw)
	}
	// A connection multiplies what one of its nodes costs by its first,
	// from a variable as from a literal.
	list := `query($n: Int) { a: dialogues(region: "gao", first: $n) { edges { node { figures { ` + allMeasures + ` } } } }
	  b: dialogues(region: "mopti", first: $n) { edges { node { figures { ` + allMeasures + ` } } } }
	  c: dialogues(region: "tombouctou", first: $n) { edges { node { figures { ` + allMeasures + ` } } } }
	  d: dialogues(region: "bamako", first: $n) { edges { node { figures { ` + allMeasures + ` } } } } }`
	e.must(e.admin, list, map[string]any{"n": 20})
	if r := e.do(e.admin, list, map[string]any{"n": 100}); r.Status != 400 || !strings.Contains(r.raw, "budget") {
		t.Fatalf("four pages of 100 dialogues with every figure: %d %s", r.Status, r.raw)
	}
}

// dashboardColumns is the web app's dashboard query
// (web/src/pages/Dashboard.tsx): the table as columns.
const dashboardColumns = `query Dashboard($region: String, $pillar: Pillar, $from: Date, $to: Date, $bucket: Bucket) {
  inclusion(region: $region, pillar: $pillar, from: $from, to: $to, bucket: $bucket, groupBy: SPACE) {
    from to widened rows { from figures { ...D } } total { ...D }
    columns { keys spaceNames targets { women youth disability displaced }
      attendance { counts } women { shares } youth { shares } personsWithDisabilities { shares } displaced { shares } } } }
  fragment D on InclusionFigures { attendance { count share suppressed } women { count share suppressed } youth { count share suppressed }
    personsWithDisabilities { count share suppressed } displaced { count share suppressed } }`

// dashboardTable is the web app's former dashboard query, the table as
// groups: clients still ask it.
const dashboardTable = `query Dashboard($region: String, $pillar: Pillar, $from: Date, $to: Date, $bucket: Bucket) {
  inclusion(region: $region, pillar: $pillar, from: $from, to: $to, bucket: $bucket, groupBy: SPACE) {
    rows { from figures { ...D } } total { ...D }
    groups { key space { name targets { women youth disability displaced } } total { ...D } } } }
  fragment D on InclusionFigures { attendance { count share suppressed } women { count share suppressed } youth { count share suppressed }
    personsWithDisabilities { count share suppressed } displaced { count share suppressed } }`

func TestAYearByMonthOfEveryRegionFitsTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a synthetic history")
	}
	// 250 spaces over five regions: the old budget refused this table of
	// every region, and every export of it.
	e := newEnvWith(t, envOptions{history: 100_000})
	for _, region := range []string{"", "gao"} {
		vars := map[string]any{"from": "2024-01-01", "to": "2024-12-31", "bucket": "MONTH"}
		if region != "" {
			vars["region"] = region
		}
		if r := e.do(e.analyst, dashboardTable, vars); r.Status != 200 || len(r.Errors) > 0 || len(get(r.Data, "inclusion", "groups").([]any)) == 0 {
			t.Errorf("the dashboard's table of a year by month, region %q: %d %.300s", region, r.Status, r.raw)
		}
		if r := e.do(e.analyst, dashboardColumns, vars); r.Status != 200 || len(r.Errors) > 0 || len(get(r.Data, "inclusion", "columns", "keys").([]any)) == 0 {
			t.Errorf("the dashboard's table as columns, region %q: %d %.300s", region, r.Status, r.raw)
		}
		// The table as the dashboard shows it (each space's total), and
		// every space by month.
		for _, rows := range []string{"&groupRows=false", ""} {
			path := "/export/inclusion.xlsx?from=2024-01-01&to=2024-12-31&bucket=month&groupBy=space" + rows + "&region=" + region
			if code, body := e.download(e.analyst, path); code != 200 || !bytes.HasPrefix(body, []byte("PK")) {
				t.Errorf("%s: %d %.300s", path, code, body)
			}
		}
	}
}

func TestADeadlineStopsTheWorkAndSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a synthetic history")
	}
	// No catch-up snapshot of the 60,000 events: written in the background
	// once the models are ready, its goroutines would start in the middle
	// of the count below (the test failed so, on a busy machine).
	e := newEnvWith(t, envOptions{history: 60_000, server: &graphql.Options{RequestTimeout: 50 * time.Millisecond},
		runner: &projections.Options{SnapshotEvery: 1 << 30}})
	e.must(e.analyst, `{ me { role } }`, nil) // the connection is made and idle
	idle := runtime.NumGoroutine()
	start := time.Now()
	// A past view replays the whole history: far more than 50 ms.
	r := e.do(e.analyst, `{ inclusion(region: "gao", asOf: "2030-01-01T00:00:00Z") { total { dialogues } } }`, nil)
	if r.Status != 503 || r.code() != "TIMEOUT" || r.Errors[0].Extensions["requestId"] == nil {
		t.Fatalf("a request past its deadline: %d %s, want 503 TIMEOUT with a request id", r.Status, r.raw)
	}
	id := r.Errors[0].Extensions["requestId"].(string)
	if !strings.Contains(e.logs.String(), `"request":"`+id+`"`) || !strings.Contains(e.logs.String(), `"code":"TIMEOUT"`) {
		t.Error("no log line for the timed-out request")
	}
	// The replay stops with the answer instead of going on in the
	// background: the goroutines it ran on end at once.
	for time.Since(start) < 300*time.Millisecond && runtime.NumGoroutine() > idle+2 {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > idle+2 {
		t.Errorf("%d goroutines 300 ms after the deadline, %d before the request: the work went on", n, idle)
	}
}

func TestPastViewsReplayedForOneTokenAreBounded(t *testing.T) {
	e := newEnv(t)
	// Six moments, each after one more event: six different replays.
	var moments []string
	for range 6 {
		e.must(e.admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie", type: MAYOR, level: LOCAL, region: "gao"}) { id } }`, map[string]any{"c": newID()})
		time.Sleep(2 * time.Millisecond)
		moments = append(moments, time.Now().UTC().Add(-time.Millisecond).Format(time.RFC3339Nano))
	}
	past := func(token, at string) response {
		return e.do(token, `query($at: String) { inclusion(region: "gao", asOf: $at) { total { dialogues } } }`, map[string]any{"at": at})
	}
	// A facilitator's moments are exact: each is a replay.
	for i := range 4 {
		if r := past(e.gao, moments[i]); r.code() != "" {
			t.Fatalf("past view %d: %s", i, r.raw)
		}
	}
	if r := past(e.gao, moments[4]); r.Status != 429 || r.code() != "RATE_LIMITED" || !strings.Contains(r.raw, `"field":"asOf"`) {
		t.Fatalf("a fifth replay at once: %d %s, want 429 RATE_LIMITED", r.Status, r.raw)
	}
	if r := past(e.gao, moments[3]); r.code() != "" {
		t.Fatalf("a moment already replayed costs nothing: %s", r.raw)
	}
	// An analyst's moments move to the start of their month: six moments
	// of one month are one replay.
	for i := range 6 {
		if r := past(e.analyst, moments[i]); r.code() != "" {
			t.Fatalf("an analyst's past view %d: %s", i, r.raw)
		}
	}
	if r := past(e.admin, moments[5]); r.code() != "" {
		t.Fatalf("another token is not held back by the first: %s", r.raw)
	}
}

// TestATablesColumnsArePricedByTheirGroups: a column of a table is an
// entry per group, so each list asked costs a share of the groups, and
// the dashboard's table as columns costs less than as groups.
func TestATablesColumnsArePricedByTheirGroups(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a synthetic history")
	}
	// A budget of 1 refuses every table, saying what it would cost.
	e := newEnvWith(t, envOptions{history: 20_000, server: &graphql.Options{Budget: 1}})
	costOf := func(query string) int {
		t.Helper()
		r := e.do(e.analyst, query, map[string]any{"from": "2024-01-01", "to": "2024-12-31", "bucket": "MONTH"})
		var n int
		at := strings.Index(r.raw, "cost about ")
		if at < 0 {
			t.Fatalf("%s: no cost in %d %s", query, r.Status, r.raw)
		}
		if _, err := fmt.Sscanf(r.raw[at+len("cost about "):], "%d", &n); err != nil {
			t.Fatalf("%s: %v in %s", query, err, r.raw)
		}
		return n
	}
	cost := func(selection string) int {
		return costOf(`{ inclusion(from: "2024-01-01", to: "2024-12-31", bucket: MONTH, groupBy: SPACE) { ` + selection + ` } }`)
	}
	groups := cost(`groups { key by }`) - cost(`groups { key }`)
	if groups < 20 {
		t.Fatalf("%d spaces: too few for the columns' price to show", groups)
	}
	perList := cost(`columns { keys spaceNames }`) - cost(`columns { keys }`)
	if want := 1 + (groups+19)/20; perList != want {
		t.Errorf("a column of %d groups costs %d, want %d", groups, perList, want)
	}
	measure := cost(`columns { women { counts shares suppressed } }`) - cost(`columns { women { counts } }`)
	if measure != 2*perList {
		t.Errorf("a measure's shares and flags cost %d, want twice a column's %d", measure, perList)
	}
	asColumns, asGroups := costOf(dashboardColumns), costOf(dashboardTable)
	if asColumns >= asGroups {
		t.Errorf("the dashboard's table costs %d as columns, %d as groups", asColumns, asGroups)
	}
}
