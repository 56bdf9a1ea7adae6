// Package schema publishes palabre's contracts: a JSON Schema (draft
// 2020-12) for every event type and version, generated from the Go event
// types into schema/events/, and the GraphQL SDL (schema.graphql, printed
// by graphql.PrintSchema). Tests fail when a file drifts from the code;
// `go test ./schema -update` (make schema) rewrites them.
package schema
