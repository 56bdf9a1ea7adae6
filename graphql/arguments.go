package graphql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/palabre/palabre/events/domain"
)

// What a person types into an argument or a variable — a date, an enum's
// value — is checked here before graphql-go sees it, so that a mistake is
// answered in the reader's language and names the argument: graphql-go
// says it in English only ("Expected type \"Date\", found …"), and
// translating its words would tie palabre to them. The rest (a missing
// argument, a number where a text goes) is graphql-go's, in English.

// argumentProblems are the problems of the values a document's arguments
// are written with, each named by its argument's path ("from",
// "input.heldOn", "input.topics[1]"); none when there is none.
func (s *Server) argumentProblems(doc *ast.Document) domain.Problems {
	var problems domain.Problems
	rule := func(ctx *gql.ValidationContext) *gql.ValidationRuleInstance {
		return &gql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Argument: {Kind: func(p visitor.VisitFuncParams) (string, any) {
				if arg, ok := p.Node.(*ast.Argument); ok && arg.Name != nil {
					if def := ctx.Argument(); def != nil {
						inputProblems(&problems, arg.Name.Value, def.Type, literal(arg.Value))
					}
				}
				return visitor.ActionSkip, nil
			}},
		}}}
	}
	gql.ValidateDocument(&s.schema, doc, []gql.ValidationRuleFn{rule})
	return problems
}

// variableProblems are the problems of an operation's variables, each
// named by the variable's name (an export's URL parameter is one).
func (s *Server) variableProblems(op *ast.OperationDefinition, vars map[string]any) domain.Problems {
	var problems domain.Problems
	for _, def := range op.VariableDefinitions {
		if def.Variable == nil || def.Variable.Name == nil {
			continue
		}
		name := def.Variable.Name.Value
		if t := s.inputType(def.Type); t != nil {
			inputProblems(&problems, name, t, vars[name])
		}
	}
	return problems
}

// inputType is the schema's type a variable is declared with; nil for
// one it does not have (graphql-go refuses it).
func (s *Server) inputType(t ast.Type) gql.Input {
	switch t := t.(type) {
	case *ast.NonNull:
		if of := s.inputType(t.Type); of != nil {
			return gql.NewNonNull(of)
		}
	case *ast.List:
		if of := s.inputType(t.Type); of != nil {
			return gql.NewList(of)
		}
	case *ast.Named:
		if in, ok := s.schema.Type(t.Name.Value).(gql.Input); ok {
			return in
		}
	}
	return nil
}

// inputProblems adds to p the problems of a value given for an input type
// at field: a text that is not a date where a Date goes, a name that is
// not one of an enum's values.
func inputProblems(p *domain.Problems, field string, t gql.Input, v any) {
	switch t := t.(type) {
	case *gql.NonNull:
		inputProblems(p, field, t.OfType, v)
	case *gql.List:
		items, ok := v.([]any)
		if !ok { // one value stands for a list of one
			inputProblems(p, field, t.OfType, v)
			return
		}
		for i, item := range items {
			inputProblems(p, fmt.Sprintf("%s[%d]", field, i), t.OfType, item)
		}
	case *gql.InputObject:
		fields, _ := v.(map[string]any)
		for _, name := range sortedKeys(fields) {
			if def := t.Fields()[name]; def != nil {
				inputProblems(p, field+"."+name, def.Type, fields[name])
			}
		}
	case *gql.Scalar:
		if text, _, ok := textOf(v); ok && t == dateType && t.ParseValue(text) == nil {
			p.Add(field, "%q is not a date (YYYY-MM-DD)", text)
		}
	case *gql.Enum:
		text, quoted, ok := textOf(v)
		names := make([]string, len(t.Values()))
		for i, value := range t.Values() {
			names[i] = value.Name
		}
		slices.Sort(names) // graphql-go keeps them in a map
		switch {
		case !ok:
		case !slices.Contains(names, text):
			p.Add(field, "%q is not one of %s", text, strings.Join(names, ", "))
		case quoted:
			p.Add(field, "%q is written without quotes: %s", text, text)
		}
	}
}

// written is an argument's scalar value as the document writes it: its
// text, and whether it is in quotes (a string, not an enum's name or a
// number).
type written struct {
	text   string
	quoted bool
}

// textOf is a value's text: a variable's string, or a literal as written.
func textOf(v any) (text string, quoted, ok bool) {
	switch v := v.(type) {
	case string:
		return v, false, true
	case written:
		return v.text, v.quoted, true
	}
	return "", false, false
}

// literal is an argument's value as a variable would hold it, its
// scalars as written; nil for what graphql-go checks alone (null,
// variables).
func literal(v ast.Value) any {
	switch v := v.(type) {
	case *ast.StringValue:
		return written{v.Value, true}
	case *ast.EnumValue:
		return written{v.Value, false}
	case *ast.IntValue:
		return written{v.Value, false}
	case *ast.FloatValue:
		return written{v.Value, false}
	case *ast.BooleanValue:
		return written{strconv.FormatBool(v.Value), false}
	case *ast.ListValue:
		items := make([]any, len(v.Values))
		for i, item := range v.Values {
			items[i] = literal(item)
		}
		return items
	case *ast.ObjectValue:
		fields := make(map[string]any, len(v.Fields))
		for _, f := range v.Fields {
			if f.Name != nil {
				fields[f.Name.Value] = literal(f.Value)
			}
		}
		return fields
	}
	return nil
}
