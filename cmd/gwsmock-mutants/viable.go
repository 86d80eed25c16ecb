package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// listedPackage is the part of `go list -json` that the type check reads.
type listedPackage struct {
	ImportPath string
	Dir        string
	Export     string // the compiler's export data, in the build cache
	GoFiles    []string
	CgoFiles   []string
	ImportMap  map[string]string
	Module     *struct{ GoVersion string }
	DepOnly    bool
	Error      *struct{ Err string }
}

// markUnbuildable moves to NOT VIABLE the gremlins mutants of ms counted
// KILLED that do not compile. gremlins v0.6.0 takes only go test's exit
// status 2 for a build failure, and go test exits 1 when the package
// does not build, so a mutant that does not compile (a unary & made |)
// looks killed. Each is made again as replay makes it and its package,
// without the test files, is type-checked (go/types, the imports read
// from the export data `go list -export` leaves in the build cache):
// what the tests of a package import cannot break where the package
// itself compiles. A mutant not found again (the source changed since the
// run) and the mutants of a package that cannot be checked keep their
// verdict; each is one line on w. Statement mutants are left alone:
// statements builds each before it runs the tests.
func markUnbuildable(ms []Mutant, tags string, w io.Writer) {
	byDir := map[string][]int{}
	var dirs []string
	for i, m := range ms {
		if _, ok := gremlinsTokens[m.Type]; !ok || m.Status != killed {
			continue
		}
		d := path.Dir(m.File)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], i)
	}
	if len(dirs) == 0 {
		return
	}
	pkgs, exports, err := listPackages(tags, dirs)
	if err != nil {
		fmt.Fprintf(w, "the killed mutants were not checked for compiling: %s\n", oneLine(err))
		return
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(p string) (io.ReadCloser, error) {
		if exports[p] == "" {
			return nil, fmt.Errorf("no export data for %s", p)
		}
		return os.Open(exports[p])
	})
	moved, lost := 0, 0
	for _, d := range dirs {
		c, err := newPackageCheck(fset, imp, pkgs[d])
		if err != nil {
			fmt.Fprintf(w, "the killed mutants of %s (%d) were not checked for compiling: %s\n", d, len(byDir[d]), oneLine(err))
			continue
		}
		for _, i := range byDir[d] {
			m := ms[i]
			err := c.check(m)
			var nf *notFoundError
			switch {
			case errors.As(err, &nf):
				fmt.Fprintf(w, "%12s %s at %s:%d:%d: %s, left killed\n", "NOT FOUND", m.Type, m.File, m.Line, m.Column, nf.why)
				lost++
			case err != nil:
				fmt.Fprintf(w, "%12s %s, counted killed: %v\n", notViable, m.Type, firstError(err))
				ms[i].Status = notViable
				moved++
			}
		}
	}
	switch moved {
	case 0:
		fmt.Fprint(w, "every mutant gremlins counted killed compiles")
	case 1:
		fmt.Fprint(w, "1 mutant gremlins counted killed does not compile: not viable")
	default:
		fmt.Fprintf(w, "%d mutants gremlins counted killed do not compile: not viable", moved)
	}
	if lost > 0 {
		fmt.Fprintf(w, " (%d not found again, left killed)", lost)
	}
	fmt.Fprintln(w)
}

// listPackages lists the packages in dirs (relative to the module root,
// the working directory) with the build tags, by dir, and the export
// data of all they import, by import path; go list builds what the
// build cache lacks.
func listPackages(tags string, dirs []string) (map[string]*listedPackage, map[string]string, error) {
	args := []string{"list", "-e", "-export", "-deps", "-tags", tags,
		"-json=ImportPath,Dir,Export,GoFiles,CgoFiles,ImportMap,Module,DepOnly,Error"}
	for _, d := range dirs {
		args = append(args, "./"+d)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run() // a package that does not build fails go list; its check says why
	wd, err := os.Getwd()
	if err != nil {
		return nil, nil, err
	}
	byAbs := map[string]string{}
	for _, d := range dirs {
		byAbs[filepath.Join(wd, filepath.FromSlash(d))] = d
	}
	pkgs, exports := map[string]*listedPackage{}, map[string]string{}
	dec := json.NewDecoder(&out)
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("go list: %w: %v\n%s", err, runErr, errOut.String())
		}
		exports[p.ImportPath] = p.Export
		if d, ok := byAbs[p.Dir]; ok && !p.DepOnly {
			pkgs[d] = &p
		}
	}
	if len(pkgs) == 0 && runErr != nil {
		return nil, nil, fmt.Errorf("go list: %v\n%s", runErr, strings.TrimSpace(errOut.String()))
	}
	return pkgs, exports, nil
}

