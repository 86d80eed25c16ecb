package conformance

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

// htmlReport writes one self-contained HTML page at the end of the run: the
// totals, then each feature with its scenarios, their steps marked by
// outcome, and what went wrong with the diffs. Its style is inline and it
// loads nothing, so that it can be kept as a CI artifact or mailed.
type htmlReport struct {
	out io.Writer
}

func (h *htmlReport) step(*scenarioOutcome, *stepOutcome) {}
func (h *htmlReport) scenario(*scenarioOutcome)           {}

// htmlFeature is a feature of the page.
type htmlFeature struct {
	Name, URI string
	Scenarios []*scenarioOutcome
	Failed    int
}

// htmlLine is a line of an error, classed for the diff's colours.
type htmlLine struct {
	Class, Text string
}

func (h *htmlReport) summary(all []*scenarioOutcome, elapsed time.Duration) {
	var features []*htmlFeature
	byFile := map[string]*htmlFeature{}
	for _, sc := range sortedOutcomes(all) {
		f := byFile[sc.URI]
		if f == nil {
			f = &htmlFeature{Name: sc.Feature, URI: sc.URI}
			byFile[sc.URI] = f
			features = append(features, f)
		}
		f.Scenarios = append(f.Scenarios, sc)
		if sc.Status != passed {
			f.Failed++
		}
	}
	data := struct {
		Totals    string
		Generated string
		Features  []*htmlFeature
		Failed    bool
	}{
		Totals:    totals(all, elapsed, 0),
		Generated: time.Now().UTC().Format(time.RFC3339),
		Features:  features,
	}
	for _, sc := range all {
		data.Failed = data.Failed || sc.Status != passed
	}
	if err := htmlPage.Execute(h.out, data); err != nil {
		fmt.Fprintf(h.out, "<!-- %s -->\n", template.HTMLEscapeString(err.Error()))
	}
}

// errorLines splits an error into lines, classing a unified diff's.
func errorLines(s string) []htmlLine {
	var out []htmlLine
	for _, line := range strings.Split(withoutHeading(s), "\n") {
		class := ""
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case strings.HasPrefix(trimmed, "+++"), strings.HasPrefix(trimmed, "---"):
			class = "head"
		case strings.HasPrefix(trimmed, "@@"):
			class = "hunk"
		case strings.HasPrefix(trimmed, "+"):
			class = "add"
		case strings.HasPrefix(trimmed, "-"):
			class = "del"
		}
		out = append(out, htmlLine{Class: class, Text: line})
	}
	return out
}

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"errorLines": errorLines,
	"location":   location,
	"trim":       strings.TrimSpace,
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gwsmock conformance report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #1b1b1b; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
.totals { white-space: pre; font-family: ui-monospace, monospace; padding: .5em 1em; border-left: 4px solid #2a7d2a; background: #f3f9f3; }
.totals.failed { border-color: #b3261e; background: #fcf1f0; }
details { margin: .3em 0; border: 1px solid #e3e3e3; border-radius: 4px; }
summary { cursor: pointer; padding: .35em .6em; }
.badge { display: inline-block; min-width: 6em; font-weight: 600; font-size: .85em; text-transform: uppercase; }
.passed > summary .badge, .step.passed .mark { color: #2a7d2a; }
.failed > summary .badge, .ambiguous > summary .badge, .step.failed .mark, .step.ambiguous .mark { color: #b3261e; }
.undefined > summary .badge, .pending > summary .badge, .step.undefined .mark, .step.pending .mark { color: #8a5a00; }
.skipped > summary .badge, .step.skipped .mark, .step.notrun .mark { color: #5f6368; }
.where { color: #5f6368; font-size: .85em; margin-left: .5em; }
ol.steps { list-style: none; margin: 0; padding: 0 .8em .6em 1.2em; }
.step { font-family: ui-monospace, monospace; padding: .1em 0; }
.mark { display: inline-block; min-width: 7em; font-size: .85em; }
pre { margin: .3em 0 .6em 7em; padding: .5em .8em; background: #f6f6f6; overflow-x: auto; font-size: .9em; }
pre .add { color: #1f6e1f; background: #e6f4e6; }
pre .del { color: #9b1c1c; background: #fbe9e9; }
pre .hunk { color: #5b4bb7; } pre .head { color: #5f6368; }
</style>
</head>
<body>
<h1>gwsmock conformance report</h1>
<p class="where">Generated {{.Generated}}</p>
<div class="totals{{if .Failed}} failed{{end}}">{{trim .Totals}}</div>
{{range .Features}}
<h2>Feature: {{.Name}} <span class="where">{{.URI}}{{if .Failed}}, {{.Failed}} not passed{{end}}</span></h2>
{{range .Scenarios}}{{$sc := .}}
<details class="{{.Status}}"{{if ne .Status "passed"}} open{{end}}>
<summary><span class="badge">{{.Status}}</span> {{.Keyword}}: {{.Name}} <span class="where">{{location .URI .Line}}</span></summary>
<ol class="steps">
{{range .Steps}}<li class="step {{if .Status}}{{.Status}}{{else}}notrun{{end}}"><span class="mark">{{if .Status}}{{.Status}}{{else}}not run{{end}}</span>{{.Keyword}}{{.Text}}{{if .Line}} <span class="where">{{location $sc.URI .Line}}</span>{{end}}
{{if .Doc}}<pre>{{.Doc}}</pre>{{end}}{{if .Err}}<pre>{{range errorLines .Err}}<span class="{{.Class}}">{{.Text}}</span>
{{end}}</pre>{{end}}{{if .Hint}}<pre>{{.Hint}}</pre>{{end}}</li>
{{end}}</ol>
{{if .Err}}<pre>{{range errorLines .Err}}<span class="{{.Class}}">{{.Text}}</span>
{{end}}</pre>{{end}}
</details>
{{end}}{{end}}
</body>
</html>
`))
