package limits_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/palabre/palabre/graphql/limits"
)

func nested(levels int) string {
	return strings.Repeat("{ a ", levels) + strings.Repeat("}", levels)
}

func TestRequestsWithinTheLimitsPass(t *testing.T) {
	aliases := "{"
	for i := range 30 {
		aliases += fmt.Sprintf(" a%d: a", i)
	}
	aliases += " }"
	for _, q := range []string{
		nested(12),
		aliases,
		`query { ...A } fragment A on Query { a b ...B } fragment B on Query { c }`,
		`{ a(s: "#{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{") } # {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{`,
	} {
		if _, err := limits.Parse(q, limits.Limits{}); err != nil {
			t.Errorf("%.60s: %v", q, err)
		}
	}
}

func TestRequestsOverALimitAreRejectedNamingIt(t *testing.T) {
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 31 {
		fmt.Fprintf(&aliases, " a%d: a", i)
	}
	aliases.WriteString(" }")
	// Each fragment spreads the next twice: 2^10 fields from a short text.
	var doubling strings.Builder
	doubling.WriteString("{ ...F0 }")
	for i := range 10 {
		fmt.Fprintf(&doubling, " fragment F%d on Query { a: x ...F%d ...F%d }", i, i+1, i+1)
	}
	doubling.WriteString(" fragment F10 on Query { y }")
	for _, tc := range []struct{ name, query, limit string }{
		{"thirteen levels", nested(13), "depth"},
		{"deep through a fragment", `{ a { b { c { ...F } } } } fragment F on T { d { e { f { g { h { i { j { k { l { m } } } } } } } } } }`, "depth"},
		{"introspection past its depth", `{ __schema { types { fields { type { ` + strings.Repeat("ofType { ", 12) + "name" + strings.Repeat(" }", 12) + ` } } } } }`, "depth"},
		{"a type's members listed again", `{ __type(name: "Q") { fields { type { fields { name } } } } }`, "introspection"},
		{"brackets before parsing", strings.Repeat("[", 10_000), "depth"},
		{"31 aliases", aliases.String(), "aliases"},
		{"fields doubling through fragments", doubling.String(), "aliases"},
		{"self spread", `{ ...A } fragment A on Query { ...A }`, "fragment cycle"},
		{"two-fragment cycle", `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, "fragment cycle"},
		{"cycle through an inline fragment", `{ x } fragment A on Query { ... on Query { f { ...B } } } fragment B on Query { ...C } fragment C on Query { ...A }`, "fragment cycle"},
		{"not GraphQL", `{ a(`, "syntax"},
	} {
		_, err := limits.Parse(tc.query, limits.Limits{})
		var le *limits.Error
		if !errors.As(err, &le) || le.Limit != tc.limit {
			t.Errorf("%s: got %v, want a %q error", tc.name, err, tc.limit)
		}
	}
}

func TestFieldsAreCountedAfterExpansion(t *testing.T) {
	var q strings.Builder
	q.WriteString("{ ...F0 }")
	for i := range 9 {
		fmt.Fprintf(&q, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	q.WriteString(" fragment F9 on Query { x }") // 2^9 = 512 fields
	_, err := limits.Parse(q.String(), limits.Limits{})
	var le *limits.Error
	if !errors.As(err, &le) || le.Limit != "fields" {
		t.Fatalf("got %v, want a fields error", err)
	}
	if _, err := limits.Parse(q.String(), limits.Limits{Fields: 512}); err != nil {
		t.Fatalf("512 fields within a limit of 512: %v", err)
	}
}
