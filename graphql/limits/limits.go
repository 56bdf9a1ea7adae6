// Package limits checks a GraphQL request against palabre's limits before
// graphql-go validates or executes it: nesting, depth, aliases, fields
// after fragment expansion, and fragment cycles. graphql-go v0.8.1 dies of
// a fatal stack overflow — which recover cannot catch — when it validates
// a document whose fragments spread each other, so a cycle must never
// reach it.
package limits

import (
	"fmt"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// Limits bound one request; zero fields take the defaults.
type Limits struct {
	// Depth bounds selection sets nested in one another; default 12, what
	// the graph's relations need (a space's dialogues' commitments'
	// stakeholder): the cost budget, not depth, bounds the work.
	Depth   int
	Aliases int // aliased fields after fragment expansion; default 30
	Fields  int // fields after fragment expansion; default 500
	// IntrospectionDepth bounds paths through __schema or __type; default
	// 16, room for the standard query (graphql-js's
	// getIntrospectionQuery, whose type references nest nine deep), which
	// every client tool sends. Along one such path a type's members
	// (fields, inputFields, interfaces, possibleTypes, enumValues) may be
	// listed once: listing them again under a member's type multiplies the
	// answer by the schema's size at every step.
	IntrospectionDepth int
}

// members are introspection fields that list a type's members.
var members = map[string]uint8{"fields": 1, "inputFields": 2, "interfaces": 4, "possibleTypes": 8, "enumValues": 16}

func (l Limits) withDefaults() Limits {
	if l.IntrospectionDepth <= 0 {
		l.IntrospectionDepth = 16
	}
	if l.Depth <= 0 {
		l.Depth = 12
	}
	if l.Aliases <= 0 {
		l.Aliases = 30
	}
	if l.Fields <= 0 {
		l.Fields = 500
	}
	return l
}

// Error is a request over a limit; Limit names it ("depth", "aliases",
// "fields", "fragment cycle", "syntax").
type Error struct {
	Limit   string
	Message string
	// Template and Args are Message before formatting, so that a door
	// says it in its reader's language; no template for a syntax error,
	// which is the parser's own words.
	Template string
	Args     []any
}

// overLimit is a request over a limit, why in English and as a template.
func overLimit(limit, format string, args ...any) *Error {
	return &Error{Limit: limit, Message: fmt.Sprintf(format, args...), Template: format, Args: args}
}

func (e *Error) Error() string { return e.Message }

// maxNesting bounds brackets in the raw text, checked before parsing so
// that the parser's recursion stays shallow whatever the input.
const maxNesting = 64

// Parse checks the raw text's nesting, parses it and checks the document.
func Parse(query string, l Limits) (*ast.Document, error) {
	if err := checkNesting(query); err != nil {
		return nil, err
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return nil, &Error{Limit: "syntax", Message: err.Error()}
	}
	if err := Check(doc, l); err != nil {
		return nil, err
	}
	return doc, nil
}

// checkNesting rejects brackets nested deeper than maxNesting, outside
// strings and comments.
func checkNesting(q string) error {
	depth := 0
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case '"':
			if i+2 < len(q) && q[i+1] == '"' && q[i+2] == '"' { // a block string
				end := i + 3
				for end+2 < len(q) && !(q[end] == '"' && q[end+1] == '"' && q[end+2] == '"' && q[end-1] != '\\') {
					end++
				}
				i = end + 2
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '[', '(':
			if depth++; depth > maxNesting {
				return overLimit("depth", "the query nests brackets more than %d deep", maxNesting)
			}
		case '}', ']', ')':
			depth--
		}
	}
	return nil
}

// Check walks a parsed document: fragment cycles first (so that nothing
// after recurses forever), then depth, aliases and fields with every
// fragment spread expanded.
func Check(doc *ast.Document, l Limits) error {
	l = l.withDefaults()
	fragments := map[string]*ast.FragmentDefinition{}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok && f.Name != nil {
			fragments[f.Name.Value] = f
		}
	}
	if name, ok := findCycle(fragments); ok {
		return overLimit("fragment cycle", "fragment %q spreads itself, directly or through other fragments", name)
	}
	w := walker{fragments: fragments, limits: l, memo: map[memoKey]tally{}}
	total := tally{}
	for _, def := range doc.Definitions {
		if op, ok := def.(*ast.OperationDefinition); ok {
			total = total.plus(w.selections(op.SelectionSet, 1, path{}))
		}
	}
	switch {
	case w.repeated != "":
		return overLimit("introspection", "introspection lists %q again under a member's type; list a type's members once per path, as the standard introspection query does", w.repeated)
	case total.introDepth > l.IntrospectionDepth:
		return overLimit("depth", "the introspection is %d levels deep; the limit is %d (the standard query needs 15)", total.introDepth, l.IntrospectionDepth)
	case total.depth > l.Depth:
		return overLimit("depth", "the query is %d levels deep; the limit is %d", total.depth, l.Depth)
	case total.aliases > l.Aliases:
		return overLimit("aliases", "the query has %d aliases; the limit is %d", total.aliases, l.Aliases)
	case total.fields > l.Fields:
		return overLimit("fields", "the query asks for %d fields once fragments are expanded; the limit is %d", total.fields, l.Fields)
	}
	return nil
}

