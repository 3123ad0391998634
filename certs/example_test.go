package certs_test

import (
	"fmt"

	"github.com/veil-privacy/veil/certs"
)

func ExampleConfig_Validate() {
	cfg := certs.Config{Mode: certs.ModeFiles, KeyFile: "/etc/veil/key.pem"}
	fmt.Println(cfg.Validate())
	// Output: cert_file: required when mode is files
}
