// Package graphql will hold palabre's GraphQL schema, resolvers, limits,
// auth and HTTP handler, built on github.com/graphql-go/graphql. See the API
// issue; nothing is built here yet.
package graphql
