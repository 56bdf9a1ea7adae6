package graphql

import (
	"fmt"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/projections/inclusion"
)

// A request's cost is estimated before it runs, from the document, its
// variables and the size of the data it selects, and a request over the
// budget is refused. A unit is about 2 µs of one core, as measured at 1M
// synthetic events (BenchmarkAYearByMonthOfEveryRegion): every field
// resolved costs one, and a list multiplies what it holds by its size — a
// connection by its first, an inclusion view's rows by the buckets its
// dates and bucket make, a table's groups by how many there are (and each
// of its columns' lists, a fraction of a unit per group), any
// other list by a bound on its length; a field a directive skips costs
// nothing. An inclusion view adds the work done before any field is
// resolved, which is most of a table's: a scan of the dialogues it
// selects (two for a table, whose groups share them out again), a view
// per group, and the figures of every cell (each group's and the total's
// buckets and totals), made and released whether asked for or not. asOf
// adds a replay of the log. Like the GitHub API's node limit, the bound
// holds whatever the query.

const (
	// DefaultBudget is the most a request may cost: about 2.4 s of one
	// core. A year by month of every region (280,000 dialogues and 2,500
	// spaces at 1M events) costs ~800,000 as the dashboard's table, ~1M as
	// its export; one execution slot per token keeps the other core for
	// everyone else.
	DefaultBudget = 1_200_000
	// MaxRows bounds an inclusion view's buckets: ten years by month.
	MaxRows = 120
	// viewCost is a view's fixed work: its query, bitmaps and buckets.
	viewCost = 10
	// dialogueCost is a dialogue scanned once: its counts and attendees
	// added, and its place in the order by date (~2.5 µs).
	dialogueCost = 1
	// cellCost is one bucket's or total's figures made and released: a
	// dozen measures published and perturbed.
	cellCost = 3
	// spaceMonthsPerUnit: a space-month of the base table added up (a
	// dozen measures, ~40 ns).
	spaceMonthsPerUnit = 50
	// asOfCost is a past view: at worst a replay of the log (seconds at
	// 1M events; replays are also paced per token).
	asOfCost = 500_000
	// columnEntriesPerUnit: a table's column holds an entry per group,
	// written and encoded in one piece (~0.1 µs each).
	columnEntriesPerUnit = 20
	// listBound is the length assumed for a list that is not a connection
	// (attendees of a dialogue, a stakeholder's ids, groups…).
	listBound = 20
)

// Dates a view may name: wide enough for any programme's records, narrow
// enough that no range is a way to make work.
var (
	earliestDate = domain.NewDate(1950, 1, 1)
	latestDate   = domain.NewDate(2099, 12, 31)
)

// viewBounds checks a view's dates and counts the rows its buckets make,
// over the dialogues' own span where an end is not given. The one check
// for the cost estimate and the resolver alike.
func (b *builder) viewBounds(from, to domain.Date, bucket inclusion.Bucket) (rows int, err error) {
	for _, d := range []struct {
		name string
		date domain.Date
	}{{"from", from}, {"to", to}} {
		if !d.date.IsZero() && (d.date.Before(earliestDate) || d.date.After(latestDate)) {
			return 0, badInput(d.name, "%s is outside the dates a view may cover (%s to %s)", d.date, earliestDate, latestDate)
		}
	}
	if bucket == inclusion.NoBucket {
		return 1, nil
	}
	first, last := b.spanOf(from, to)
	if first.IsZero() || last.IsZero() {
		return 1, nil
	}
	if rows = inclusion.Buckets(first, last, bucket); rows > MaxRows {
		return 0, badInput("bucket", "%s buckets from %s to %s make %d rows; at most %d: narrow from and to, or use a longer bucket",
			bucketNames[bucket], first, last, rows, MaxRows)
	}
	return max(rows, 1), nil
}

// spanOf is a view's dates, the dialogues' first or last day where an
// end is open. The span is looked up only then: it reads every space.
func (b *builder) spanOf(from, to domain.Date) (first, last domain.Date) {
	if !from.IsZero() && !to.IsZero() {
		return from, to
	}
	first, last = b.deps.Inclusion.Span()
	if !from.IsZero() {
		first = from
	}
	if !to.IsZero() {
		last = to
	}
	return first, last
}

// groupsBound is how many groups a table's groupBy can make: the spaces
// or regions within its region (every space's when none is named), the
// pillars or the formats.
func (b *builder) groupsBound(args map[string]any) int {
	region, _ := args["region"].(string)
	switch args["groupBy"] {
	case string(read.BySpace):
		if args["spaceId"] != nil {
			return 1
		}
		return b.deps.Inclusion.SpaceCount(region)
	case string(read.ByRegion):
		regions := map[string]bool{}
		for _, s := range b.deps.Inclusion.Spaces(region) {
			regions[s.Region] = true
		}
		return len(regions)
	case string(read.ByPillar):
		return len(domain.Pillars)
	case string(read.ByFormat):
		return len(dialogue.Formats)
	}
	return 0
}

