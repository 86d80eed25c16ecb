package conformance

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"
)

// Step and scenario outcomes, as reports name them.
const (
	passed    = "passed"
	failed    = "failed"
	skipped   = "skipped"
	undefined = "undefined"
	pending   = "pending"
	ambiguous = "ambiguous"
)

// stepOutcome is how one step of a scenario ended.
type stepOutcome struct {
	Keyword string // "When ", "Then ", ...; "* " when unknown
	Text    string
	Line    int64  // in the feature file; 0 when unknown
	Doc     string // the docstring, if any
	Status  string // passed, failed, skipped, undefined, pending or ambiguous; "" not run
	Err     string // what went wrong, for a failed step
	Hint    string // for an undefined step: the closest steps of the vocabulary
	done    bool
}

// scenarioOutcome is how one scenario ended.
type scenarioOutcome struct {
	Feature  string // the feature's name
	URI      string // its file
	Keyword  string // "Scenario" or "Scenario Outline"
	Name     string
	Line     int64 // of the scenario, or of its example row
	Steps    []stepOutcome
	Err      string // the scenario's own failure (unread notifications, a failed reset), after its steps
	Status   string // passed, failed, undefined, ...
	Duration time.Duration

	start          time.Time
	stepsLeft      int
	afterScenario  bool
	stepIndex      map[string]int // pickle step id -> index in Steps
	reported       bool
	failureMessage string // as Result.Failures gives it
}

// ended reports whether every step and the scenario's after hook have
// reported.
func (s *scenarioOutcome) ended() bool { return s.stepsLeft == 0 && s.afterScenario }

// finish computes the scenario's status once it ended.
func (s *scenarioOutcome) finish() {
	s.Duration = time.Since(s.start)
	s.Status = passed
	ran := false
	for _, st := range s.Steps {
		switch st.Status {
		case passed:
			ran = true
		case failed, undefined, pending, ambiguous:
			ran = true
			if s.Status == passed {
				s.Status = st.Status
			}
		}
	}
	switch {
	case s.Err != "":
		s.Status = failed
	case !ran && len(s.Steps) > 0:
		s.Status = skipped // no step ran: the run was cut short
	}
}

// streamWriter is a report written while the run goes on.
type streamWriter interface {
	// step is called when a step ended, scenario when a scenario did, and
	// summary once at the end, with every scenario in the order they
	// ended.
	step(sc *scenarioOutcome, st *stepOutcome)
	scenario(sc *scenarioOutcome)
	summary(all []*scenarioOutcome, elapsed time.Duration)
}

// recorder follows a run through godog's hooks and keeps how each
// scenario and step ended, for the reports of package conformance
// (pretty, progress, junit, html) and the Result.
type recorder struct {
	shapes  map[string]pickleShape // by pickle id, from our own parse
	writers []streamWriter
	start   time.Time

	mu        sync.Mutex // guards scenarios and the writers' output
	scenarios []*scenarioOutcome
}

// pickleShape is what godog's pickles lack and the reports show: the
// feature's name, the keywords and lines of the scenario and its steps.
type pickleShape struct {
	feature, keyword, name string
	line                   int64
	steps                  []stepOutcome // keyword, text, line
}

// newRecorder starts the record of a run of files.
func newRecorder(files []featureFile, writers []streamWriter) *recorder {
	return &recorder{shapes: shapesOf(files), writers: writers, start: time.Now()}
}

// shapesOf indexes the parsed files by pickle id. godog parses the same
// files in the same order with the same id generator, so its pickle ids
// are ours; begin checks the names and falls back to what the pickle says.
func shapesOf(files []featureFile) map[string]pickleShape {
	shapes := map[string]pickleShape{}
	for _, f := range files {
		if f.doc.Feature == nil {
			continue
		}
		steps := map[string]*messages.Step{}
		scenarios := map[string]*messages.Scenario{}
		rows := map[string]*messages.TableRow{}
		addSteps := func(list []*messages.Step) {
			for _, st := range list {
				steps[st.Id] = st
			}
		}
		addScenario := func(sc *messages.Scenario) {
			scenarios[sc.Id] = sc
			addSteps(sc.Steps)
			for _, ex := range sc.Examples {
				for _, row := range ex.TableBody {
					rows[row.Id] = row
				}
			}
		}
		for _, c := range f.doc.Feature.Children {
			switch {
			case c.Scenario != nil:
				addScenario(c.Scenario)
			case c.Background != nil:
				addSteps(c.Background.Steps)
			case c.Rule != nil:
				for _, rc := range c.Rule.Children {
					switch {
					case rc.Scenario != nil:
						addScenario(rc.Scenario)
					case rc.Background != nil:
						addSteps(rc.Background.Steps)
					}
				}
			}
		}
		for _, p := range f.pickles {
			shape := pickleShape{feature: f.doc.Feature.Name, keyword: "Scenario", name: p.Name}
			if sc := scenarios[p.AstNodeIds[0]]; sc != nil {
				shape.keyword, shape.line = sc.Keyword, sc.Location.Line
			}
			if len(p.AstNodeIds) > 1 {
				if row := rows[p.AstNodeIds[1]]; row != nil {
					shape.line = row.Location.Line
				}
			}
			for _, ps := range p.Steps {
				so := stepOutcome{Keyword: "* ", Text: ps.Text}
				if st := steps[ps.AstNodeIds[0]]; st != nil {
					so.Keyword, so.Line = st.Keyword, st.Location.Line
				}
				if ps.Argument != nil && ps.Argument.DocString != nil {
					so.Doc = ps.Argument.DocString.Content
				}
				shape.steps = append(shape.steps, so)
			}
			shapes[p.Id] = shape
		}
	}
	return shapes
}

