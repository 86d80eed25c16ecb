// Package docs embeds the prose of the contract that tools read: behavior.md
// (the promises B§.n of the Interactions API) and bayeux.md (the Bayeux
// rules C1..C14), so that the traceability matrix of `gwsmock coverage`
// (conformance.BuildCoverage) lists the promises people read, from the
// same files.
package docs

import (
	"embed"
	"io/fs"
)

//go:embed behavior.md bayeux.md
var files embed.FS

// FS holds behavior.md and bayeux.md at its root.
var FS fs.FS = files
