package graphql_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/graphql"
)

// The recomputation check: many answers of every shape (scopes, ranges,
// buckets, tables), each set beside the exact answer an admin gets for the
// same question. In each answer it looks for a non-zero figure published
// in a row whose attendance is withheld, and recomputes every withheld
// figure it can from the identities that hold among the true figures
// (parts and totals, rows and totals, groups and totals, youth = young
// women + young men, attendance = registered + unregistered = women + men,
// and unique participants = registered in a one-dialogue cell). Against
// exact figures a recomputed small count is a leak; against perturbed
// ones it is reported with how often it equals the truth.

// recompute checks the answers of one server and says what it found.
func (w *attackWorld) recompute(t *testing.T, mode graphql.Disclosure) string {
	specs := w.wideAnswers()
	e := w.servers[mode]
	published := fetchTables(t, e, e.advocacy, specs)
	if w.truths == nil {
		w.truths = fetchTables(t, e, e.admin, specs)
	}
	var f findings
	for i := range specs {
		f.check(specs[i], published[i], w.truths[i], mode == graphql.Suppress)
	}
	if len(f.inWithheldRows) > 0 {
		t.Errorf("%d figures published in rows whose attendance is withheld, e.g. %s", len(f.inWithheldRows), strings.Join(f.inWithheldRows[:min(3, len(f.inWithheldRows))], "; "))
	}
	// Suppress is retired (palabre serve refuses it: the averaging attack
	// recovers every small count across answers), and served here only as
	// the undefended control: what it leaks within one answer is reported,
	// not held.
	if mode != graphql.Suppress && len(f.smallLeaks) > 0 {
		t.Errorf("%d exact small counts recomputable within one answer, e.g.\n%s", len(f.smallLeaks), strings.Join(f.smallLeaks[:min(4, len(f.smallLeaks))], "\n"))
	}
	return fmt.Sprintf("%d answers, %d figures published, %d withheld; %d non-zero figures in rows whose attendance is withheld; "+
		"%d withheld figures recomputable within their answer, %d of them equal to the true count, %d a true small count (1–4) recomputed exactly",
		len(specs), f.published, f.withheld, len(f.inWithheldRows), f.recomputed, f.exact, len(f.smallLeaks))
}

// wideAnswers are the questions the check asks: every scope, range,
// bucket and grouping over the whole period, a quarter and a month, and
// the targets' own days and weeks.
func (w *attackWorld) wideAnswers() []viewSpec {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	scopes := []string{"", `region: "mopti"`, "spaceId: " + quote(w.targets[0].space), "spaceId: " + quote(w.targets[150].space)}
	groupings := []string{"", "SPACE", "FORMAT", "PILLAR", "REGION"}
	var out []viewSpec
	for _, r := range []struct {
		from, to time.Time
		buckets  []string
	}{{date(2025, 1, 1), date(2026, 5, 31), []string{"", "QUARTER", "MONTH"}}, {date(2025, 4, 1), date(2025, 6, 30), []string{"", "MONTH"}},
		{date(2026, 2, 1), date(2026, 2, 28), []string{"", "MONTH"}}} {
		for _, scope := range scopes {
			for _, bucket := range r.buckets {
				for _, g := range groupings {
					if bucket == "MONTH" && g == "SPACE" && r.to.Sub(r.from) > 100*24*time.Hour && strings.HasPrefix(scope, "spaceId") {
						continue // a space's month by month is in its region's
					}
					out = append(out, viewSpec{scope: scope, from: r.from, to: r.to, bucket: bucket, groupBy: g})
				}
			}
		}
	}
	for _, tg := range w.targets[:20] {
		space, region := "spaceId: "+quote(tg.space), "region: "+quote(tg.region)
		week := 3 * 24 * time.Hour
		monthStart := date(tg.on.Year(), tg.on.Month(), 1)
		out = append(out, viewSpec{scope: space, from: tg.on, to: tg.on}, viewSpec{scope: space, from: tg.on, to: tg.on, groupBy: "PILLAR"},
			viewSpec{scope: region, from: tg.on, to: tg.on, groupBy: "SPACE"}, viewSpec{scope: region, from: tg.on.Add(-week), to: tg.on.Add(week), groupBy: "SPACE"},
			viewSpec{scope: space, from: monthStart, to: monthStart.AddDate(0, 1, -1), bucket: "MONTH", groupBy: "FORMAT"},
			viewSpec{scope: space, from: tg.on.Add(-week), to: tg.on.Add(week), groupBy: "FORMAT"})
	}
	return out
}

