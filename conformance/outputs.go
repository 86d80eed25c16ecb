package conformance

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
)

// ownFormats are the reports package conformance writes itself, from what
// the run recorded; color says whether ANSI colours may be used.
var ownFormats = map[string]func(w io.Writer, color bool) streamWriter{
	"pretty":   func(w io.Writer, color bool) streamWriter { return &pretty{out: w, color: color} },
	"progress": func(w io.Writer, color bool) streamWriter { return &progress{out: w, color: color} },
	"junit":    func(w io.Writer, _ bool) streamWriter { return &junit{out: w} },
	"html":     func(w io.Writer, _ bool) streamWriter { return &htmlReport{out: w} },
}

// godogFormats are the formats godog writes.
var godogFormats = []string{"cucumber", "events"}

// outputs are where a run's reports go.
type outputs struct {
	writers     []streamWriter
	godogFormat string    // for godog.Options.Format
	godogOutput io.Writer // for godog.Options.Output
	seed        int64     // for godog.Options.Randomize
	files       []*os.File
}

// openOutputs creates the report files of o.Formats (a file that cannot be
// created is a *UsageError) and the writers of the formats package
// conformance writes.
func openOutputs(o Options) (*outputs, error) {
	out := &outputs{godogOutput: o.Output, seed: o.Randomize}
	if out.seed == -1 {
		out.seed = rand.Int64N(1 << 31)
	}
	var godogs []string
	for _, f := range o.Formats {
		name, file, toFile := strings.Cut(f, ":")
		w, color := o.Output, !o.NoColors
		if toFile {
			fh, err := os.Create(file)
			if err != nil {
				out.close()
				return nil, usage("--format %s: %v", f, errors.Unwrap(err))
			}
			if _, ok := ownFormats[name]; !ok {
				fh.Close() // godog writes it
				godogs = append(godogs, f)
				continue
			}
			out.files = append(out.files, fh)
			w, color = fh, false
		}
		if mk, ok := ownFormats[name]; ok {
			sw := mk(w, color)
			if p, ok := sw.(seeded); ok {
				p.setSeed(out.seed)
			}
			out.writers = append(out.writers, sw)
			continue
		}
		godogs = append(godogs, f)
	}
	out.godogFormat = strings.Join(godogs, ",")
	if out.godogFormat == "" {
		// godog needs a format: one that writes nowhere.
		out.godogFormat, out.godogOutput = "progress", io.Discard
	}
	return out, nil
}

// close closes the report files.
func (out *outputs) close() {
	for _, f := range out.files {
		f.Close()
	}
}

// seeded is a report that says the seed the scenarios were shuffled with.
type seeded interface{ setSeed(int64) }
