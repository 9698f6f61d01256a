package ttam_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"phenolink/internal/ttam"
	"phenolink/internal/ttamsim"
)

// Reading the demo account through the simulator, as the app does when no
// credentials are configured.
func Example() {
	sim, err := ttamsim.New(ttamsim.Config{Markers: 1000})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(sim)
	defer srv.Close()

	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: srv.URL, Tokens: ttam.StaticToken(ttamsim.DemoToken)})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	acct, err := c.Account(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(acct.FirstName, acct.LastName, acct.Profiles[0].ID)

	key, err := c.GenomeKey(ctx)
	if err != nil {
		panic(err)
	}
	g, err := c.Genome(ctx, acct.Profiles[0].ID, key)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(g.Calls), "markers")
	// Output:
	// Erin Mendel demo_profile_id
	// 1000 markers
}
