package certs

import (
	"crypto/tls"
	"fmt"
	"time"
)

// Protocols negotiated over ALPN on Veil's listener.
const (
	protoH2       = "h2"
	protoHTTP11   = "http/1.1"
	protoACMETLS1 = "acme-tls/1" // RFC 8737, the TLS-ALPN-01 challenge
)

// getCertificateFunc is the shape of tls.Config.GetCertificate; every mode provides one so a
// certificate change never needs a listener restart.
type getCertificateFunc func(*tls.ClientHelloInfo) (*tls.Certificate, error)

// baseTLSConfig is the one place that decides Veil's TLS parameters: TLS 1.3 only (cipher suites
// are not configurable in 1.3 and Go's defaults, including the hybrid post-quantum key exchange,
// are kept), HTTP/2 preferred, certificates resolved per handshake.
func baseTLSConfig(get getCertificateFunc, extraProtos ...string) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS13,
		MaxVersion:     tls.VersionTLS13,
		NextProtos:     append([]string{protoH2, protoHTTP11}, extraProtos...),
		GetCertificate: get,
	}
}

// hstsValue formats the Strict-Transport-Security header for maxAge.
func hstsValue(maxAge time.Duration) string {
	return fmt.Sprintf("max-age=%d", int64(maxAge/time.Second))
}
