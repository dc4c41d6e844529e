package api

import (
	"maps"
	"slices"
	"testing"
)

// Spec decodes once and shares the document; it is the document GetSpec decodes.
func TestSpec_decodesOnceTheEmbeddedSpec(t *testing.T) {
	a, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Spec()
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("Spec decoded the spec twice")
	}
	fresh, err := GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	got, want := slices.Sorted(maps.Keys(a.Paths.Map())), slices.Sorted(maps.Keys(fresh.Paths.Map()))
	if a.Info.Version != fresh.Info.Version || !slices.Equal(got, want) || len(a.Components.Schemas) != len(fresh.Components.Schemas) {
		t.Errorf("Spec differs from GetSpec: version %s/%s, paths %q/%q", a.Info.Version, fresh.Info.Version, got, want)
	}
}
