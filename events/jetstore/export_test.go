package jetstore

// ClusterTLS exposes clusterTLS to the tests that pose as an intruder.
var ClusterTLS = clusterTLS
