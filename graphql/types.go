package graphql

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
)

// dateType is a business date, "YYYY-MM-DD".
var dateType = gql.NewScalar(gql.ScalarConfig{
	Name:        "Date",
	Description: "A calendar date, YYYY-MM-DD.",
	Serialize: func(v any) any {
		switch d := v.(type) {
		case domain.Date:
			if d.IsZero() {
				return nil
			}
			return d.String()
		case *domain.Date:
			if d == nil || d.IsZero() {
				return nil
			}
			return d.String()
		}
		return nil
	},
	ParseValue: func(v any) any {
		if s, ok := v.(string); ok {
			if d, err := domain.ParseDate(s); err == nil {
				return d
			}
		}
		return nil // graphql-go reports the argument as invalid
	},
	ParseLiteral: func(v ast.Value) any {
		if s, ok := v.(*ast.StringValue); ok {
			if d, err := domain.ParseDate(s.Value); err == nil {
				return d
			}
		}
		return nil
	},
})

// resolve builds an explicit resolver reading a field of the source: the
// reflective default resolver was a quarter of a query's time.
func resolve[T any](typ gql.Output, get func(T) any) *gql.Field {
	return &gql.Field{Type: typ, Resolve: func(p gql.ResolveParams) (any, error) {
		if p.Context.Err() != nil {
			return nil, errTimeout // graphql-go goes on resolving after the deadline unless told
		}
		src, ok := p.Source.(T)
		if !ok {
			return nil, nil
		}
		return get(src), nil
	}}
}

func nonNull(t gql.Type) gql.Type { return gql.NewNonNull(t) }
func listOf(t gql.Type) gql.Type  { return gql.NewList(gql.NewNonNull(t)) }

// idString is an id as the API shows it; nil for a missing optional id.
func idString(id *domain.ID) any {
	if id == nil {
		return nil
	}
	return id.String()
}

func idStrings(ids []domain.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// parseID reads an id argument, naming it when malformed.
func parseID(field string, v any) (domain.ID, error) {
	s, _ := v.(string)
	id, err := domain.ParseID(field, s)
	if err != nil {
		return id, badInput(field, "%q is not an id (a ULID of 26 characters)", s)
	}
	return id, nil
}

// Connections: lists are Relay connections with opaque cursors.

const (
	maxFirst     = 100
	defaultFirst = 20
)

var pageInfoType = gql.NewObject(gql.ObjectConfig{Name: "PageInfo", Fields: gql.Fields{
	"hasNextPage": resolve(nonNull(gql.Boolean), func(p page) any { return p.hasNext }),
	"endCursor":   resolve(gql.String, func(p page) any { return p.endCursor() }),
}})

// page is one page of a list.
type page struct {
	nodes   []any
	cursors []string // each node's
	total   int
	hasNext bool
}

func (p page) endCursor() any {
	if len(p.cursors) == 0 {
		return nil
	}
	return p.cursors[len(p.cursors)-1]
}

type edge struct {
	node   any
	cursor string
}

// cursorKey signs cursors. A cursor is an object's id with a MAC: one
// made up from another region's id is refused, so that a page cannot be
// made to start after an object the caller may not see (which would
// bracket its place in the order).
type cursorKey []byte

const cursorMAC = 12 // bytes of HMAC-SHA256 kept

func (k cursorKey) mac(id domain.ID) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("palabre cursor v2\x00"))
	m.Write(id[:])
	return m.Sum(nil)[:cursorMAC]
}

func (k cursorKey) of(id domain.ID) string {
	return base64.RawURLEncoding.EncodeToString(append(id[:], k.mac(id)...))
}

// parse reads an after argument; nil for none.
func (k cursorKey) parse(v any) (*domain.ID, error) {
	s, _ := v.(string)
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != len(domain.ID{})+cursorMAC {
		return nil, badInput("after", "not a cursor this API gave")
	}
	var id domain.ID
	copy(id[:], b)
	if !hmac.Equal(b[len(id):], k.mac(id)) {
		return nil, badInput("after", "not a cursor this API gave")
	}
	return &id, nil
}

// ofPosition is the cursor of a place in the log (the admins' list of
// changes), signed like the others.
func (k cursorKey) ofPosition(pos events.Position) string {
	var id domain.ID
	binary.BigEndian.PutUint64(id[:8], pos.Commit)
	binary.BigEndian.PutUint64(id[8:], pos.Prepare)
	return k.of(id)
}

func (k cursorKey) parsePosition(v any) (*events.Position, error) {
	id, err := k.parse(v)
	if id == nil || err != nil {
		return nil, err
	}
	return &events.Position{Commit: binary.BigEndian.Uint64(id[:8]), Prepare: binary.BigEndian.Uint64(id[8:])}, nil
}

// connectionArgs are first and after.
var connectionArgs = gql.FieldConfigArgument{
	"first": {Type: gql.Int, Description: fmt.Sprintf("At most %d; default 20.", maxFirst)},
	"after": {Type: gql.String, Description: "The endCursor of the previous page."},
}

// pageArgs reads first and after.
func (k cursorKey) pageArgs(args map[string]any) (first int, after *domain.ID, err error) {
	first = defaultFirst
	if v, ok := args["first"].(int); ok {
		if v < 0 || v > maxFirst {
			return 0, nil, badInput("first", "must be between 0 and %d, not %d", maxFirst, v)
		}
		first = v
	}
	after, err = k.parse(args["after"])
	return first, after, err
}

// paginate cuts a list in a stable order into the page after a cursor.
func paginate[T any](items []T, idOf func(T) domain.ID, first int, after *domain.ID, k cursorKey) page {
	start := 0
	if after != nil {
		start = len(items)
		for i, it := range items {
			if idOf(it) == *after {
				start = i + 1
				break
			}
		}
	}
	end := min(start+first, len(items))
	p := page{total: len(items), hasNext: end < len(items)}
	for _, it := range items[start:end] {
		p.nodes = append(p.nodes, it)
		p.cursors = append(p.cursors, k.of(idOf(it)))
	}
	return p
}

// connection returns the connection type of a node type, made once: a
// query field and an object's relation share it.
func (b *builder) connection(node *gql.Object) *gql.Object {
	if c, ok := b.connections[node.Name()]; ok {
		return c
	}
	c := newConnection(node)
	b.connections[node.Name()] = c
	return c
}

func newConnection(node *gql.Object) *gql.Object {
	edgeType := gql.NewObject(gql.ObjectConfig{Name: node.Name() + "Edge", Fields: gql.Fields{
		"cursor": resolve(nonNull(gql.String), func(e edge) any { return e.cursor }),
		"node":   resolve(nonNull(node), func(e edge) any { return e.node }),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: node.Name() + "Connection", Fields: gql.Fields{
		"edges": resolve(nonNull(listOf(edgeType)), func(p page) any {
			out := make([]edge, len(p.nodes))
			for i := range p.nodes {
				out[i] = edge{node: p.nodes[i], cursor: p.cursors[i]}
			}
			return out
		}),
		"pageInfo": resolve(nonNull(pageInfoType), func(p page) any { return p }),
		"totalCount": {Type: gql.Int, Description: "How many the whole list holds; null where counting would mean reading it all.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				if pg := p.Source.(page); pg.total >= 0 {
					return pg.total, nil
				}
				return nil, nil
			}},
	}})
}
