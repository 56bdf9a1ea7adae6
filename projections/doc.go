// Package projections will hold the projection runner (catch-up, live,
// checkpoints, snapshots, rebuild) and, in subpackages, one read model each.
// See the projections issue; nothing is built here yet.
package projections
