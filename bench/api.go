package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// apiClient calls Guichet's REST API with a bearer token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

// apiTicket is the part of the API's ticket the benchmark reads.
type apiTicket struct {
	Number  string `json:"number"`
	Status  string `json:"status"`
	GroupID *int64 `json:"group_id"`
}

// do sends a request with a JSON body (nil: none) and decodes a JSON answer
// into out (nil: discarded). A status other than 200 or 201 is an error.
func (a *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("bench: %s %s: %w", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("bench: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		if len(data) > 300 {
			data = data[:300]
		}
		return fmt.Errorf("bench: %s %s: status %d: %s", method, path, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("bench: %s %s: decode: %w", method, path, err)
	}
	return nil
}

// createTicket files a ticket and returns it as the API answered.
func (a *apiClient) createTicket(ctx context.Context, categoryID int64, i int) (apiTicket, error) {
	var t apiTicket
	err := a.do(ctx, http.MethodPost, "/api/v1/tickets", map[string]any{
		"category_id": categoryID,
		"urgency":     2,
		"description": fmt.Sprintf("Banc d'essai n° %d : l'imprimante du CDI affiche un bourrage papier.", i),
	}, &t)
	return t, err
}

// getTicket reads a ticket.
func (a *apiClient) getTicket(ctx context.Context, number string) (apiTicket, error) {
	var t apiTicket
	err := a.do(ctx, http.MethodGet, "/api/v1/tickets/"+number, nil, &t)
	return t, err
}

// Polling of waitFor: every fifth of the time waited so far, between
// minPoll and maxPoll, so that waiting adds at most ~20 % to a latency
// without the polls of 32 clients flooding the server they measure.
const (
	minPoll = 5 * time.Millisecond
	maxPoll = 200 * time.Millisecond
)

// waitFor reads the ticket until ok accepts it, for at most timeout.
func (a *apiClient) waitFor(ctx context.Context, number string, timeout time.Duration, ok func(apiTicket) bool) error {
	start := time.Now()
	deadline := start.Add(timeout)
	for {
		t, err := a.getTicket(ctx, number)
		if err != nil {
			return err
		}
		if ok(t) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: ticket %s not projected after %s (status %q)", number, timeout, t.Status)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(max(time.Since(start)/5, minPoll), maxPoll)):
		}
	}
}

// action sends an action and returns the ticket as the API answered.
func (a *apiClient) action(ctx context.Context, number, action string, body map[string]any) (apiTicket, error) {
	var t apiTicket
	if body == nil {
		body = map[string]any{}
	}
	err := a.do(ctx, http.MethodPost, "/api/v1/tickets/"+number+"/actions/"+action, body, &t)
	return t, err
}