// figureSet is one published InclusionFigures: a total, a row, a group's.
type figureSet struct {
	name      string
	dialogues int
	measures  map[string]observation
}

// table is one answer: its figure sets and the lines that add up.
type table struct {
	sets  []*figureSet
	lines []tableLine
}

type tableLine struct {
	whole *figureSet
	parts []*figureSet
}

// fetchTables asks for whole answers, three to a request (the field limit).
func fetchTables(t *testing.T, e *env, token string, specs []viewSpec) []table {
	t.Helper()
	out := make([]table, 0, len(specs))
	for start := 0; start < len(specs); start += 3 {
		batch := specs[start:min(len(specs), start+3)]
		var q strings.Builder
		q.WriteString("{")
		for i, v := range batch {
			fmt.Fprintf(&q, " v%d: inclusion(%s) { rows { from figures { ...F } } total { ...F } groups { key total { ...F } rows { from figures { ...F } } } }",
				i, v.arguments())
		}
		q.WriteString(" } " + fragment(everyMeasure))
		r := e.do(token, q.String(), nil)
		if len(r.Errors) > 0 || r.Status != 200 {
			t.Fatalf("%.300s…\n-> %d %.500s", q.String(), r.Status, r.raw)
		}
		for i := range batch {
			out = append(out, parseTable(r.Data[fmt.Sprintf("v%d", i)]))
		}
	}
	return out
}

func parseTable(answer any) table {
	var tb table
	set := func(name string, f any) *figureSet {
		a := pickFigures(viewSpec{kind: "dialogue"}, map[string]any{"figures": f}, everyMeasure)
		s := &figureSet{name: name, dialogues: a.dialogues, measures: a.measures}
		tb.sets = append(tb.sets, s)
		return s
	}
	rowsOf := func(prefix string, v any) (rows []*figureSet, byFrom map[string]*figureSet) {
		byFrom = map[string]*figureSet{}
		for _, r := range get(v, "rows").([]any) {
			s := set(prefix+" row "+get(r, "from").(string), get(r, "figures"))
			rows = append(rows, s)
			byFrom[get(r, "from").(string)] = s
		}
		return rows, byFrom
	}
	total := set("total", get(answer, "total"))
	rows, _ := rowsOf("total", answer)
	if len(rows) > 0 {
		tb.lines = append(tb.lines, tableLine{total, rows})
	}
	groups := get(answer, "groups").([]any)
	var groupTotals []*figureSet
	byBucket := map[string][]*figureSet{}
	for _, g := range groups {
		key := get(g, "key").(string)
		gt := set("group "+key, get(g, "total"))
		groupTotals = append(groupTotals, gt)
		grows, byFrom := rowsOf("group "+key, g)
		if len(grows) > 0 {
			tb.lines = append(tb.lines, tableLine{gt, grows})
		}
		for from, s := range byFrom {
			byBucket[from] = append(byBucket[from], s)
		}
	}
	if len(groups) > 0 {
		tb.lines = append(tb.lines, tableLine{total, groupTotals})
		for _, r := range get(answer, "rows").([]any) {
			from := get(r, "from").(string)
			for _, s := range tb.sets {
				if s.name == "total row "+from {
					tb.lines = append(tb.lines, tableLine{s, byBucket[from]})
				}
			}
		}
	}
	return tb
}

// findings gathers what the check found over all answers.
type findings struct {
	published, withheld, recomputed, exact int
	inWithheldRows, smallLeaks             []string
}

// variable is one measure of one figure set of an answer.
type variable struct {
	set     int
	measure string
}

type equation struct {
	whole variable
	parts []variable
}

