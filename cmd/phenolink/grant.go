package main

import (
	"context"
	"fmt"

	"phenolink/internal/config"
	"phenolink/internal/phenolink"
)

// grantableRoles are the roles grant and revoke accept.
var grantableRoles = []string{phenolink.RoleResearcher}

// runGrant gives an account a role:
//
//	phenolink grant researcher ACCOUNT_ID
func runGrant(ctx context.Context, e env, args []string) error {
	return setRole(ctx, e, "grant", args, true)
}

// runRevoke takes a role away from an account:
//
//	phenolink revoke researcher ACCOUNT_ID
func runRevoke(ctx context.Context, e env, args []string) error {
	return setRole(ctx, e, "revoke", args, false)
}

// setRole parses `ROLE ACCOUNT_ID`, opens the configured database and
// grants or revokes the role.
func setRole(ctx context.Context, e env, name string, args []string, granted bool) error {
	synopsis := name + " researcher ACCOUNT_ID"
	fs := newFlagSet(e, name, synopsis)
	for _, a := range args {
		if isHelp(a) {
			_, err := parseFlags(fs, e, []string{a})
			return err
		}
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w: %w", name, errUsage, err)
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("%s: want a role and an account id, as in `phenolink %s`: %w", name, synopsis, errUsage)
	}
	role, account := fs.Arg(0), fs.Arg(1)
	if !isGrantable(role) {
		return fmt.Errorf("%s: unknown role %q; the roles are %q: %w", name, role, grantableRoles, errUsage)
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	db, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("%s: opening %s: %w", name, describeStore(cfg), err)
	}
	defer db.Close()
	if err := checkSchema(ctx, db); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := db.SetRole(ctx, account, role, granted); err != nil {
		if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			return fmt.Errorf("%s: no account has id %q in %s; the person must sign in with 23andMe once first: %w", name, account, describeStore(cfg), err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if granted {
		_, err = fmt.Fprintf(e.stdout, "Account %q is now a %s.\n", account, role)
	} else {
		_, err = fmt.Fprintf(e.stdout, "Account %q is no longer a %s.\n", account, role)
	}
	return err
}

func isGrantable(role string) bool {
	for _, r := range grantableRoles {
		if r == role {
			return true
		}
	}
	return false
}
