package jetstore

// ClusterTLS exposes clusterTLS to the tests that pose as an intruder.
var ClusterTLS = clusterTLS

// RemovalRefusal exposes removalRefusal to the tests of its rules.
var RemovalRefusal = removalRefusal
