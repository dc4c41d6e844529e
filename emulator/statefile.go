package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateFile is where the emulator keeps its state (WithStateFile).
type stateFile struct{ path string }

// readStateFile reads the state file at path: the state and true, or false when there is no
// file (the seed is used then). Errors start with the path.
func readStateFile(path string) (Seed, bool, error) {
	data, err := readBounded(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Seed{}, false, nil
	case err != nil:
		return Seed{}, false, fmt.Errorf("state file: %w", err)
	}
	seed, err := ParseSeed(data)
	if err != nil {
		return Seed{}, false, fmt.Errorf("state file %s: %w", path, err)
	}
	return seed, true, nil
}

// write replaces the file with the state, atomically: a temporary file in the same directory
// (a rename is atomic only within a file system), written and synced, renamed over the file,
// then the directory synced, so that the rename itself survives a crash. Readers of the path
// see the old state or the new one, whole.
func (f *stateFile) write(state Seed) error {
	data, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return fmt.Errorf("state file %s: encoding the state: %w", f.path, err)
	}
	if err := writeAtomic(f.path, append(data, '\n')); err != nil {
		return fmt.Errorf("state file %s: %w", f.path, err)
	}
	return nil
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
