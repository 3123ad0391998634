// Package configs loads Veil's YAML configuration strictly, applies environment overrides, and reports every problem at once with its YAML path.
package configs
