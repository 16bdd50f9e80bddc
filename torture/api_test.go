package torture_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"guichet/workflows"
)

// apiClient is a REST API client acting with one person's token. It
// retries through outages like a careful integration would: a ticket
// counts as received only once the API answered its number.
type apiClient struct {
	base   string
	token  string
	http   *http.Client
	failed *failures
}

// failures counts the answers other than 2xx the clients got, by status
// (0: no answer), for the test's log.
type failures struct {
	mu sync.Mutex
	n  map[int]int
}

func (f *failures) add(code int) {
	f.mu.Lock()
	f.n[code]++
	f.mu.Unlock()
}

func (f *failures) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	codes := make([]int, 0, len(f.n))
	for c := range f.n {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		name := strconv.Itoa(c)
		if c == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, f.n[c]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func newAPIClient(base, token string, failed *failures) *apiClient {
	// Longer than the web app's own Update timeout (30 s), so the app
	// answers before the client gives up.
	return &apiClient{base: base, token: token, http: &http.Client{Timeout: 45 * time.Second}, failed: failed}
}

// apiView is the part of GET /api/v1/tickets/{number} the suite reads.
type apiView struct {
	Number string `json:"number"`
	Status string `json:"status"`
}

// do sends one request; status 0 means no answer (connection refused or
// reset, timeout).
func (a *apiClient) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.failed.add(0)
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.failed.add(0)
		return 0, nil, err
	}
	if resp.StatusCode >= 300 {
		a.failed.add(resp.StatusCode)
	}
	return resp.StatusCode, data, nil
}

// submitted is the outcome of a submission: its number, or the ID of a
// submission the API kept in its spool (202) while the database was down.
type submitted struct {
	number, spooled string
	attempts        int
}

// submit files ticket i, retrying until the API answers 201 (a number) or
// 202 (spooled). Each attempt is a new submission: one whose answer was
// lost may have been stored, and the client never learnt its number.
func (a *apiClient) submit(ctx context.Context, categoryID int64, i int) (submitted, error) {
	body := map[string]any{"category_id": categoryID, "urgency": 3, "phone": "01 02 03 04 05",
		"description": "Écran noir, poste " + strconv.Itoa(i)}
	var out submitted
	for {
		out.attempts++
		code, data, err := a.do(ctx, http.MethodPost, "/api/v1/tickets", body)
		switch {
		case code == http.StatusCreated:
			var v apiView
			if err := json.Unmarshal(data, &v); err != nil || v.Number == "" {
				return out, fmt.Errorf("201 without a number: %s", data)
			}
			out.number = v.Number
			return out, nil
		case code == http.StatusAccepted:
			var v struct{ Submission, Status string }
			if err := json.Unmarshal(data, &v); err != nil || v.Submission == "" {
				return out, fmt.Errorf("202 without a submission: %s", data)
			}
			out.spooled = v.Submission
			return out, nil
		case code >= 400 && code < 500:
			return out, fmt.Errorf("submission refused: %d %s", code, data)
		}
		if ctx.Err() != nil {
			return out, errors.Join(ctx.Err(), err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// get reads a ticket; an error when the API did not answer 200.
func (a *apiClient) get(ctx context.Context, number string) (*apiView, error) {
	code, data, err := a.do(ctx, http.MethodGet, "/api/v1/tickets/"+number, nil)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", number, code, data)
	}
	var v apiView
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// apiStep is one action of a lifecycle: who sends it, its body, and how a
// client sees on the ticket that it was applied.
type apiStep struct {
	action string
	by     *apiClient
	body   map[string]any
	// applied reads the ticket through the API; nil for an action that
	// changes no status (a reply): it is seen in the workflow's event count.
	applied func(*apiView) bool
}

// apiPlan is the lifecycle a ticket of class k is driven through with the
// API, and the state it must end in: 0 stays new (its pick-up timer must
// fire: late), 1 in progress, 2 resolved, 3 closed (accepted).
func apiPlan(k int, tech, agent *apiClient) ([]apiStep, string) {
	status := func(ss ...string) func(*apiView) bool {
		return func(v *apiView) bool {
			for _, s := range ss {
				if v.Status == s {
					return true
				}
			}
			return false
		}
	}
	steps := []apiStep{
		{"pickup", tech, nil, status(workflows.StatusInProgress, workflows.StatusResolved, workflows.StatusClosed)},
		{"reply", tech, map[string]any{"body": "Nous regardons."}, nil},
		{"resolve", tech, map[string]any{"solution": "Câble remplacé."}, status(workflows.StatusResolved, workflows.StatusClosed)},
		{"accept", agent, map[string]any{"rating_delay": 5, "rating_quality": 5}, status(workflows.StatusClosed)},
	}
	n, want := planCut(k)
	return steps[:n], want
}

// apiDrive sends the steps through the API. The API's actions carry no
// idempotency key, so a client whose request got no clear answer (no
// answer, 5xx, 409) looks whether the action was applied before sending it
// again. Pick-up, resolve and accept show in the ticket's status, and the
// workflow refuses a second one (a harmless 409). A reply shows in no
// status and a second one would be applied: the suite, standing in for a
// client that would know, reads the workflow's event count (seqOf), and
// after an answer that leaves an Update possibly still in flight (none,
// 503) waits long enough for it to complete before sending again.
func apiDrive(ctx context.Context, number string, steps []apiStep, reader *apiClient, seqOf func(context.Context) (int64, error)) error {
	for _, st := range steps {
		var seq0 int64
		if st.applied == nil {
			for {
				n, err := seqOf(ctx)
				if err == nil {
					seq0 = n
					break
				}
				if ctx.Err() != nil {
					return fmt.Errorf("%s %s: event count: %w", st.action, number, err)
				}
				time.Sleep(300 * time.Millisecond)
			}
		}
		for {
			code, data, err := st.by.do(ctx, http.MethodPost, "/api/v1/tickets/"+number+"/actions/"+st.action, st.body)
			if code == http.StatusOK {
				break
			}
			switch code {
			case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
				return fmt.Errorf("%s %s: %d %s", st.action, number, code, data)
			}
			ok := func() bool {
				v, err := reader.get(ctx, number)
				return err == nil && st.applied(v)
			}
			settle := 2 * time.Second
			if st.applied == nil {
				ok = func() bool { n, err := seqOf(ctx); return err == nil && n > seq0 }
				// A refused connection sent nothing.
				if code == 0 && !errors.Is(err, syscall.ECONNREFUSED) || code == http.StatusServiceUnavailable {
					settle = time.Minute
				}
			}
			if poll(ctx, ok, settle) {
				break
			}
			if ctx.Err() != nil {
				return fmt.Errorf("%s %s: %w (last answer %d %s, %v)", st.action, number, ctx.Err(), code, data, err)
			}
		}
	}
	return nil
}

// poll reports whether ok becomes true within settle.
func poll(ctx context.Context, ok func() bool, settle time.Duration) bool {
	deadline := time.Now().Add(settle)
	for ctx.Err() == nil {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(300 * time.Millisecond)
	}
	return false
}
