//go:build race

package issuing

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = true
