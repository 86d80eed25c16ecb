package mockserver

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gwsmock/gwsmock/mockserver/contactcenter"
	"github.com/gwsmock/gwsmock/mockserver/statefile"
)

// state is where the contact center starts and, with a state file, what
// keeps its state in that file.
type state struct {
	path     string // the state file; "": none
	initial  contactcenter.Snapshot
	fromFile bool             // initial was read from path
	saver    *statefile.Saver // nil without a state file
}

// loadState reads the state file at path when there is one and it exists;
// otherwise the center starts from fixture.
func loadState(path string, interval time.Duration, fixture contactcenter.Snapshot, logger *slog.Logger) (state, error) {
	st := state{path: path, initial: fixture}
	if path == "" {
		return st, nil
	}
	// A write killed midway left its temporary file, a copy of the state
	// with its passwords: remove it before anything writes again.
	removed, err := statefile.RemoveStale(path)
	if len(removed) > 0 {
		logger.Info("state file: removed the temporary files of interrupted writes", "removed", removed)
	}
	if err != nil {
		logger.Warn("state file: stale temporary files remain", "err", err)
	}
	snap, found, err := statefile.Load(path)
	if err != nil {
		return state{}, err
	}
	if found {
		st.initial, st.fromFile = snap, true
	}
	st.saver = statefile.NewSaver(path, interval, logger)
	return st, nil
}

// onChange is the contact center's OnChange: it tells the saver.
func (st state) onChange() func() {
	if st.saver == nil {
		return func() {}
	}
	return st.saver.Changed
}

// refused explains why the contact center refused the initial state.
func (st state) refused(err error) error {
	if st.fromFile {
		return fmt.Errorf("state file %s is refused, nothing was loaded: %w (fix the file, or move it away to start from the fixture)", st.path, err)
	}
	return fmt.Errorf("load contact center: %w", err)
}

// start writes a new state file at once, so that a path that cannot be
// written fails now rather than at the first change, and starts the saver.
// A file loaded holds version 0, the center's state at New.
func (st state) start(center *contactcenter.Center, logger *slog.Logger) error {
	if st.saver == nil {
		return nil
	}
	var saved uint64
	if !st.fromFile {
		snap, v := center.VersionedSnapshot()
		if err := statefile.Write(st.path, snap); err != nil {
			return err
		}
		saved = v
	}
	st.saver.Start(center.VersionedSnapshot, saved)
	logger.Info("state file", "path", st.path, "loaded", st.fromFile)
	return nil
}
