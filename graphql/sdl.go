package graphql

import (
	"fmt"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"
)

// PrintSchema writes a schema in the GraphQL schema language, types and
// fields sorted by name, for schema/schema.graphql: everything
// introspection serves, so that graphql-js builds the same schema from
// either (a test checks it). graphql-go v0.8.1 has no printer of its own.
func PrintSchema(s gql.Schema) string {
	var b strings.Builder
	b.WriteString("# The palabre GraphQL API, printed from the code (graphql.PrintSchema).\n")
	b.WriteString("# A test fails when this file and the code disagree; refresh it with: make schema\n\n")
	b.WriteString(description(schemaDescription, ""))
	b.WriteString("schema {\n  query: Query\n  mutation: Mutation\n}\n")
	names := make([]string, 0, len(s.TypeMap()))
	for name := range s.TypeMap() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasPrefix(name, "__") {
			continue
		}
		switch t := s.TypeMap()[name].(type) {
		case *gql.Object:
			b.WriteString("\n" + printObject(t))
		case *gql.Interface:
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "interface %s {\n%s}\n", name, fields(t.Fields()))
		case *gql.InputObject:
			b.WriteString("\n" + printInput(t))
		case *gql.Enum:
			b.WriteString("\n" + printEnum(t))
		case *gql.Scalar:
			if slices.Contains([]string{"String", "Int", "Float", "Boolean", "ID"}, name) {
				continue
			}
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "scalar %s\n", name)
		}
	}
	return b.String()
}

func printObject(t *gql.Object) string {
	var b strings.Builder
	b.WriteString(description(t.Description(), ""))
	fmt.Fprintf(&b, "type %s", t.Name())
	if ifaces := t.Interfaces(); len(ifaces) > 0 {
		list := make([]string, len(ifaces))
		for i, it := range ifaces {
			list[i] = it.Name()
		}
		fmt.Fprintf(&b, " implements %s", strings.Join(list, " & "))
	}
	b.WriteString(" {\n" + fields(t.Fields()) + "}\n")
	return b.String()
}

func printInput(t *gql.InputObject) string {
	var b strings.Builder
	b.WriteString(description(t.Description(), ""))
	fmt.Fprintf(&b, "input %s {\n", t.Name())
	fs := t.Fields()
	for _, k := range sortedKeys(fs) {
		f := fs[k]
		fmt.Fprintf(&b, "%s  %s: %s%s\n", description(f.Description(), "  "), k, f.Type, defaultValue(f.Type, f.DefaultValue))
	}
	b.WriteString("}\n")
	return b.String()
}

// printEnum writes an enum's values with their descriptions (each
// value's English label) and deprecations.
func printEnum(t *gql.Enum) string {
	var b strings.Builder
	b.WriteString(description(t.Description(), ""))
	fmt.Fprintf(&b, "enum %s {\n", t.Name())
	values := slices.Clone(t.Values())
	slices.SortFunc(values, func(a, c *gql.EnumValueDefinition) int { return strings.Compare(a.Name, c.Name) })
	for _, v := range values {
		fmt.Fprintf(&b, "%s  %s%s\n", description(v.Description, "  "), v.Name, deprecated(v.DeprecationReason))
	}
	b.WriteString("}\n")
	return b.String()
}

func fields(fs gql.FieldDefinitionMap) string {
	var b strings.Builder
	for _, k := range sortedKeys(fs) {
		f := fs[k]
		b.WriteString(description(f.Description, "  "))
		fmt.Fprintf(&b, "  %s%s: %s%s\n", k, arguments(f.Args), f.Type, deprecated(f.DeprecationReason))
	}
	return b.String()
}

// arguments writes a field's arguments on its line, or one a line with
// their descriptions when any has one.
func arguments(args []*gql.Argument) string {
	if len(args) == 0 {
		return ""
	}
	args = slices.Clone(args)
	slices.SortFunc(args, func(a, c *gql.Argument) int { return strings.Compare(a.Name(), c.Name()) })
	described := slices.ContainsFunc(args, func(a *gql.Argument) bool { return a.Description() != "" })
	list := make([]string, len(args))
	for i, a := range args {
		list[i] = fmt.Sprintf("%s: %s%s", a.Name(), a.Type, defaultValue(a.Type, a.DefaultValue))
		if described {
			list[i] = description(a.Description(), "    ") + "    " + list[i]
		}
	}
	if described {
		return "(\n" + strings.Join(list, "\n") + "\n  )"
	}
	return "(" + strings.Join(list, ", ") + ")"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func description(text, indent string) string {
	if text == "" {
		return ""
	}
	return fmt.Sprintf("%s%q\n", indent, text)
}

func deprecated(reason string) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf(" @deprecated(reason: %q)", reason)
}

// defaultValue writes a default in the schema language: an enum's by its
// value's name, unquoted.
func defaultValue(typ gql.Type, v any) string {
	if name, ok := enumValueName(typ, v); ok {
		return " = " + name
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return fmt.Sprintf(" = %q", x)
	case fmt.Stringer:
		return " = " + x.String()
	}
	return fmt.Sprintf(" = %v", v)
}