var bucketNames = map[inclusion.Bucket]string{inclusion.NoBucket: "NONE", inclusion.Month: "MONTH", inclusion.Quarter: "QUARTER", inclusion.Year: "YEAR"}

// estimate walks an operation with its fragments expanded (limits ruled
// out cycles before) and returns its cost, or the error of a view whose
// bounds are refused.
type estimate struct {
	b         *builder
	schema    *gql.Schema
	fragments map[string]*ast.FragmentDefinition
	vars      map[string]any
	// fromBase: the reader's views are sums of the base table's cells,
	// not scans of dialogues.
	fromBase bool
}

// saturate keeps sums and products of costs from overflowing. Costs are
// int64, so that it holds on 32-bit builds too (a Raspberry Pi 2, ARMv7).
const saturate int64 = 1 << 40

func (s *Server) cost(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, fromBase bool) (int64, error) {
	e := estimate{b: s.builder, schema: &s.schema, fragments: map[string]*ast.FragmentDefinition{}, vars: map[string]any{}, fromBase: fromBase}
	// A variable not sent takes its default, as graphql-go will give it.
	for _, def := range op.VariableDefinitions {
		if def.Variable != nil && def.Variable.Name != nil && def.DefaultValue != nil {
			e.vars[def.Variable.Name.Value] = e.value(def.DefaultValue)
		}
	}
	for name, v := range vars {
		e.vars[name] = v
	}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok && f.Name != nil {
			e.fragments[f.Name.Value] = f
		}
	}
	root := s.schema.QueryType()
	if op.Operation == ast.OperationTypeMutation {
		root = s.schema.MutationType()
	}
	return e.selections(op.SelectionSet, root, viewSize{rows: 1})
}

// viewSize is the shape of the inclusion view a selection belongs to:
// its rows (buckets) and, for a table, its groups.
type viewSize struct {
	rows, groups int
	report       reportShape // within a donor report
}

// selections costs a selection set on a type within a view of that size.
func (e *estimate) selections(set *ast.SelectionSet, on gql.Type, rows viewSize) (int64, error) {
	if set == nil {
		return 0, nil
	}
	var total int64
	for _, sel := range set.Selections {
		if e.skipped(sel) {
			continue
		}
		var c int64
		var err error
		switch s := sel.(type) {
		case *ast.Field:
			c, err = e.field(s, on, rows)
		case *ast.InlineFragment:
			c, err = e.selections(s.SelectionSet, e.typeCondition(s.TypeCondition, on), rows)
		case *ast.FragmentSpread:
			if f := e.fragments[s.Name.Value]; f != nil {
				c, err = e.selections(f.SelectionSet, e.typeCondition(f.TypeCondition, on), rows)
			}
		}
		if err != nil {
			return 0, err
		}
		total = min(total+c, saturate)
	}
	return total, nil
}

func (e *estimate) typeCondition(n *ast.Named, otherwise gql.Type) gql.Type {
	if n == nil || n.Name == nil {
		return otherwise
	}
	if t := e.schema.Type(n.Name.Value); t != nil {
		return t
	}
	return otherwise
}

func (e *estimate) field(f *ast.Field, on gql.Type, rows viewSize) (int64, error) {
	name := f.Name.Value
	def := fieldOf(on, name)
	if def == nil || strings.HasPrefix(name, "__") {
		return 1, nil // introspection is bounded by the schema; unknown fields fail validation
	}
	args := e.arguments(f)
	var base, each int64 = 1, 1
	t, list := unwrap(def.Type)
	switch {
	case t.Name() == "InclusionView":
		var err error
		if rows.rows, err = e.inclusionRows(args); err != nil {
			return 0, err
		}
		rows.groups = e.b.groupsBound(args)
		base += e.viewWork(args, rows)
		if at, _ := args["asOf"].(string); at != "" {
			base += asOfCost
		}
	case t.Name() == "DonorReport":
		var work int64
		rows.report, work = e.reportWork(args)
		base += work
	case name == "rows" && t.Name() == "InclusionRow":
		each = int64(rows.rows)
	case name == "groups" && t.Name() == "InclusionGroup":
		each = int64(rows.groups)
	case isColumn(on, t):
		base += int64((rows.groups + columnEntriesPerUnit - 1) / columnEntriesPerUnit)
	case strings.HasSuffix(t.Name(), "Connection"):
		each = int64(firstOf(args))
	case list && rows.report.in && isReportList(rows.report, t):
		n, _ := rows.report.reportLength(t)
		each = int64(n)
	case list:
		if _, scalar := t.(*gql.Scalar); !scalar {
			each = listBound
		}
	}
	if strings.HasSuffix(on.Name(), "Connection") && name == "edges" {
		each = 1 // the connection counted its first
	}
	inner, err := e.selections(f.SelectionSet, t, rows)
	if err != nil {
		return 0, err
	}
	return min(base+each*inner, saturate), nil
}

// isColumn tells a table's column: a scalar of InclusionColumns or of its
// objects, a JSON array of an entry per group.
func isColumn(on, t gql.Type) bool {
	_, scalar := t.(*gql.Scalar)
	return scalar && strings.HasSuffix(t.Name(), "Column") && slices.Contains([]string{"InclusionColumns", "MeasureColumn", "TargetColumns"}, on.Name())
}

