package graphql

import (
	"encoding/json"
	"strconv"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/palabre/palabre/core/read"
)

// A table of hundreds of groups as objects is tens of thousands of fields
// for graphql-go, each resolved and completed on its own (~2 µs): a
// region's table by space took ~30–80 ms of CPU. As lists of scalars it is
// still an entry completed at a time (~0.3 µs and four allocations each:
// ~6 ms for the dashboard's table of 521 spaces). So a column is one
// scalar, a JSON array written in one piece: a few dozen fields and
// allocations however many groups. It only reshapes the groups the read
// service released: a withheld figure is null here as it is in groups.

// tableColumns is a table's groups, read a column at a time.
type tableColumns struct{ groups []read.Group }

// measureColumn is one measure of every group's total.
type measureColumn struct {
	groups []read.Group
	name   string
}

// columnScalars are the columns' types, by what their entries are.
type columnScalars struct{ ints, floats, booleans, strings *gql.Scalar }

func newColumnScalars() columnScalars {
	scalar := func(name, entries string) *gql.Scalar {
		return gql.NewScalar(gql.ScalarConfig{Name: name,
			Description: "A column of a table: a JSON array of " + entries + ", an entry per group in the order of InclusionColumns.keys. Output only.",
			Serialize:   func(v any) any { return v },
			// Never an input: no argument or variable has this type.
			ParseValue:   func(any) any { return nil },
			ParseLiteral: func(ast.Value) any { return nil },
		})
	}
	return columnScalars{ints: scalar("IntColumn", "integers or nulls"), floats: scalar("FloatColumn", "numbers or nulls"),
		booleans: scalar("BooleanColumn", "booleans"), strings: scalar("StringColumn", "strings or nulls")}
}

// jsonColumn writes a column as a JSON array: each group's entry appended
// by put, "null" where put appends nothing.
func jsonColumn(groups []read.Group, put func([]byte, read.Group) []byte) json.RawMessage {
	b := make([]byte, 0, 2+8*len(groups))
	b = append(b, '[')
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		n := len(b)
		if b = put(b, g); len(b) == n {
			b = append(b, "null"...)
		}
	}
	return append(b, ']')
}

// appendPercent writes a share or a target (a float64 from 0 to 100, or
// nil for nothing) as encoding/json writes the Float fields.
func appendPercent(b []byte, f any) []byte {
	if f, ok := f.(float64); ok {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return b
}

// columnsType is the InclusionColumns object: a table's groups as columns.
func (b *builder) columnsType() *gql.Object {
	s := newColumnScalars()
	measure := gql.NewObject(gql.ObjectConfig{Name: "MeasureColumn", Description: "One measure of every group's total, an entry per group in the order of keys: as Measure, count and share null when withheld (not a zero).", Fields: gql.Fields{
		"counts": resolve(nonNull(s.ints), func(c measureColumn) any {
			return jsonColumn(c.groups, func(b []byte, g read.Group) []byte {
				if n, ok := countOrNil(g.Total.Get(c.name)).(int); ok {
					return strconv.AppendInt(b, int64(n), 10)
				}
				return b
			})
		}),
		"shares": resolve(nonNull(s.floats), func(c measureColumn) any {
			return jsonColumn(c.groups, func(b []byte, g read.Group) []byte { return appendPercent(b, shareOrNil(g.Total.Get(c.name))) })
		}),
		"suppressed": resolve(nonNull(s.booleans), func(c measureColumn) any {
			return jsonColumn(c.groups, func(b []byte, g read.Group) []byte { return strconv.AppendBool(b, g.Total.Get(c.name).Suppressed) })
		}),
	}})
	targets := gql.NewObject(gql.ObjectConfig{Name: "TargetColumns", Description: "Each group's space's targets (as Targets), an entry per group in the order of keys; null when none is set or the group is not a space.", Fields: gql.Fields{}})
	for name, of := range map[string]func(targetsOf) *float64{
		"women": func(t targetsOf) *float64 { return t.Women }, "youth": func(t targetsOf) *float64 { return t.Youth },
		"disability": func(t targetsOf) *float64 { return t.Disability }, "displaced": func(t targetsOf) *float64 { return t.Displaced },
	} {
		targets.AddFieldConfig(name, resolve(nonNull(s.floats), func(c tableColumns) any {
			return jsonColumn(c.groups, func(b []byte, g read.Group) []byte {
				if g.Space == nil {
					return b
				}
				return appendPercent(b, floatOrNil(of(targetsOf(g.Space.Targets))))
			})
		}))
	}
	fields := gql.Fields{
		"keys": {Type: nonNull(s.strings), Description: "Each group's key, as InclusionGroup.key: the order of every other column.",
			Resolve: fieldOf2(func(c tableColumns) any { return stringColumn(c.groups, func(g read.Group) any { return g.Key }) })},
		"spaceNames": {Type: nonNull(s.strings), Description: "Each group's space's name, when grouped by space; null otherwise.",
			Resolve: fieldOf2(func(c tableColumns) any {
				return stringColumn(c.groups, func(g read.Group) any {
					if g.Space == nil {
						return nil
					}
					return g.Space.Name
				})
			})},
		"targets": resolve(nonNull(targets), func(c tableColumns) any { return c }),
		"dialogues": resolve(nonNull(s.ints), func(c tableColumns) any {
			return jsonColumn(c.groups, func(b []byte, g read.Group) []byte { return strconv.AppendInt(b, int64(g.Total.Dialogues), 10) })
		}),
	}
	for _, name := range read.MeasureNames {
		fields[name] = resolve(nonNull(measure), func(c tableColumns) any { return measureColumn{c.groups, name} })
	}
	return gql.NewObject(gql.ObjectConfig{Name: "InclusionColumns", Description: "A table's groups as columns: each column a JSON array, an entry per group in the order of keys, of each group's total (not its buckets). The same figures as groups, a few dozen fields however many groups: what a client showing hundreds of groups should ask.", Fields: fields})
}

// stringColumn is a column of strings (or nulls), escaped as JSON.
func stringColumn(groups []read.Group, of func(read.Group) any) json.RawMessage {
	values := make([]any, len(groups))
	for i, g := range groups {
		values[i] = of(g)
	}
	out, _ := json.Marshal(values) // strings and nils always marshal
	return out
}
