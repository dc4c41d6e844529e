package api

import (
	"strings"
	"testing"
)

func TestExample(t *testing.T) {
	for name, want := range map[string]string{
		ExampleSeed:    `"vpcepUpdateSwitch":"false"`,
		ExampleCurrent: `"vpcepUpdateSwitch":false`,
	} {
		data, err := Example(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("Example(%q) = %s, want it to hold %s", name, data, want)
		}
	}
	if _, err := Example("NoSuchExample"); err == nil || !strings.Contains(err.Error(), `"NoSuchExample"`) {
		t.Errorf("Example(unknown) error = %v", err)
	}
}
