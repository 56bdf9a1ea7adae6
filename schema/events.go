package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
)

// EventSchemaFile is the file name of an event type's schema at a version.
func EventSchemaFile(name string, version int) string {
	return fmt.Sprintf("%s.v%d.json", name, version)
}

// EventSchemaID is the $id of an event type's schema at a version.
func EventSchemaID(name string, version int) string {
	return fmt.Sprintf("urn:palabre:event:%s:v%d", name, version)
}

// EventSchema generates the JSON Schema of one event type from its Go type.
func EventSchema(t domain.EventType) ([]byte, error) {
	e := reflect.TypeOf(t.New()).Elem()
	s := schemaOf(e)
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = EventSchemaID(t.Name, t.Version)
	s["title"] = fmt.Sprintf("%s, version %d", t.Name, t.Version)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

var (
	dateType = reflect.TypeOf(domain.Date{})
	idType   = reflect.TypeOf(ulid.ULID{})
)

// schemaOf maps a Go type to a schema, following encoding/json's rules for
// the types palabre's events use.
func schemaOf(t reflect.Type) map[string]any {
	switch t {
	case dateType:
		// A zero date marshals as "".
		return map[string]any{"type": "string", "pattern": `^([0-9]{4}-[0-9]{2}-[0-9]{2})?$`}
	case idType:
		return map[string]any{"type": "string", "pattern": `^[0-7][0-9A-HJKMNP-TV-Z]{25}$`}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return map[string]any{"anyOf": []any{schemaOf(t.Elem()), map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"anyOf": []any{map[string]any{"type": "array", "items": schemaOf(t.Elem())}, map[string]any{"type": "null"}}}
	case reflect.Struct:
		props, required := map[string]any{}, []string{}
		addFields(t, props, &required)
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	panic(fmt.Sprintf("schema: no JSON Schema for Go type %s", t))
}

// addFields adds a struct's fields, flattening embedded structs as
// encoding/json does.
func addFields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
		// encoding/json never omits a struct, omitempty or not.
		if !strings.Contains(opts, "omitempty") || f.Type.Kind() == reflect.Struct {
			*required = append(*required, name)
		}
	}
}
