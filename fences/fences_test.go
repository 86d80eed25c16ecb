package fences

import (
	"os/exec"
	"strings"
	"testing"
)

// table is the one list of import fences. Patterns follow the go command:
// "./x" is the package x of this module, "p/..." is p and every package
// below it, anything else is one package (net/http is the standard
// library's). A package never breaks its own row by depending on another
// package its row fences (contactcenter may import contactcenter/...).
var table = []fence{
	{
		pkgs: "./mockserver/contactcenter",
		not:  []string{"net/http/...", "./internal/bayeux/...", "./mockserver/..."},
		why:  "the domain knows no HTTP, no Bayeux and none of the adapters built on it (encoding/json for its snapshots is fine)",
	},
	{
		pkgs: "./internal/bayeux",
		not:  []string{"./mockserver/..."},
		why:  "the Bayeux protocol knows channels, never interactions",
	},
	{
		pkgs: "./internal/...",
		not:  []string{"./mockserver/...", "./conformance/...", "./cmd/...", "./loadgen/..."},
		why:  "internal/ holds leaves: helpers used from above, never reaching up into what uses them",
	},
	{
		pkgs: "./conformance/...",
		not:  []string{"./mockserver/..."},
		why:  "the conformance runner sees an implementation only through URLs, the spec and raw JSON",
	},
	{
		pkgs: "./loadgen/...",
		not:  []string{"./mockserver/...", "./conformance/..."},
		why:  "the load generator runs against any implementation, seen only through URLs",
	},
	{
		pkgs:   "./cmd/...",
		direct: true,
		not: []string{
			"./mockserver/contactcenter/...", "./mockserver/httpapi/...", "./mockserver/push/...",
			"./mockserver/control/...", "./mockserver/journal/...", "./mockserver/faults/...",
			"./mockserver/statefile/...", "./mockserver/wire/...", "./mockserver/simulate/...",
		},
		why: "commands reach the mock only through its composition, package mockserver",
	},
	{
		pkgs: "./mockserver/control",
		not:  []string{"./mockserver/httpapi/...", "./mockserver/push/...", "./internal/bayeux/..."},
		why:  "each edge adapter owns its job: the test-control API shares only wire (the REST objects and the code-to-status table) with the REST API",
	},
	{
		pkgs: "./mockserver/httpapi",
		not:  []string{"./mockserver/control/...", "./mockserver/push/...", "./internal/bayeux/..."},
		why:  "the REST adapter neither pushes notifications nor drives the test-control API",
	},
	{
		pkgs: "./mockserver/push",
		not:  []string{"./mockserver/httpapi/...", "./mockserver/control/..."},
		why:  "the push bridge turns events into channel messages: it neither answers REST requests nor drives the test-control API",
	},
	{
		pkgs: "./mockserver/console",
		not:  []string{"./mockserver/...", "./internal/..."},
		why:  "the console's pages reach the mock only through its public HTTP APIs: the Go side serves embedded files and knows nothing of the mock",
	},
	{
		pkgs: "./mockserver/simulate",
		not: []string{
			"net/http/...", "./internal/bayeux/...", "./mockserver/httpapi/...", "./mockserver/push/...",
			"./mockserver/control/...", "./mockserver/wire/...",
		},
		why: "the simulation plays customers and agents through the contact center's Go methods alone; who is logged in reaches it as a function",
	},
	{
		pkgs:   "./spec",
		direct: true,
		only:   []string{"github.com/getkin/kin-openapi/..."},
		why:    "the contract is data: spec.go embeds it and loads it with kin-openapi",
	},
}

// TestFences lists the build dependencies of every package of the module
// once and holds them to the table. Test files are not fenced.
func TestFences(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	g := graph{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) > 0 {
			g[f[0]] = f[1:]
		}
	}
	if len(g) < 100 {
		t.Fatalf("go list -deps listed only %d packages:\n%s", len(g), out)
	}
	for _, p := range check(g, table) {
		t.Error(p)
	}
}