// begin starts the record of a scenario.
func (r *recorder) begin(p *godog.Scenario) *scenarioOutcome {
	shape, ok := r.shapes[p.Id]
	if !ok || shape.name != p.Name || len(shape.steps) != len(p.Steps) {
		shape = pickleShape{feature: p.Uri, keyword: "Scenario", name: p.Name}
		for _, ps := range p.Steps {
			shape.steps = append(shape.steps, stepOutcome{Keyword: "* ", Text: ps.Text})
		}
	}
	sc := &scenarioOutcome{
		Feature: shape.feature, URI: p.Uri, Keyword: shape.keyword, Name: p.Name, Line: shape.line,
		Steps: append([]stepOutcome(nil), shape.steps...), start: time.Now(),
		stepsLeft: len(p.Steps), stepIndex: map[string]int{},
	}
	for i, ps := range p.Steps {
		sc.stepIndex[ps.Id] = i
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scenarios = append(r.scenarios, sc)
	return sc
}

// stepEnded records how a step ended.
func (r *recorder) stepEnded(sc *scenarioOutcome, st *godog.Step, status godog.StepResultStatus, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := sc.stepIndex[st.Id]
	if !ok || sc.Steps[i].done {
		return
	}
	so := &sc.Steps[i]
	so.done = true
	sc.stepsLeft--
	switch status {
	case godog.StepPassed:
		so.Status = passed
	case godog.StepSkipped:
		so.Status = skipped
	case godog.StepUndefined:
		so.Status = undefined
		so.Hint = stepHint(st.Text)
	case godog.StepPending:
		so.Status = pending
	case godog.StepAmbiguous:
		so.Status, so.Err = ambiguous, errText(err)
	default:
		so.Status, so.Err = failed, errText(err)
	}
	for _, w := range r.writers {
		w.step(sc, so)
	}
	r.maybeEnded(sc)
}

// scenarioEnded records the scenario's own error and the failure message
// the Result gives.
func (r *recorder) scenarioEnded(sc *scenarioOutcome, stepErr, endErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if endErr != nil {
		sc.Err = endErr.Error()
	}
	if errors.Is(stepErr, godog.ErrUndefined) {
		text := ""
		for _, st := range sc.Steps {
			if st.Status == undefined {
				text = st.Text
			}
		}
		stepErr = fmt.Errorf("undefined step %q: %s", text, stepHint(text))
	}
	if err := errors.Join(stepErr, endErr); err != nil {
		sc.failureMessage = err.Error()
	}
	sc.afterScenario = true
	r.maybeEnded(sc)
}

// maybeEnded reports a scenario to the writers once it ended.
func (r *recorder) maybeEnded(sc *scenarioOutcome) {
	if sc.reported || !sc.ended() {
		return
	}
	sc.reported = true
	sc.finish()
	for _, w := range r.writers {
		w.scenario(sc)
	}
}

// close reports what has not ended (a run cut short) and writes the
// summaries; it returns the scenarios in the order they ended.
func (r *recorder) close() []*scenarioOutcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sc := range r.scenarios {
		if !sc.reported {
			sc.stepsLeft, sc.afterScenario = 0, true
			r.maybeEnded(sc)
		}
	}
	for _, w := range r.writers {
		w.summary(r.scenarios, time.Since(r.start))
	}
	return r.scenarios
}

// hooks registers the recorder on a scenario's context.
func (r *recorder) hooks(sc *godog.ScenarioContext, begin func(ctx context.Context, s *godog.Scenario) (context.Context, error), end func(s *godog.Scenario, stepErr error) error) {
	var rec *scenarioOutcome
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		rec = r.begin(s)
		return begin(ctx, s)
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		if rec != nil {
			r.stepEnded(rec, st, status, err)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, stepErr error) (context.Context, error) {
		endErr := end(s, stepErr)
		if rec != nil {
			r.scenarioEnded(rec, stepErr, endErr)
		}
		return ctx, endErr
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