func (f *findings) check(spec viewSpec, got, truth table, exact bool) {
	if len(got.sets) != len(truth.sets) {
		f.inWithheldRows = append(f.inWithheldRows, fmt.Sprintf("%s: %d figure sets, the truth has %d", spec.arguments(), len(got.sets), len(truth.sets)))
		return
	}
	index := map[*figureSet]int{}
	known := map[variable]int{}
	for i, s := range got.sets {
		index[s] = i
		attendanceWithheld := s.measures["attendance"].withheld
		for _, m := range everyMeasure {
			o := s.measures[m]
			if o.withheld {
				f.withheld++
				continue
			}
			f.published++
			known[variable{i, m}] = o.count
			if attendanceWithheld && o.count > 0 {
				f.inWithheldRows = append(f.inWithheldRows, fmt.Sprintf("%s, %s: %s published %d (true %d), attendance withheld (true %d)",
					spec.arguments(), s.name, m, o.count, truth.sets[i].measures[m].count, truth.sets[i].measures["attendance"].count))
			}
		}
	}
	var eqs []equation
	for i, s := range got.sets {
		for _, parts := range [][3]string{{"attendance", "registered", "unregistered"}, {"attendance", "women", "men"}, {"youth", "youngWomen", "youngMen"}} {
			eqs = append(eqs, equation{variable{i, parts[0]}, []variable{{i, parts[1]}, {i, parts[2]}}})
		}
		if truth.sets[i].dialogues == 1 && s.dialogues == 1 {
			eqs = append(eqs, equation{variable{i, "uniqueParticipants"}, []variable{{i, "registered"}}})
		}
	}
	for _, l := range got.lines {
		for _, m := range everyMeasure {
			if m == "uniqueParticipants" {
				continue // people are counted once per cell: they do not add up
			}
			e := equation{whole: variable{index[l.whole], m}}
			for _, p := range l.parts {
				e.parts = append(e.parts, variable{index[p], m})
			}
			eqs = append(eqs, e)
		}
	}
	trueValue := func(v variable) int { return truth.sets[v.set].measures[v.measure].count }
	var holding []equation
	for _, e := range eqs {
		sum := 0
		for _, p := range e.parts {
			sum += trueValue(p)
		}
		if sum == trueValue(e.whole) {
			holding = append(holding, e)
		}
	}
	derived, how := solve(holding, known)
	name := func(v variable) string { return got.sets[v.set].name + " " + v.measure }
	for v, value := range derived {
		f.recomputed++
		if value != trueValue(v) {
			continue
		}
		f.exact++
		if exact && value > 0 && value < attackThreshold {
			e := how[v]
			var terms []string
			for _, p := range append([]variable{e.whole}, e.parts...) {
				if p == v {
					continue
				}
				term := fmt.Sprintf("%s %d", name(p), known[p])
				if via, ok := how[p]; ok { // itself withheld and recomputed: say how
					var from []string
					for _, q := range append([]variable{via.whole}, via.parts...) {
						if q != p {
							from = append(from, name(q))
						}
					}
					term += " (withheld, recomputed from " + strings.Join(from, ", ") + ")"
				}
				terms = append(terms, term)
			}
			f.smallLeaks = append(f.smallLeaks, fmt.Sprintf("%s: %s = %d from %s", spec.arguments(), name(v), value, strings.Join(terms, ", ")))
		}
	}
}

// solve recomputes every unknown an equation with one unknown left gives,
// until none is left; it returns what it recomputed.
func solve(eqs []equation, known map[variable]int) (derived map[variable]int, how map[variable]equation) {
	derived, how = map[variable]int{}, map[variable]equation{}
	for changed := true; changed; {
		changed = false
		for _, e := range eqs {
			var unknown *variable
			missing, sum := 0, 0
			for _, p := range e.parts {
				if value, ok := known[p]; ok {
					sum += value
				} else {
					missing++
					unknown = &p
				}
			}
			whole, ok := known[e.whole]
			switch {
			case ok && missing == 1:
				known[*unknown], derived[*unknown], how[*unknown], changed = whole-sum, whole-sum, e, true
			case !ok && missing == 0:
				known[e.whole], derived[e.whole], how[e.whole], changed = sum, sum, e, true
			}
		}
	}
	return derived, how
}
