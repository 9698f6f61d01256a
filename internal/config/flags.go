package config

import (
	"flag"
	"fmt"
)

// Flags registers a flag on fs for every option marked Flag, named after it
// (READ_TIMEOUT becomes --read-timeout) and validated by the same rule, and
// returns a loader that reads the configuration with the flags that were
// set overriding the environment. Call the loader after fs.Parse.
func Flags(fs *flag.FlagSet) func(getenv func(string) string) (*Config, error) {
	set := map[string]string{}
	for _, o := range options() {
		if !o.Flag {
			continue
		}
		fs.Var(&flagValue{option: o, set: set}, o.FlagName(), fmt.Sprintf("%s (env %s, default %s)", o.Description, o.Name, o.Default))
	}
	return func(getenv func(string) string) (*Config, error) {
		return load(getenv, set)
	}
}

// flagValue records a flag's text under its option's name once it passes
// the option's validation.
type flagValue struct {
	option Option
	set    map[string]string
}

func (v *flagValue) String() string {
	if v == nil || v.set == nil {
		return ""
	}
	return v.set[v.option.Name]
}

func (v *flagValue) Set(s string) error {
	if err := v.option.apply(&Config{}, s); err != nil {
		return err
	}
	v.set[v.option.Name] = s
	return nil
}
