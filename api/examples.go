package api

import (
	"encoding/json"
	"fmt"
	"sync"
)

// The names of the spec's response examples (components/examples): the 200 example of the
// 2023 page (css_03_0112) and that of the current page (ShowVpcepConnection), both verbatim.
const (
	ExampleSeed    = "SeedConnections"
	ExampleCurrent = "CurrentConnections"
)

// Example returns the value of the embedded spec's components/examples entry name (such as
// ExampleSeed or ExampleCurrent) as JSON, so that tests and the emulator use the doc examples
// from the spec instead of copies of them.
func Example(name string) ([]byte, error) {
	doc, err := examplesSpec()
	if err != nil {
		return nil, fmt.Errorf("api: loading the embedded spec: %w", err)
	}
	ex := doc.Components.Examples[name]
	if ex == nil || ex.Value == nil {
		return nil, fmt.Errorf("api: the embedded spec has no example %q", name)
	}
	data, err := json.Marshal(ex.Value.Value)
	if err != nil {
		return nil, fmt.Errorf("api: example %q: %w", name, err)
	}
	return data, nil
}

// examplesSpec decodes the embedded spec once for Example, which only reads it.
var examplesSpec = sync.OnceValues(GetSpec)
