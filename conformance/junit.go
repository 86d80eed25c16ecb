package conformance

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// junit writes a JUnit XML report at the end of the run, as CI servers
// read it: a testsuite per feature, a testcase per scenario whose
// classname is the feature and name the scenario; a scenario that did not
// pass has a failure element whose message is the first line of what went
// wrong and whose body is all of it, the diff included; a scenario that
// did not run is <skipped/>.
type junit struct {
	out io.Writer
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	File     string      `xml:"file,attr,omitempty"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int64         `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

func (j *junit) step(*scenarioOutcome, *stepOutcome) {}
func (j *junit) scenario(*scenarioOutcome)           {}

func (j *junit) summary(all []*scenarioOutcome, elapsed time.Duration) {
	doc := junitSuites{Name: "gwsmock conformance", Time: seconds(elapsed)}
	byFile := map[string]int{}
	for _, sc := range sortedOutcomes(all) {
		i, ok := byFile[sc.URI]
		if !ok {
			i = len(doc.Suites)
			byFile[sc.URI] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: sc.Feature, File: sc.URI})
		}
		suite := &doc.Suites[i]
		tc := junitCase{Classname: sc.Feature, Name: sc.Name, File: sc.URI, Line: sc.Line, Time: seconds(sc.Duration)}
		switch sc.Status {
		case passed:
		case skipped:
			tc.Skipped = &junitSkipped{Message: "the scenario did not run"}
			suite.Skipped++
		default:
			body := failureText(sc)
			msg, _, _ := strings.Cut(body, "\n")
			tc.Failure = &junitFailure{Message: msg, Type: sc.Status, Body: body}
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		var d time.Duration
		for _, sc := range all {
			if sc.URI == s.File {
				d += sc.Duration
			}
		}
		s.Time = seconds(d)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintf(j.out, "<!-- %v -->\n", err)
		return
	}
	io.WriteString(j.out, xml.Header)
	j.out.Write(b)
	io.WriteString(j.out, "\n")
}

// failureText says what went wrong in a scenario, for people: each step
// that did not pass with its line, its error (a diff included) or the
// closest steps, then the scenario's own failure.
func failureText(sc *scenarioOutcome) string {
	var b strings.Builder
	for _, st := range sc.Steps {
		if st.Err == "" && st.Hint == "" {
			continue
		}
		fmt.Fprintf(&b, "%s step at %s: %s%s\n", st.Status, location(sc.URI, st.Line), st.Keyword, st.Text)
		b.WriteString(withoutHeading(st.Err + st.Hint))
		b.WriteString("\n")
	}
	if sc.Err != "" {
		fmt.Fprintf(&b, "after its steps:\n%s\n", strings.TrimSpace(sc.Err))
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "the scenario is %s\n", sc.Status)
	}
	return b.String()
}

// sortedOutcomes are the scenarios in file and line order, whatever order
// they ended in.
func sortedOutcomes(all []*scenarioOutcome) []*scenarioOutcome {
	out := slices.Clone(all)
	slices.SortStableFunc(out, func(a, b *scenarioOutcome) int {
		return cmp.Or(strings.Compare(a.URI, b.URI), cmp.Compare(a.Line, b.Line))
	})
	return out
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
