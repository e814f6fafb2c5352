package api

import "github.com/example/fixture"

// Root echoes the root module.
const Root = fixture.Version
