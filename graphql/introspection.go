package graphql

import (
	"sync"

	gql "github.com/graphql-go/graphql"
)

// schemaDescription is what __schema { description } says.
const schemaDescription = "palabre: stakeholder engagement and community dialogue for civil-society programmes on security, justice and inclusion. " +
	"Figures for roles without access to identities are perturbed by the cell-key method and small counts withheld."

// extendIntrospection adds to graphql-go v0.8.1's introspection types the
// fields of the June 2018 and later specifications that graphql-js's
// getIntrospectionQuery asks for — GraphiQL, Apollo, graphql-codegen and
// Postman send it — and that v0.8.1 lacks: __Schema.description,
// __Type.specifiedByURL, __Directive.isRepeatable, __InputValue's
// deprecation, and the includeDeprecated argument of args and
// inputFields. It also answers a missing description as null, as the
// specification has it, where v0.8.1 gives "" (which graphql-js keeps as
// an empty description), and an enum's default by its value's name, where
// v0.8.1 quotes the Go value ("NEWEST", "0": graphql-js drops them). graphql-go's introspection types are package
// variables, so this is done once per process, before the first schema
// is built.
var extendIntrospection = sync.OnceFunc(func() {
	withIncludeDeprecated := func(t *gql.Object, name string) {
		def := t.Fields()[name]
		t.AddFieldConfig(name, &gql.Field{Type: def.Type, Resolve: def.Resolve, Description: def.Description,
			Args: gql.FieldConfigArgument{"includeDeprecated": {Type: gql.Boolean, DefaultValue: false}}})
	}
	withIncludeDeprecated(gql.TypeType, "inputFields")
	withIncludeDeprecated(gql.FieldType, "args")
	withIncludeDeprecated(gql.DirectiveType, "args")
	constant := func(v any) gql.FieldResolveFn { return func(gql.ResolveParams) (any, error) { return v, nil } }
	gql.TypeType.AddFieldConfig("specifiedByURL", &gql.Field{Type: gql.String, Resolve: constant(nil)})
	gql.DirectiveType.AddFieldConfig("isRepeatable", &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: constant(false)})
	gql.InputValueType.AddFieldConfig("isDeprecated", &gql.Field{Type: gql.NewNonNull(gql.Boolean), Resolve: constant(false)})
	gql.InputValueType.AddFieldConfig("deprecationReason", &gql.Field{Type: gql.String, Resolve: constant(nil)})
	gql.SchemaType.AddFieldConfig("description", &gql.Field{Type: gql.String, Resolve: constant(schemaDescription)})
	for _, t := range []*gql.Object{gql.TypeType, gql.FieldType, gql.InputValueType, gql.EnumValueType, gql.DirectiveType} {
		t.AddFieldConfig("description", &gql.Field{Type: gql.String, Resolve: nullIfEmpty})
	}
	defaultValue := gql.InputValueType.Fields()["defaultValue"]
	gql.InputValueType.AddFieldConfig("defaultValue", &gql.Field{Type: defaultValue.Type, Description: defaultValue.Description,
		Resolve: func(p gql.ResolveParams) (any, error) {
			var name string
			var ok bool
			switch in := p.Source.(type) {
			case *gql.Argument:
				name, ok = enumValueName(in.Type, in.DefaultValue)
			case *gql.InputObjectField:
				name, ok = enumValueName(in.Type, in.DefaultValue)
			}
			if ok {
				return name, nil
			}
			return defaultValue.Resolve(p)
		}})
})

// enumValueName is the name of v among an enum type's values.
func enumValueName(typ gql.Type, v any) (string, bool) {
	if nonNull, ok := typ.(*gql.NonNull); ok {
		typ = nonNull.OfType
	}
	e, ok := typ.(*gql.Enum)
	if !ok || v == nil {
		return "", false
	}
	for _, value := range e.Values() {
		if value.Value == v {
			return value.Name, true
		}
	}
	return "", false
}

// nullIfEmpty resolves a description, null when there is none.
func nullIfEmpty(p gql.ResolveParams) (any, error) {
	v, err := gql.DefaultResolveFn(p)
	if s, ok := v.(string); ok && s == "" {
		return nil, err
	}
	return v, err
}
