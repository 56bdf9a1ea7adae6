package graphql

import (
	"fmt"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"
)

// PrintSchema writes a schema in the GraphQL schema language, types and
// fields sorted by name, for schema/schema.graphql. graphql-go v0.8.1 has
// no printer of its own.
func PrintSchema(s gql.Schema) string {
	var b strings.Builder
	b.WriteString("# The palabre GraphQL API, printed from the code (graphql.PrintSchema).\n")
	b.WriteString("# A test fails when this file and the code disagree; refresh it with: make schema\n\n")
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
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "type %s", name)
			if ifaces := t.Interfaces(); len(ifaces) > 0 {
				list := make([]string, len(ifaces))
				for i, it := range ifaces {
					list[i] = it.Name()
				}
				fmt.Fprintf(&b, " implements %s", strings.Join(list, " & "))
			}
			b.WriteString(" {\n" + fields(t.Fields()) + "}\n")
		case *gql.Interface:
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "interface %s {\n%s}\n", name, fields(t.Fields()))
		case *gql.InputObject:
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "input %s {\n", name)
			fs := t.Fields()
			keys := make([]string, 0, len(fs))
			for k := range fs {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s  %s: %s%s\n", description(fs[k].Description(), "  "), k, fs[k].Type, defaultValue(fs[k].DefaultValue))
			}
			b.WriteString("}\n")
		case *gql.Enum:
			b.WriteString("\n" + description(t.Description(), ""))
			fmt.Fprintf(&b, "enum %s {\n", name)
			values := t.Values()
			list := make([]string, len(values))
			for i, v := range values {
				list[i] = v.Name
			}
			slices.Sort(list)
			for _, v := range list {
				fmt.Fprintf(&b, "  %s\n", v)
			}
			b.WriteString("}\n")
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

func fields(fs gql.FieldDefinitionMap) string {
	var b strings.Builder
	keys := make([]string, 0, len(fs))
	for k := range fs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f := fs[k]
		b.WriteString(description(f.Description, "  "))
		fmt.Fprintf(&b, "  %s", k)
		if len(f.Args) > 0 {
			args := slices.Clone(f.Args)
			slices.SortFunc(args, func(a, c *gql.Argument) int { return strings.Compare(a.Name(), c.Name()) })
			list := make([]string, len(args))
			for i, a := range args {
				def := a.DefaultValue
				if e, ok := a.Type.(*gql.Enum); ok && def != nil {
					for _, v := range e.Values() {
						if v.Value == def {
							def = enumName(v.Name)
						}
					}
				}
				list[i] = fmt.Sprintf("%s: %s%s", a.Name(), a.Type, defaultValue(def))
			}
			fmt.Fprintf(&b, "(%s)", strings.Join(list, ", "))
		}
		fmt.Fprintf(&b, ": %s\n", f.Type)
	}
	return b.String()
}

func description(text, indent string) string {
	if text == "" {
		return ""
	}
	return fmt.Sprintf("%s%q\n", indent, text)
}

// enumName prints as itself, unquoted.
type enumName string

func defaultValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case enumName:
		return " = " + string(x)
	case string:
		return fmt.Sprintf(" = %q", x)
	case fmt.Stringer:
		return " = " + x.String()
	}
	return fmt.Sprintf(" = %v", v)
}
