package fences

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// module is the import path of this module; "./x" in a pattern stands for
// module+"/x".
const module = "github.com/gwsmock/gwsmock"

// A fence is one row of the table: the packages matching pkgs must not
// depend on a package matching not, and, when only is set, import nothing
// outside the standard library but what matches only.
type fence struct {
	pkgs   string    // the fenced packages, a pattern
	direct bool      // judge direct imports only; else every package built in
	not    []string  // patterns the fenced packages must not depend on
	only   []string  // when set, the only non-standard direct imports allowed
	allow  []allowed // exceptions to not
	why    string    // the reason, printed with every breach
}

// allowed lets the package pkg depend on dep in spite of its row, for why.
type allowed struct{ pkg, dep, why string }

// graph maps an import path to its direct imports (go list -deps).
type graph map[string][]string

// check returns one line per breach of rows in g, and one per row that
// cannot hold: a pattern matching nothing (a typo or a moved package, which
// would fence nothing) and an exception that is no longer used.
func check(g graph, rows []fence) []string {
	var problems []string
	report := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	paths := make([]string, 0, len(g))
	for p := range g {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, r := range rows {
		for _, pat := range append([]string{r.pkgs}, r.not...) {
			if !slices.ContainsFunc(paths, func(p string) bool { return match(pat, p) }) {
				report("%s: pattern %s matches no package", r.pkgs, pat)
			}
		}
		used := make([]bool, len(r.allow))
		for _, pkg := range paths {
			if !match(r.pkgs, pkg) {
				continue
			}
			for dep, via := range deps(g, pkg, r.direct) {
				if match(r.pkgs, dep) {
					continue
				}
				bad := slices.ContainsFunc(r.not, func(pat string) bool { return match(pat, dep) }) ||
					r.only != nil && !standard(dep) && !slices.ContainsFunc(r.only, func(pat string) bool { return match(pat, dep) })
				if !bad {
					continue
				}
				if i := slices.IndexFunc(r.allow, func(a allowed) bool { return match(a.pkg, pkg) && match(a.dep, dep) }); i >= 0 {
					used[i] = true
					continue
				}
				report("%s imports %s%s: %s", short(pkg), short(dep), via, r.why)
			}
		}
		for i, a := range r.allow {
			if !used[i] {
				report("%s: exception %s -> %s is no longer needed", r.pkgs, a.pkg, a.dep)
			}
		}
	}
	slices.Sort(problems)
	return problems
}

// deps returns what pkg depends on in g: its direct imports, or, unless
// direct, every package it builds in. Each maps to the chain that leads
// there (" via a, b"), empty for a direct import.
func deps(g graph, pkg string, direct bool) map[string]string {
	found := map[string]string{}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, d := range g[p] {
			if _, seen := found[d]; seen || d == pkg {
				continue
			}
			switch via := found[p]; {
			case p == pkg:
				found[d] = ""
			case via == "":
				found[d] = " via " + short(p)
			default:
				found[d] = via + ", " + short(p)
			}
			if !direct {
				queue = append(queue, d)
			}
		}
	}
	return found
}

// match reports whether the import path p matches pattern.
func match(pattern, p string) bool {
	if rest, ok := strings.CutPrefix(pattern, "./"); ok {
		pattern = module + "/" + rest
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

// standard reports whether p is in the standard library: its first element
// has no dot.
func standard(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// short writes the packages of this module as "./x".
func short(p string) string {
	if rest, ok := strings.CutPrefix(p, module+"/"); ok {
		return "./" + rest
	}
	return p
}

// TestCheck feeds the checker made-up import graphs, so that the table is
// known to fail on a wrong import without breaking real code.
func TestCheck(t *testing.T) {
	const (
		domain  = module + "/mockserver/contactcenter"
		edge    = module + "/mockserver/httpapi"
		command = module + "/cmd/gwsmock"
	)
	domainRow := fence{pkgs: "./mockserver/contactcenter", not: []string{"net/http/...", "./mockserver/..."}, why: "the domain"}
	cmdRow := fence{pkgs: "./cmd/...", direct: true, not: []string{"./mockserver/httpapi"}, why: "through mockserver"}
	specRow := fence{pkgs: "./spec", direct: true, only: []string{"github.com/getkin/kin-openapi/..."}, why: "data"}
	clean := graph{
		domain:                                   {"encoding/json", "sort"},
		edge:                                     {domain, "net/http"},
		command:                                  {module + "/mockserver"},
		module + "/mockserver":                   {edge, domain},
		module + "/spec":                         {"embed", "github.com/getkin/kin-openapi/openapi3"},
		"github.com/getkin/kin-openapi/openapi3": {"go.yaml.in/yaml/v4"},
		"net/http":                               {"net/url"},
		"net/url":                                nil,
		"encoding/json":                          nil,
		"sort":                                   nil,
		"embed":                                  nil,
	}
	with := func(pkg string, imports ...string) graph {
		g := graph{}
		for k, v := range clean {
			g[k] = v
		}
		g[pkg] = append(slices.Clone(g[pkg]), imports...)
		return g
	}
	tests := []struct {
		name string
		g    graph
		rows []fence
		want []string
	}{
		{"clean graph", clean, []fence{domainRow, cmdRow, specRow}, nil},
		{"domain imports net/http", with(domain, "net/http"), []fence{domainRow},
			[]string{"./mockserver/contactcenter imports net/http: the domain"}},
		{"domain reaches an adapter through a helper",
			func() graph {
				g := with(domain, module+"/internal/a")
				g[module+"/internal/a"] = []string{module + "/internal/b"}
				g[module+"/internal/b"] = []string{edge}
				return g
			}(),
			[]fence{domainRow},
			[]string{
				"./mockserver/contactcenter imports ./mockserver/httpapi via ./internal/a, ./internal/b: the domain",
				"./mockserver/contactcenter imports net/http via ./internal/a, ./internal/b, ./mockserver/httpapi: the domain",
			}},
		{"direct row ignores what an import pulls in", clean, []fence{{pkgs: "./cmd/...", direct: true, not: []string{"./mockserver/contactcenter"}}}, nil},
		{"command imports an adapter", with(command, edge), []fence{cmdRow},
			[]string{"./cmd/gwsmock imports ./mockserver/httpapi: through mockserver"}},
		{"exception lets the command import it", with(command, edge),
			[]fence{{pkgs: "./cmd/...", direct: true, not: []string{"./mockserver/httpapi"}, allow: []allowed{{"./cmd/gwsmock", "./mockserver/httpapi", "flag default"}}}}, nil},
		{"unused exception", clean,
			[]fence{{pkgs: "./cmd/...", direct: true, not: []string{"./mockserver/httpapi"}, allow: []allowed{{"./cmd/gwsmock", "./mockserver/httpapi", "flag default"}}}},
			[]string{"./cmd/...: exception ./cmd/gwsmock -> ./mockserver/httpapi is no longer needed"}},
		{"spec imports a third module", with(module+"/spec", "github.com/tidwall/gjson"), []fence{specRow},
			[]string{"./spec imports github.com/tidwall/gjson: data"}},
		{"pattern matching nothing", clean, []fence{{pkgs: "./mockserver/contactcentre", not: []string{"net/htp"}}},
			[]string{"./mockserver/contactcentre: pattern ./mockserver/contactcentre matches no package", "./mockserver/contactcentre: pattern net/htp matches no package"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(tt.g, tt.rows)
			if !slices.Equal(got, tt.want) {
				t.Errorf("check:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