// viewWork is what a view costs before its fields: a view per group and
// the total, the scan of its dialogues (a table's groups scan them again),
// and the figures of every cell, asked for or not.
func (e *estimate) viewWork(args map[string]any, size viewSize) int64 {
	from, to := viewDates(args)
	q := inclusion.Query{From: from, To: to}
	q.Region, _ = args["region"].(string)
	if s, ok := args["spaceId"].(string); ok {
		if id, err := domain.ParseID("spaceId", s); err == nil {
			q.SpaceID = &id
		}
	}
	var scans int64 = 1
	if size.groups > 0 {
		scans = 2
	}
	views, rows := int64(1+size.groups), int64(size.rows)
	if e.fromBase {
		return min(views*viewCost+scans*int64(e.spaceMonths(q))/spaceMonthsPerUnit+views*(rows+1)*cellCost, saturate)
	}
	return min(views*viewCost+scans*dialogueCost*int64(e.b.deps.Inclusion.Selected(q))+views*(rows+1)*cellCost, saturate)
}

// spaceMonths bounds the base table's space-months a view adds up: its
// spaces times the months of its dates (over the dialogues' span where an
// end is open).
func (e *estimate) spaceMonths(q inclusion.Query) int {
	spaces := 1
	if q.SpaceID == nil {
		spaces = e.b.deps.Inclusion.SpaceCount(q.Region)
	}
	first, last := e.b.spanOf(q.From, q.To)
	return spaces * max(inclusion.Buckets(first, last, inclusion.Month), 1)
}

// skipped reports whether @skip or @include leaves a selection out, as
// graphql-go will: it is not resolved, so it costs nothing.
func (e *estimate) skipped(sel ast.Selection) bool {
	var directives []*ast.Directive
	switch s := sel.(type) {
	case *ast.Field:
		directives = s.Directives
	case *ast.InlineFragment:
		directives = s.Directives
	case *ast.FragmentSpread:
		directives = s.Directives
	}
	for _, d := range directives {
		if d.Name == nil || len(d.Arguments) != 1 || d.Arguments[0].Name == nil || d.Arguments[0].Name.Value != "if" {
			continue
		}
		on, known := e.value(d.Arguments[0].Value).(bool)
		if known && (d.Name.Value == "skip" && on || d.Name.Value == "include" && !on) {
			return true
		} // what is not known is priced: graphql-go refuses a bad value

	}
	return false
}

// viewDates reads a view's dates as the resolver will; a bad one is
// refused by graphql-go, and left zero here.
func viewDates(args map[string]any) (from, to domain.Date) {
	for name, into := range map[string]*domain.Date{"from": &from, "to": &to} {
		if s, ok := args[name].(string); ok {
			if d, err := domain.ParseDate(s); err == nil {
				*into = d
			}
		}
	}
	return from, to
}

// inclusionRows reads a view's dates and bucket as the resolver will.
func (e *estimate) inclusionRows(args map[string]any) (int, error) {
	from, to := viewDates(args)
	bucket := inclusion.NoBucket
	if s, ok := args["bucket"].(string); ok {
		for b, n := range bucketNames {
			if n == s {
				bucket = b
			}
		}
	}
	return e.b.viewBounds(from, to, bucket)
}

// firstOf is a connection's page size as the resolver reads it; a bad
// value is refused there, and costs the most here.
func firstOf(args map[string]any) int {
	switch n := args["first"].(type) {
	case nil:
		return defaultFirst
	case int:
		if n >= 0 && n <= maxFirst {
			return n
		}
	}
	return maxFirst
}

// arguments are a field's arguments with variables substituted.
func (e *estimate) arguments(f *ast.Field) map[string]any {
	out := map[string]any{}
	for _, a := range f.Arguments {
		out[a.Name.Value] = e.value(a.Value)
	}
	return out
}

func (e *estimate) value(v ast.Value) any {
	switch v.GetKind() {
	case kinds.Variable:
		return e.vars[v.(*ast.Variable).Name.Value]
	case kinds.IntValue:
		var n int
		if _, err := fmt.Sscan(v.(*ast.IntValue).Value, &n); err == nil {
			return n
		}
		return nil
	case kinds.StringValue:
		return v.(*ast.StringValue).Value
	case kinds.EnumValue:
		return v.(*ast.EnumValue).Value
	case kinds.BooleanValue:
		return v.(*ast.BooleanValue).Value
	}
	return v.GetValue()
}

func fieldOf(t gql.Type, name string) *gql.FieldDefinition {
	switch t := t.(type) {
	case *gql.Object:
		return t.Fields()[name]
	case *gql.Interface:
		return t.Fields()[name]
	}
	return nil
}

// unwrap strips non-null and list wrappers, reporting whether there was a
// list.
func unwrap(t gql.Type) (gql.Type, bool) {
	list := false
	for {
		switch w := t.(type) {
		case *gql.NonNull:
			t = w.OfType
		case *gql.List:
			t, list = w.OfType, true
		default:
			return t, list
		}
	}
}
