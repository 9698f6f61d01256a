package main

import "errors"

// exitCode maps run's error to the process's exit status: 0 for success, 2
// for a command line that could not be understood, 1 for anything else.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
}
