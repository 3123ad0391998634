package policy

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/veil-privacy/veil/policies"
)

// Limits on what a pack may hold; a pack past them is refused.
const (
	maxPackFile  = 4 << 20
	maxPackTotal = 32 << 20
	maxPackFiles = 1000
)

// Pack is a loaded policy pack: its parsed Rego modules (tests included), its data documents and
// the content hash that names it.
type Pack struct {
	modules  map[string]*ast.Module
	data     map[string]any
	revision string
	tests    int
}

// PackFS returns the file system of the pack in dir, or the embedded default pack when dir is "".
func PackFS(dir string) fs.FS {
	if dir == "" {
		return policies.FS
	}
	return os.DirFS(dir)
}

// LoadPack reads a pack: every *.rego file (Rego v1) and every data.json or data.yaml, whose
// content is placed under data at the file's directory path (the pack root is data itself).
// Hidden files and directories are skipped.
func LoadPack(fsys fs.FS) (*Pack, error) {
	type file struct {
		name string
		body []byte
	}
	var files []file
	var total int
	err := fs.WalkDir(fsys, ".", func(name string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := de.Name()
		if name != "." && (strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~")) {
			if de.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if de.IsDir() || !packFile(base) {
			return nil
		}
		if len(files) == maxPackFiles {
			return fmt.Errorf("more than %d policy files", maxPackFiles)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if len(body) > maxPackFile {
			return fmt.Errorf("%s: larger than %d bytes", name, maxPackFile)
		}
		if total += len(body); total > maxPackTotal {
			return fmt.Errorf("policy files larger than %d bytes in all", maxPackTotal)
		}
		files = append(files, file{name, body})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading policy pack: %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	p := &Pack{modules: make(map[string]*ast.Module), data: make(map[string]any)}
	h := sha256.New()
	var errs []error
	for _, f := range files {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(f.body)))
		h.Write([]byte(f.name))
		h.Write([]byte{0})
		h.Write(n[:])
		h.Write(f.body)

		if strings.HasSuffix(f.name, ".rego") {
			m, err := ast.ParseModuleWithOpts(f.name, string(f.body), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
			if err != nil {
				errs = append(errs, err)
				continue
			}
			p.modules[f.name] = m
			if isTestFile(f.name) {
				p.tests++
			}
			continue
		}
		var doc any
		if err := util.Unmarshal(f.body, &doc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.name, err))
			continue
		}
		if err := mergeData(p.data, dataPath(f.name), doc); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.name, err))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("parsing policy pack: %w", errors.Join(errs...))
	}
	if len(p.policyModules()) == 0 {
		return nil, errors.New("parsing policy pack: no policy modules (*.rego other than *_test.rego)")
	}
	p.revision = hex.EncodeToString(h.Sum(nil))[:16]
	return p, nil
}

// Revision is the content hash of the pack: the same files always give the same revision.
func (p *Pack) Revision() string { return p.revision }

// packFile reports whether a file of this name belongs to a pack.
func packFile(base string) bool {
	switch base {
	case "data.json", "data.yaml", "data.yml":
		return true
	}
	return strings.HasSuffix(base, ".rego")
}

func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.rego") }

// policyModules are the modules that decide: every module but the tests.
func (p *Pack) policyModules() map[string]*ast.Module {
	out := make(map[string]*ast.Module, len(p.modules))
	for name, m := range p.modules {
		if !isTestFile(name) {
			out[name] = m
		}
	}
	return out
}

// dataPath is where a data file's content goes under data: its directory's path.
func dataPath(name string) []string {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	return strings.Split(dir, "/")
}

// mergeData places doc at path under root, merging objects; a conflict between two files is an error.
func mergeData(root map[string]any, at []string, doc any) error {
	cur := root
	for _, k := range at {
		next, ok := cur[k]
		if !ok {
			m := make(map[string]any)
			cur[k] = m
			cur = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("data conflict at %s", strings.Join(at, "."))
		}
		cur = m
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		if len(at) == 0 {
			return errors.New("a data file at the pack root must hold an object")
		}
		return errors.New("a data file must hold an object")
	}
	return mergeObjects(cur, obj, at)
}

func mergeObjects(dst, src map[string]any, at []string) error {
	for k, v := range src {
		old, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		om, ok1 := old.(map[string]any)
		nm, ok2 := v.(map[string]any)
		if !ok1 || !ok2 {
			return fmt.Errorf("data conflict at %s", strings.Join(append(at, k), "."))
		}
		if err := mergeObjects(om, nm, append(at, k)); err != nil {
			return err
		}
	}
	return nil
}

// Check compiles the pack's policy as the engine does (strict mode, deterministic builtins only,
// a rule data.veil.decision), without running its tests.
func (p *Pack) Check(ctx context.Context) error {
	_, err := p.compile(ctx)
	return err
}
