// Package registry is the one list of palabre's aggregates. The codec, the
// command handler's aggregates and fact loaders, histories' summaries and
// dates, the event schemas and the vocabulary are derived from it, and the
// read service's kinds are checked against it; an aggregate describes
// itself in its own package (domain.Aggregate) and is added here in one
// line. The tests fail when a part is missing.
package registry
