package ttam

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func TestAPIErrorKinds(t *testing.T) {
	tests := []struct {
		status   int
		sentinel error
		code     string
	}{
		{400, ErrBadRequest, phenolink.EINTERNAL},
		{401, ErrUnauthenticated, phenolink.EUNAUTHORIZED},
		{403, ErrForbidden, phenolink.EFORBIDDEN},
		{404, ErrNotFound, phenolink.ENOTFOUND},
		{422, ErrUnprocessable, phenolink.EINVALID},
		{429, ErrRateLimited, phenolink.EUNAVAILABLE},
		{500, ErrServer, phenolink.EUNAVAILABLE},
		{503, ErrServer, phenolink.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			err := fmt.Errorf("import: %w", &APIError{Op: "ttam.Profile(\"p\")", Kind: kindOfStatus(tt.status), Status: tt.status})
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			for _, other := range kindSentinels {
				if other != tt.sentinel && errors.Is(err, other) {
					t.Errorf("errors.Is(%v, %v) = true, want only %v", err, other, tt.sentinel)
				}
			}
			if got := phenolink.ErrorCode(err); got != tt.code {
				t.Errorf("phenolink.ErrorCode = %q, want %q", got, tt.code)
			}
			if msg := phenolink.ErrorMessage(err); msg == "Internal error." || msg == "" {
				t.Errorf("phenolink.ErrorMessage = %q, want a message saying what to do", msg)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", tt.status)) {
				t.Errorf("error %q does not name the status", err)
			}
		})
	}
}

func TestAPIErrorDomainMessageIsACopy(t *testing.T) {
	err := &APIError{Kind: KindNotFound}
	pe, ok := errors.AsType[*phenolink.Error](err)
	if !ok {
		t.Fatal("no *phenolink.Error in the chain")
	}
	pe.Message = "changed"
	if got := phenolink.ErrorMessage(&APIError{Kind: KindNotFound}); got == "changed" {
		t.Error("changing one error's domain message changed every error's")
	}
}

func TestOAuthCodeKinds(t *testing.T) {
	tests := map[string]error{
		"invalid_grant":             ErrUnauthenticated,
		"access_denied":             ErrForbidden,
		"invalid_client":            ErrClient,
		"unauthorized_client":       ErrClient,
		"invalid_scope":             ErrClient,
		"unsupported_response_type": ErrClient,
		"invalid_request":           ErrBadRequest,
	}
	for code, want := range tests {
		if err := (&APIError{Kind: kindOfOAuthCode(code)}); !errors.Is(err, want) {
			t.Errorf("code %q: kind %d is not %v", code, err.Kind, want)
		}
	}
}

func TestAPIErrorWithoutKind(t *testing.T) {
	err := &APIError{Op: "op"}
	if got := err.Error(); !strings.Contains(got, "unknown failure") {
		t.Errorf("Error() = %q", got)
	}
	if phenolink.ErrorCode(err) != phenolink.EINTERNAL {
		t.Errorf("an error of no kind is not internal")
	}
}
