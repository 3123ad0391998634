package configs

import _ "embed"

// Quickstart is configs/quickstart.yaml, the configuration `veil quickstart` starts from.
//
//go:embed quickstart.yaml
var Quickstart []byte