// findCycle reports a fragment that reaches itself through spreads.
func findCycle(fragments map[string]*ast.FragmentDefinition) (string, bool) {
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	var visit func(name string) (string, bool)
	visit = func(name string) (string, bool) {
		f, ok := fragments[name]
		if !ok || state[name] == done {
			return "", false
		}
		if state[name] == visiting {
			return name, true
		}
		state[name] = visiting
		for _, spread := range spreads(f.SelectionSet, nil) {
			if n, cyclic := visit(spread); cyclic {
				return n, true
			}
		}
		state[name] = done
		return "", false
	}
	for name := range fragments {
		if n, cyclic := visit(name); cyclic {
			return n, true
		}
	}
	return "", false
}

// spreads lists the fragment names spread in a selection set, inline
// fragments included.
func spreads(set *ast.SelectionSet, out []string) []string {
	if set == nil {
		return out
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			out = spreads(s.SelectionSet, out)
		case *ast.InlineFragment:
			out = spreads(s.SelectionSet, out)
		case *ast.FragmentSpread:
			if s.Name != nil {
				out = append(out, s.Name.Value)
			}
		}
	}
	return out
}

// tally is what a selection set costs once expanded. Sums saturate: a
// fragment spread twice per level doubles per level. depth counts paths
// outside introspection, introDepth those through __schema or __type.
type tally struct{ depth, introDepth, aliases, fields int }

const saturated = 1 << 30

func (t tally) plus(o tally) tally {
	return tally{max(t.depth, o.depth), max(t.introDepth, o.introDepth), min(t.aliases+o.aliases, saturated), min(t.fields+o.fields, saturated)}
}

// shifted moves a tally made at level 1 to a level.
func (t tally) shifted(level int) tally {
	if t.depth > 0 {
		t.depth += level - 1
	}
	if t.introDepth > 0 {
		t.introDepth += level - 1
	}
	return t
}

// path is what a selection knows of the fields above it.
type path struct {
	introspection bool
	members       uint8 // the member lists already on the path
}

type memoKey struct {
	fragment string
	path     path
}

type walker struct {
	fragments map[string]*ast.FragmentDefinition
	limits    Limits
	memo      map[memoKey]tally // by fragment and path, relative to its own level
	repeated  string            // a member list met twice on one path
}

// selections tallies a selection set at the given level (1 for an
// operation's fields).
func (w *walker) selections(set *ast.SelectionSet, level int, at path) tally {
	t := tally{}
	if set == nil {
		return t
	}
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			t = t.plus(w.field(s, level, at))
		case *ast.InlineFragment:
			t = t.plus(w.selections(s.SelectionSet, level, at))
		case *ast.FragmentSpread:
			if s.Name == nil {
				continue
			}
			t = t.plus(w.fragment(s.Name.Value, at).shifted(level))
		}
	}
	return t
}

func (w *walker) field(s *ast.Field, level int, at path) tally {
	name := ""
	if s.Name != nil {
		name = s.Name.Value
	}
	if name == "__schema" || name == "__type" {
		at.introspection = true
	}
	f := tally{fields: 1}
	if at.introspection {
		f.introDepth = level
		if bit := members[name]; bit != 0 {
			if at.members&bit != 0 && w.repeated == "" {
				w.repeated = name
			}
			at.members |= bit
		}
	} else {
		f.depth = level
	}
	if s.Alias != nil && s.Alias.Value != "" {
		f.aliases = 1
	}
	if s.SelectionSet != nil {
		f = f.plus(w.selections(s.SelectionSet, level+1, at))
	}
	return f
}

// fragment tallies a fragment as if spread at level 1 on a path; cycles
// were ruled out before.
func (w *walker) fragment(name string, at path) tally {
	key := memoKey{name, at}
	if t, ok := w.memo[key]; ok {
		return t
	}
	f, ok := w.fragments[name]
	if !ok {
		return tally{} // graphql-go reports unknown fragments
	}
	t := w.selections(f.SelectionSet, 1, at)
	w.memo[key] = t
	return t
}
