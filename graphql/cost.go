package graphql

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
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

// estimate walks an operation with its fragments expanded (limits ruled
// out cycles before) and returns its cost, or the error of a view whose
// bounds are refused.
type estimate struct {
	b         *builder
	schema    *gql.Schema
	fragments map[string]*ast.FragmentDefinition
	vars      map[string]any
	// viewer is who asks: views are sized within their scope.
	viewer read.Viewer
	// fromBase: the reader's views are sums of the base table's cells,
	// not scans of dialogues.
	fromBase bool
}

// saturate keeps sums and products of costs from overflowing. Costs are
// int64, so that it holds on 32-bit builds too (a Raspberry Pi 2, ARMv7).
const saturate int64 = 1 << 40

func (s *Server) cost(doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, viewer read.Viewer) (int64, error) {
	e := estimate{b: s.builder, schema: &s.schema, fragments: map[string]*ast.FragmentDefinition{}, vars: map[string]any{},
		viewer: viewer, fromBase: s.builder.read.FromBaseTable(viewer.Principal)}
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
		size, err := e.viewSize(args)
		if err != nil {
			return 0, err
		}
		by, _ := args["groupBy"].(string)
		rows.rows, rows.groups = size.Rows, size.Groups(read.Grouping(by))
		base += e.viewWork(size, rows)
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
// the total, the scan of its dialogues (a table's groups scan them again)
// or, from the base table, of its space-months, and the figures of every
// cell, asked for or not.
func (e *estimate) viewWork(size read.ViewSize, shape viewSize) int64 {
	var scans int64 = 1
	if shape.groups > 0 {
		scans = 2
	}
	views, rows := int64(1+shape.groups), int64(shape.rows)
	if e.fromBase {
		return min(views*viewCost+scans*int64(size.Spaces*size.Months)/spaceMonthsPerUnit+views*(rows+1)*cellCost, saturate)
	}
	return min(views*viewCost+scans*dialogueCost*int64(size.Dialogues)+views*(rows+1)*cellCost, saturate)
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

// viewSize sizes a view as the resolver will ask it, through the read
// service and with the viewer's scope: a price says nothing the view
// would not. A view the viewer may not see is priced as nothing: it is
// refused when resolved, with the same error as any other's.
func (e *estimate) viewSize(args map[string]any) (read.ViewSize, error) {
	var q read.InclusionQuery
	q.From, q.To = viewDates(args)
	q.Region, _ = args["region"].(string)
	if s, ok := args["spaceId"].(string); ok {
		if id, err := domain.ParseID("spaceId", s); err == nil {
			q.SpaceID = &id
		}
	}
	if s, ok := args["bucket"].(string); ok {
		for b, n := range read.BucketNames {
			if n == s {
				q.Bucket = b
			}
		}
	}
	size, err := e.b.read.InclusionSize(e.viewer, q)
	if errors.Is(err, errNotFound) {
		return read.ViewSize{Rows: 1, Months: 1}, nil
	}
	return size, err
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
