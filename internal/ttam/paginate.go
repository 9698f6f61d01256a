package ttam

import (
	"context"
	"fmt"
	"net/url"
)

// envelope is the v3 list shape: {"data":[...],"links":{"next":url|null}}.
type envelope[T any] struct {
	Data  []T `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
}

// list fetches first and every page its links.next chain leads to, up to
// the client's page bound, and returns all items in order. A next link may
// be relative; one leading off the API's host, or back to a page already
// read, fails the call rather than being followed.
func list[T any](ctx context.Context, c *Client, op string, first *url.URL, auth bool, maxBytes int64) ([]T, error) {
	var all []T
	seen := map[string]bool{first.String(): true}
	u := first
	for page := 1; ; page++ {
		var env envelope[T]
		err := c.get(ctx, request{op: op, url: u, auth: auth, maxBytes: maxBytes, decode: decodeJSON(&env)})
		if err != nil {
			return nil, err
		}
		all = append(all, env.Data...)
		if env.Links.Next == nil || *env.Links.Next == "" {
			return all, nil
		}
		next, err := u.Parse(*env.Links.Next)
		if err != nil {
			return nil, &APIError{Op: op, Kind: KindBadResponse, Err: fmt.Errorf("links.next: %w", err)}
		}
		switch {
		case !c.sameOrigin(next):
			return nil, &APIError{Op: op, Kind: KindBadResponse, Err: fmt.Errorf("links.next leads to %s://%s, off the API's host", next.Scheme, next.Host)}
		case seen[next.String()]:
			return nil, &APIError{Op: op, Kind: KindBadResponse, Err: fmt.Errorf("links.next on page %d leads back to a page already read", page)}
		case page >= c.maxPages:
			return nil, &APIError{Op: op, Kind: KindBadResponse, Err: fmt.Errorf("more than %d pages", c.maxPages)}
		}
		seen[next.String()] = true
		u = next
	}
}
