package admin

import (
	"errors"
	"fmt"
	"net"
)

// Config is the admin block of Veil's configuration.
type Config struct {
	// Listen is the admin listener's address. It must not be the public one. Default "127.0.0.1:9090".
	Listen string `yaml:"listen"`
}

// Validate fills defaults and reports problems with paths relative to the admin block.
func (c *Config) Validate() error {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:9090"
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return errors.Join(fmt.Errorf("listen: %q is not host:port", c.Listen))
	}
	return nil
}

// Loopback reports whether the admin listener only accepts connections from this machine.
func (c *Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