// packageCheck type-checks one package with one of its files mutated.
type packageCheck struct {
	fset  *token.FileSet
	conf  types.Config
	path  string
	files []*ast.File       // the package's files, parsed once
	index map[string]int    // a file's place in files, by path from the module root
	srcs  map[string][]byte // the files' text, by path from the module root
}

// newPackageCheck parses the package p lists and type-checks it as it
// is: if that fails, no mutant of it can be judged.
func newPackageCheck(fset *token.FileSet, imp types.Importer, p *listedPackage) (*packageCheck, error) {
	switch {
	case p == nil:
		return nil, errors.New("go list did not list it")
	case p.Error != nil:
		return nil, errors.New(p.Error.Err)
	case len(p.CgoFiles) > 0:
		return nil, errors.New("it uses cgo")
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	c := &packageCheck{fset: fset, path: p.ImportPath, index: map[string]int{}, srcs: map[string][]byte{}}
	c.conf.Importer = mappedImporter{imp, p.ImportMap}
	c.conf.Sizes = types.SizesFor("gc", runtime.GOARCH)
	if p.Module != nil && p.Module.GoVersion != "" {
		c.conf.GoVersion = "go" + p.Module.GoVersion
	}
	for _, name := range p.GoFiles {
		abs := filepath.Join(p.Dir, name)
		rel, err := filepath.Rel(wd, abs)
		if err != nil {
			return nil, err
		}
		src, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, abs, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		c.index[filepath.ToSlash(rel)] = len(c.files)
		c.srcs[filepath.ToSlash(rel)] = src
		c.files = append(c.files, f)
	}
	if _, err := c.conf.Check(c.path, fset, c.files, nil); err != nil {
		return nil, fmt.Errorf("it does not type-check without a mutant: %w", err)
	}
	return c, nil
}

// notFoundError is a mutant that could not be made again, and why.
type notFoundError struct{ why string }

func (e *notFoundError) Error() string { return e.why }

// oneLine is the text of err on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ; ")), " ")
}

// firstError is the first of a list of syntax errors, or err.
func firstError(err error) error {
	if l, ok := err.(scanner.ErrorList); ok && len(l) > 0 {
		return l[0]
	}
	return err
}

// check makes the mutant m again and type-checks the package with it:
// nil if it compiles, a *notFoundError if it cannot be made, else the
// first syntax or type error.
func (c *packageCheck) check(m Mutant) error {
	i, ok := c.index[m.File]
	if !ok {
		return &notFoundError{"not a file of package " + c.path + " as built now"}
	}
	src := c.srcs[m.File]
	sm, err := recreate(m, src)
	if err != nil {
		return &notFoundError{"no such mutant in the source now (changed since the run?)"}
	}
	f, err := parser.ParseFile(c.fset, m.File, slices.Concat(src[:sm.start], []byte(sm.repl), src[sm.end:]), parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	files := slices.Clone(c.files)
	files[i] = f
	_, err = c.conf.Check(c.path, c.fset, files, nil)
	return err
}

// mappedImporter imports by the paths go list resolved (vendoring).
type mappedImporter struct {
	imp types.Importer
	m   map[string]string
}

func (mi mappedImporter) Import(p string) (*types.Package, error) {
	if r, ok := mi.m[p]; ok {
		p = r
	}
	return mi.imp.Import(p)
}
