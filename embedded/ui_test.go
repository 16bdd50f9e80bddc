package embedded

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// uiSettings is the part of the UI server's /api/v1/settings answer the test reads.
type uiSettings struct {
	DisableWriteActions       bool
	WorkflowTerminateDisabled bool
	WorkflowCancelDisabled    bool
	WorkflowSignalDisabled    bool
	WorkflowResetDisabled     bool
	BatchActionsDisabled      bool
	StartWorkflowDisabled     bool
}

// startUIOnly runs the Web UI alone (its gRPC backend unreachable: the settings endpoint and
// the write guard answer without it) and returns its base URL.
func startUIOnly(t *testing.T, writeActions bool) string {
	t.Helper()
	ep, err := parseEndpoint("Temporal UI", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if ep, err = reserve("Temporal UI", ep); err != nil {
		t.Fatal(err)
	}
	tm := &Temporal{hostPort: "127.0.0.1:1"}
	if err := tm.startUI(testContext(t), ep, uiConfig(testNamespace, writeActions)); err != nil {
		t.Fatalf("startUI: %v", err)
	}
	t.Cleanup(func() {
		tm.ui.Stop()
		<-tm.uiDone
	})
	return tm.UIURL()
}

func getSettings(t *testing.T, base string) uiSettings {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), http.MethodGet, base+"/api/v1/settings", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET settings: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET settings = %s, want 200", resp.Status)
	}
	var s uiSettings
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("decode settings: %v", err)
	}
	return s
}

// terminateStatus posts a terminate request as the UI's "Terminate" button does, with the
// CSRF cookie and header the UI's page sends.
func terminateStatus(t *testing.T, base string) int {
	t.Helper()
	url := base + "/api/v1/namespaces/" + testNamespace + "/workflows/ticket-1/terminate"
	req, err := http.NewRequestWithContext(testContext(t), http.MethodPost, url, strings.NewReader(`{"reason":"test"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	const token = "0123456789abcdef0123456789abcdef"
	req.AddCookie(&http.Cookie{Name: "_csrf", Value: token})
	req.Header.Set("X-CSRF-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST terminate: %v", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestWebUIOnlyReadsUnlessWriteActionsAreAllowed(t *testing.T) {
	t.Run("by default the settings report every write action disabled and a terminate is refused", func(t *testing.T) {
		base := startUIOnly(t, false)
		got := getSettings(t, base)
		want := uiSettings{true, true, true, true, true, true, true}
		if got != want {
			t.Errorf("settings = %+v, want all disabled %+v", got, want)
		}
		if code := terminateStatus(t, base); code != http.StatusMethodNotAllowed {
			t.Errorf("POST terminate = %d, want 405", code)
		}
	})
	t.Run("with write actions allowed the settings report them enabled and a terminate goes through to Temporal", func(t *testing.T) {
		base := startUIOnly(t, true)
		if got := getSettings(t, base); got != (uiSettings{}) {
			t.Errorf("settings = %+v, want all enabled", got)
		}
		// The backend is unreachable, so the call fails, but not at the write guard.
		if code := terminateStatus(t, base); code == http.StatusMethodNotAllowed || code == http.StatusBadRequest {
			t.Errorf("POST terminate = %d, want it passed to Temporal (which is unreachable here)", code)
		}
	})
}
