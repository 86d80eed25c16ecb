package conformance

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing/fstest"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
)

// featureFile is one parsed .feature file.
type featureFile struct {
	uri     string   // its name in the file system, as reports show it
	lines   []string // its text
	doc     *messages.GherkinDocument
	pickles []*messages.Pickle // its scenarios, one per example row
}

// scenarioCount counts the pickles of files.
func scenarioCount(files []featureFile) int {
	n := 0
	for _, f := range files {
		n += len(f.pickles)
	}
	return n
}

// loadFeatures parses every .feature file of fsys, in the order godog
// walks them. A file that is not valid Gherkin is a *FeatureError.
func loadFeatures(fsys fs.FS) ([]featureFile, error) {
	var files []featureFile
	newID := (&messages.Incrementing{}).NewId
	err := walkFeatures(fsys, func(p string) error {
		f, err := parseFeature(fsys, p, newID)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// walkFeatures calls fn with the name of every .feature file of fsys, in
// lexical order, as godog walks them.
func walkFeatures(fsys fs.FS, fn func(name string) error) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return err
		}
		return fn(p)
	})
}

// parseFeature parses the file p of fsys, with ids from newID. Its error
// is a *FeatureError when the file is not valid Gherkin.
func parseFeature(fsys fs.FS, p string, newID func() string) (featureFile, error) {
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return featureFile{}, err
	}
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(b), newID)
	if err != nil {
		return featureFile{}, gherkinError(Origin(fsys, p), err)
	}
	doc.Uri = p
	return featureFile{uri: p, lines: strings.Split(string(b), "\n"), doc: doc, pickles: gherkin.Pickles(*doc, p, newID)}, nil
}

// FeatureError is a .feature file that is not valid Gherkin: each problem
// is one line "FILE:LINE: what is wrong".
type FeatureError struct {
	Problems []string
}

func (e *FeatureError) Error() string { return strings.Join(e.Problems, "\n") }

var gherkinProblem = regexp.MustCompile(`^\((\d+):(\d+)\): (.*)$`)

// gherkinError rewrites the Gherkin parser's errors ("(3:5): expected:
// #EOF, #StepLine, ..., got 'Whn alice'") in plain words.
func gherkinError(file string, err error) error {
	fe := &FeatureError{}
	for _, line := range strings.Split(err.Error(), "\n") {
		m := gherkinProblem.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fe.Problems = append(fe.Problems, fmt.Sprintf("%s:%s: %s", file, m[1], plainGherkin(m[3])))
	}
	if len(fe.Problems) == 0 {
		fe.Problems = []string{fmt.Sprintf("%s: %v", file, err)}
	}
	return fe
}

var (
	gherkinExpected = regexp.MustCompile(`^(unexpected end of file, )?expected: (.*?)(, got '(.*)')?$`)
	gherkinTokens   = []struct{ token, words string }{
		{"#StepLine", "a step (Given, When, Then, And, But)"},
		{"#DocStringSeparator", `a docstring (""")`},
		{"#TableRow", "a table row"},
		{"#ScenarioLine", "Scenario:"},
		{"#ExamplesLine", "Examples:"},
		{"#BackgroundLine", "Background:"},
		{"#RuleLine", "Rule:"},
		{"#FeatureLine", "Feature:"},
		{"#TagLine", "a tag"},
	}
)

// plainGherkin says one parser message in words people use.
func plainGherkin(msg string) string {
	m := gherkinExpected.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	var want []string
	for _, t := range gherkinTokens {
		if strings.Contains(m[2], t.token) {
			want = append(want, t.words)
		}
	}
	expect := "expected " + strings.Join(want, ", ")
	if len(want) == 0 {
		expect = "expected: " + m[2]
	}
	if m[1] != "" {
		return "the file ends too early: " + expect
	}
	return fmt.Sprintf("%q is not valid Gherkin here: %s", strings.TrimSpace(m[4]), expect)
}

// Origin returns the name of a feature file of fsys as people know it: its
// path on disk for the file systems of FeatureFiles, else name itself.
func Origin(fsys fs.FS, name string) string {
	if o, ok := fsys.(interface{ origin(string) string }); ok {
		return o.origin(name)
	}
	return name
}

// featureSet is the file system of FeatureFiles: the .feature files by the
// name reports show, each with where it came from.
type featureSet struct {
	fstest.MapFS
	origins map[string]string // where each file came from
}

// FeatureFiles gathers the .feature files of paths (files, or directories
// searched recursively) into one file system, over base when base is not
// nil (the embedded suite, to add scenarios to it). A file of a directory
// keeps its path inside the directory; a file given by itself keeps its
// base name. Two files with one name are an error, and so is a path with
// no .feature file.
func FeatureFiles(base fs.FS, paths ...string) (fs.FS, error) {
	set := &featureSet{MapFS: fstest.MapFS{}, origins: map[string]string{}}
	add := func(name, origin string, b []byte) error {
		if prev, ok := set.origins[name]; ok {
			return fmt.Errorf("%s and %s are both named %s in the suite: rename one", prev, origin, name)
		}
		set.MapFS[name] = &fstest.MapFile{Data: b, Mode: 0o444}
		set.origins[name] = origin
		return nil
	}
	walk := func(fsys fs.FS, origin func(name string) string) error {
		return walkFeatures(fsys, func(p string) error {
			b, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			return add(p, origin(p), b)
		})
	}
	if base != nil {
		if err := walk(base, func(name string) string { return Origin(base, name) }); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: no such file or directory", p)
		case !st.IsDir() && !strings.HasSuffix(p, ".feature"):
			return nil, fmt.Errorf("%s: not a .feature file nor a directory", p)
		case !st.IsDir():
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			if err := add(filepath.Base(p), p, b); err != nil {
				return nil, err
			}
			continue
		}
		n := len(set.MapFS)
		if err := walk(os.DirFS(p), func(name string) string { return filepath.Join(p, filepath.FromSlash(name)) }); err != nil {
			return nil, err
		}
		if len(set.MapFS) == n {
			return nil, fmt.Errorf("%s: no .feature file in this directory", p)
		}
	}
	return set, nil
}

func (s *featureSet) origin(name string) string {
	if o, ok := s.origins[name]; ok {
		return o
	}
	return name
}
