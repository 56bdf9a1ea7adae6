package graphql_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// introspected is the part of __schema the walk needs.
type introspected struct {
	kinds  map[string]string
	fields map[string][]ifield // by type
	impls  map[string][]string // interface → objects
}

type ifield struct {
	name     string
	tagged   bool   // an identity field
	typeName string // the named type under lists and non-nulls
	args     []iarg
}

type iarg struct {
	name, typeName string
	required       bool
}

func introspect(e *env) introspected {
	e.t.Helper()
	d := e.must(e.admin, `{ __schema { types { name kind possibleTypes { name } fields { name description args { name type { kind name ofType { kind name } } }
	  type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`, nil)
	in := introspected{kinds: map[string]string{}, fields: map[string][]ifield{}, impls: map[string][]string{}}
	named := func(t any) string {
		for t != nil {
			if n, _ := get(t, "name").(string); n != "" {
				return n
			}
			t = get(t, "ofType")
		}
		return ""
	}
	for _, t := range get(d, "__schema", "types").([]any) {
		name := get(t, "name").(string)
		in.kinds[name] = get(t, "kind").(string)
		for _, p := range asList(get(t, "possibleTypes")) {
			in.impls[name] = append(in.impls[name], get(p, "name").(string))
		}
		for _, f := range asList(get(t, "fields")) {
			desc, _ := get(f, "description").(string)
			fd := ifield{name: get(f, "name").(string), typeName: named(get(f, "type")), tagged: strings.HasPrefix(desc, "[identity]")}
			for _, a := range asList(get(f, "args")) {
				fd.args = append(fd.args, iarg{name: get(a, "name").(string), typeName: named(get(a, "type")), required: get(a, "type", "kind") == "NON_NULL"})
			}
			in.fields[name] = append(in.fields[name], fd)
		}
	}
	return in
}

func asList(v any) []any { l, _ := v.([]any); return l }

func (in introspected) scalar(typ string) bool {
	return in.kinds[typ] == "SCALAR" || in.kinds[typ] == "ENUM"
}

