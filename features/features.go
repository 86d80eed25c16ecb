// Package features holds the conformance scenarios of the Interactions API,
// in Gherkin, one file per area, and embeds them so that the gwsmock binary
// carries its own suite. conformance.Run reads them from FS unless it is
// given another file system (gwsmock conform --features DIR).
package features

import (
	"embed"
	"io/fs"
)

//go:embed *.feature
var files embed.FS

// FS holds the .feature files at its root.
var FS fs.FS = files
