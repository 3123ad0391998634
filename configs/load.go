package configs

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment override: VEIL_UPSTREAM_URL overrides upstream.url,
// VEIL_TLS_ACME_EMAIL overrides tls.acme.email. Secrets belong there or in files, not in the YAML.
const EnvPrefix = "VEIL_"

// Load reads, overrides from the environment and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(data, os.LookupEnv)
}

// Parse decodes YAML strictly, applies overrides from lookupEnv (nil for none) and validates.
// Every problem (unknown keys, wrong types, invalid values) is reported at once.
func Parse(data []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	var probs Problems
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, Problems{"yaml: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	cfg := &Config{}
	if len(root.Content) > 0 {
		doc := root.Content[0]
		probs = checkKeys(probs, doc, reflect.TypeOf(*cfg), "")
		if err := doc.Decode(cfg); err != nil {
			var te *yaml.TypeError
			if errors.As(err, &te) {
				for _, e := range te.Errors {
					probs = append(probs, "yaml: "+e)
				}
			} else {
				probs = append(probs, "yaml: "+err.Error())
			}
		}
	}
	if lookupEnv != nil {
		probs = applyEnv(probs, reflect.ValueOf(cfg).Elem(), EnvPrefix, "", lookupEnv)
	}
	if err := cfg.Validate(); err != nil {
		var vp Problems
		if errors.As(err, &vp) {
			probs = append(probs, vp...)
		} else {
			probs = append(probs, err.Error())
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return cfg, nil
}

// yamlName returns the YAML key of a struct field, whether it is inlined, and whether it is skipped.
func yamlName(f reflect.StructField) (name string, inline, skip bool) {
	if !f.IsExported() {
		return "", false, true
	}
	tag := f.Tag.Get("yaml")
	if tag == "-" {
		return "", false, true
	}
	parts := strings.Split(tag, ",")
	for _, p := range parts[1:] {
		if p == "inline" {
			return "", true, false
		}
	}
	if parts[0] != "" {
		return parts[0], false, false
	}
	return strings.ToLower(f.Name), false, false
}

// fieldsOf maps the YAML keys of struct type t, inlined structs flattened, to their field types.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline, skip := yamlName(f)
		switch {
		case skip:
		case inline:
			for k, v := range fieldsOf(f.Type) {
				out[k] = v
			}
		default:
			out[name] = f.Type
		}
	}
	return out
}

// checkKeys reports every mapping key in n that t has no field for, with its YAML path and line.
func checkKeys(probs Problems, n *yaml.Node, t reflect.Type, path string) Problems {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if implementsUnmarshaler(t) {
		return probs
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return probs // the decoder reports the type mismatch
		}
		fields := fieldsOf(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			p := join(path, key.Value)
			ft, ok := fields[key.Value]
			if !ok {
				probs = append(probs, fmt.Sprintf("%s: unknown key (line %d)", p, key.Line))
				continue
			}
			probs = checkKeys(probs, val, ft, p)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return probs
		}
		for i, item := range n.Content {
			probs = checkKeys(probs, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return probs
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			probs = checkKeys(probs, n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	}
	return probs
}

func implementsUnmarshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) || pt.Implements(reflect.TypeFor[yaml.Unmarshaler]())
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var durationType = reflect.TypeFor[time.Duration]()

// applyEnv sets scalar fields (and string lists, comma-separated) from VEIL_<PATH> variables.
func applyEnv(probs Problems, v reflect.Value, envPrefix, path string, lookup func(string) (string, bool)) Problems {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline, skip := yamlName(f)
		if skip {
			continue
		}
		fv := v.Field(i)
		if inline {
			probs = applyEnv(probs, fv, envPrefix, path, lookup)
			continue
		}
		p := join(path, name)
		env := envPrefix + strings.ToUpper(strings.ReplaceAll(p, ".", "_"))
		ft := f.Type
		if ft.Kind() == reflect.Struct && !implementsUnmarshaler(ft) {
			probs = applyEnv(probs, fv, envPrefix, p, lookup)
			continue
		}
		s, ok := lookup(env)
		if !ok {
			continue
		}
		if err := setScalar(fv, s); err != nil {
			probs = append(probs, fmt.Sprintf("%s: from $%s: %v", p, env, err))
		}
	}
	return probs
}

// setScalar parses s into v according to v's type.
func setScalar(v reflect.Value, s string) error {
	if v.Kind() == reflect.Pointer {
		nv := reflect.New(v.Type().Elem())
		if err := setScalar(nv.Elem(), s); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(s))
	}
	if v.Type() == durationType {
		d, err := time.ParseDuration(s)
		if err != nil {
			return errors.New("invalid duration")
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("invalid boolean")
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errors.New("invalid integer")
		}
		v.SetInt(n)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return errors.New("cannot be set from the environment")
		}
		var items []string
		for _, it := range strings.Split(s, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return errors.New("cannot be set from the environment")
	}
	return nil
}