// leaves selects a type's scalar fields (for an interface, its
// implementations'), recording which "Type.field" it reached.
func (in introspected) leaves(typ string, reached map[string]bool) string {
	if in.kinds[typ] == "INTERFACE" || in.kinds[typ] == "UNION" {
		var parts []string
		for _, impl := range in.impls[typ] {
			parts = append(parts, "... on "+impl+" "+in.leaves(impl, reached))
		}
		return "{ __typename " + strings.Join(parts, " ") + " }"
	}
	parts := []string{"__typename"}
	for _, f := range in.fields[typ] {
		if in.scalar(f.typeName) && !slices.ContainsFunc(f.args, func(a iarg) bool { return a.required }) {
			reached[typ+"."+f.name] = true
			parts = append(parts, f.name)
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// around selects every field of a type: its scalars, and each object
// field's scalars, one level down.
func (in introspected) around(typ string, reached map[string]bool) string {
	parts := []string{"__typename"}
	for _, f := range in.fields[typ] {
		if strings.HasPrefix(f.name, "__") || slices.ContainsFunc(f.args, func(a iarg) bool { return a.required }) {
			continue
		}
		reached[typ+"."+f.name] = true
		if in.scalar(f.typeName) {
			parts = append(parts, f.name)
		} else {
			parts = append(parts, paged(f)+" "+in.leaves(f.typeName, reached))
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// paths finds, breadth first from one root field's type, the shortest way
// to every object type: the selections to wrap around it.
func (in introspected) paths(root string) map[string][]string {
	out := map[string][]string{root: nil}
	queue := []string{root}
	for len(queue) > 0 {
		typ := queue[0]
		queue = queue[1:]
		next := map[string]string{} // type → the step to it
		if in.kinds[typ] == "INTERFACE" || in.kinds[typ] == "UNION" {
			for _, impl := range in.impls[typ] {
				next[impl] = "... on " + impl
			}
		}
		for _, f := range in.fields[typ] {
			if !in.scalar(f.typeName) && !slices.ContainsFunc(f.args, func(a iarg) bool { return a.required }) {
				if _, ok := next[f.typeName]; !ok {
					next[f.typeName] = paged(f)
				}
			}
		}
		for t, step := range next {
			if _, seen := out[t]; !seen {
				out[t] = append(slices.Clone(out[typ]), step)
				queue = append(queue, t)
			}
		}
	}
	return out
}

// paged asks a connection for a short page: the cost budget counts
// every connection at its first.
func paged(f ifield) string {
	if strings.HasSuffix(f.typeName, "Connection") {
		return f.name + "(first: 3)"
	}
	return f.name
}

// wrap nests a selection in a path's steps.
func wrap(steps []string, inner string) string {
	for i := len(steps) - 1; i >= 0; i-- {
		inner = "{ " + steps[i] + " " + inner + " }"
	}
	return inner
}

// TestNoIdentityReachesARoleWithoutAccess walks every field reachable from
// the root by introspection, for every role, with seeded canary names: for
// roles without access to identities no identity field resolves and no
// canary appears; for those with access the names do appear, so the walk
// can fail.
func TestNoIdentityReachesARoleWithoutAccess(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	in := introspect(e)
	ids := []string{s.gaoSpace, s.moptiSpace, s.holder, s.alice, s.bob, s.moptiPerson, s.dialogue, s.commitment, defineAFramework(e)}
	reached := map[string]bool{}
	var queries []walkQuery
	for _, f := range in.fields["Query"] {
		queries = append(queries, in.rootQueries(f, ids, reached)...)
	}
	tagged := identityFields(t, in)
	queries = acceptedQueries(t, e, queries, reached)
	for _, field := range tagged {
		if !reached[field] {
			t.Fatalf("the walk never reaches %s; it reached %d fields", field, len(reached))
		}
	}
	checkCanaries(t, e, queries)
	t.Logf("walked %d fields with %d queries per role", len(reached), len(queries))
}

// walkQuery is a query and the fields it selects: a path through plain
// lists may be over the cost budget from one root and not from another,
// so a field counts as reached once an accepted query selects it.
type walkQuery struct {
	text    string
	reaches []string
}

// rootQueries are a root field's queries: every type it leads to,
// reached by its shortest path, each field of it selected (one small
// query per type), for each id or region it may be asked with. The
// fields they select are added to reached.
func (in introspected) rootQueries(f ifield, ids []string, reached map[string]bool) []walkQuery {
	var queries []walkQuery
	if in.scalar(f.typeName) {
		return nil
	}
	type sel struct {
		text    string
		reaches []string
	}
	var sels []sel
	for typ, steps := range in.paths(f.typeName) {
		r := map[string]bool{"Query." + f.name: true}
		sels = append(sels, sel{wrap(steps, in.around(typ, r)), slices.Collect(maps.Keys(r))})
		maps.Copy(reached, r)
	}
	slices.SortFunc(sels, func(a, b sel) int { return strings.Compare(a.text, b.text) })
	var variants [][]string
	for _, a := range f.args {
		switch {
		case a.name == "id" || a.name == "frameworkId":
			var v []string
			for _, id := range ids {
				v = append(v, fmt.Sprintf("%s: %q", a.name, id))
			}
			variants = append(variants, v)
		case a.name == "region":
			variants = append(variants, []string{`region: "gao"`, `region: "mopti"`})
		case a.name == "name": // participantsNamed: required, so asked first
			variants = append([][]string{{fmt.Sprintf("name: %q", canaryAlice), fmt.Sprintf("name: %q", canaryMopti)}}, variants...)
		}
	}
	if strings.HasSuffix(f.typeName, "Connection") {
		if len(variants) == 0 {
			variants = [][]string{{"first: 3"}}
		} else {
			for i := range variants[0] {
				variants[0][i] += ", first: 3"
			}
		}
	}
	for _, sel := range sels {
		if len(variants) == 0 {
			queries = append(queries, walkQuery{"{ " + f.name + " " + sel.text + " }", sel.reaches})
			continue
		}
		for _, v := range variants[0] {
			queries = append(queries, walkQuery{"{ " + f.name + "(" + v + ") " + sel.text + " }", sel.reaches})
		}
	}
	return queries
}

// identityFields are the fields tagged as identities, and attendees.
func identityFields(t *testing.T, in introspected) []string {
	t.Helper()
	tagged := []string{"Dialogue.attendees"}
	for typ, fs := range in.fields {
		for _, f := range fs {
			if f.tagged {
				tagged = append(tagged, typ+"."+f.name)
			}
		}
	}
	if len(tagged) < 4 {
		t.Fatalf("only %v are tagged as identity fields", tagged)
	}
	return tagged
}

// acceptedQueries keeps the queries the budget accepts (it does not
// depend on the role); every field must still be reached by one of them.
func acceptedQueries(t *testing.T, e *env, queries []walkQuery, reached map[string]bool) []walkQuery {
	t.Helper()
	// Keep the queries the budget accepts (it does not depend on the
	// role); every field must still be reached by one of them.
	accepted := map[string]bool{}
	var kept []walkQuery
	for _, q := range queries {
		if r := e.do(e.admin, q.text, nil); r.Status != 400 {
			kept = append(kept, q)
			for _, f := range q.reaches {
				accepted[f] = true
			}
		}
	}
	for field := range reached {
		if !accepted[field] {
			t.Errorf("no accepted query of the walk reaches %s", field)
		}
	}
	return kept
}

// checkCanaries runs the walk for every role: the canaries appear for
// those who may see them, and no identity resolves for the others.
func checkCanaries(t *testing.T, e *env, queries []walkQuery) {
	t.Helper()
	canaries := []string{canaryAlice, canaryBob, canaryMopti, canaryPhone}
	for _, role := range []struct {
		name, token string
		sees        []string // canaries this role must see somewhere
	}{
		{"analyst", e.analyst, nil},
		{"advocacy", e.advocacy, nil},
		{"facilitator of mopti", e.mopti, []string{canaryMopti}},
		{"facilitator of gao", e.gao, []string{canaryAlice, canaryBob}},
		{"admin", e.admin, []string{canaryAlice, canaryBob, canaryMopti}},
	} {
		var all strings.Builder
		for _, q := range queries {
			r := e.do(role.token, q.text, nil)
			if r.Status >= 500 || r.code() == "INTERNAL" {
				t.Fatalf("%s: %s\n-> %s", role.name, q.text, r.raw)
			}
			all.WriteString(r.raw)
		}
		text := all.String()
		for _, c := range canaries {
			if strings.Contains(text, c) != slices.Contains(role.sees, c) && !(c == canaryPhone && len(role.sees) > 0) {
				t.Errorf("%s: canary %s present = %v", role.name, c, strings.Contains(text, c))
			}
		}
		if len(role.sees) == 0 && strings.Contains(text, `"identity":{`) {
			t.Errorf("%s: an identity object resolved", role.name)
		}
	}
}
