package jetstore

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// clusterTLS is the mutual TLS a cluster's routes speak, made from the
// route secret every node holds (palabre derives it from the master key):
// the cluster's certificate authority is an Ed25519 key derived from it,
// and each node signs a certificate of its own with it at start, for a key
// that never leaves the process. A node trusts a peer, as a server and as
// a client, only if the peer's certificate chains to that authority: a
// machine without the secret cannot join, nor pose as a node to one that
// dials it, nor read what the routes carry.
//
// Peers are not checked by host name: the route addresses a node is given
// need not be the names its certificate could hold (an address, a name
// behind NAT), and in this cluster being a node is having the secret.
func clusterTLS(secret, name string) (*tls.Config, error) {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("palabre cluster authority"))
	caKey := ed25519.NewKeyFromSeed(mac.Sum(nil)) // SHA-256's 32 bytes are a seed
	ca, err := clusterCA(caKey)
	if err != nil {
		return nil, err
	}
	leaf, err := nodeCertificate(ca, caKey, name)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error { return verifyPeer(roots, raw) }
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{leaf},
		ClientAuth:   tls.RequireAnyClientCert,
		// Both ends check the chain themselves (verifyPeer), by the
		// authority alone: see above for why not by name.
		InsecureSkipVerify:    true,
		VerifyPeerCertificate: verify,
	}, nil
}

// clusterCA is the authority's certificate. Every field is fixed and
// Ed25519 signs deterministically, so each node makes the same bytes.
func clusterCA(key ed25519.PrivateKey) (*x509.Certificate, error) {
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "palabre cluster authority"},
		NotBefore:             time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2126, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(nil, template, template, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("cluster TLS authority: %w", err)
	}
	return x509.ParseCertificate(der)
}

// nodeCertificate is this node's certificate, for a fresh key, signed by
// the authority: for serving routes and for dialling them.
func nodeCertificate(ca *x509.Certificate, caKey ed25519.PrivateKey, name string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0), // made again at every start
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(nil, template, ca, key.Public(), caKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cluster TLS certificate of %s: %w", name, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// verifyPeer accepts a peer whose certificate chains to the cluster's
// authority.
func verifyPeer(roots *x509.CertPool, raw [][]byte) error {
	if len(raw) == 0 {
		return errors.New("cluster TLS: the peer sent no certificate")
	}
	certs := make([]*x509.Certificate, len(raw))
	for i, der := range raw {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("cluster TLS: the peer's certificate: %w", err)
		}
		certs[i] = c
	}
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return fmt.Errorf("cluster TLS: the peer is not of this cluster: %w", err)
	}
	return nil
}
