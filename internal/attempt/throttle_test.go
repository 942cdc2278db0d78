package attempt

import (
	"net/http"
	"testing"
	"time"
)

func TestSlowDown(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		status  int
		headers map[string]string
		want    time.Duration // 0: no slow-down
	}{
		{name: "429 with retry-after-ms", status: 429, headers: map[string]string{"Retry-After-Ms": "1500"}, want: 1500 * time.Millisecond},
		{name: "503 with Retry-After", status: 503, headers: map[string]string{"Retry-After": "2"}, want: 2 * time.Second},
		{name: "429 without a delay", status: 429, want: initialRetryDelay},
		{name: "503 without a delay", status: 503, want: initialRetryDelay},
		{name: "429 with an insane delay", status: 429, headers: map[string]string{"Retry-After": "86400"}, want: initialRetryDelay},
		{name: "429 the server says not to retry", status: 429, headers: map[string]string{"X-Should-Retry": "false"}, want: initialRetryDelay},
		{name: "500 with Retry-After", status: 500, headers: map[string]string{"Retry-After": "3"}, want: 3 * time.Second},
		{name: "500 without a delay", status: 500},
		{name: "500 with Retry-After, not to be retried", status: 500, headers: map[string]string{"Retry-After": "3", "X-Should-Retry": "false"}},
		{name: "400 with Retry-After", status: 400, headers: map[string]string{"Retry-After": "3"}},
		{name: "200 with Retry-After", status: 200, headers: map[string]string{"Retry-After": "3"}},
		{name: "200", status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			for k, v := range tt.headers {
				resp.Header.Set(k, v)
			}
			d, ok := slowDown(resp, now)
			if ok != (tt.want != 0) || d != tt.want {
				t.Errorf("slowDown = %s, %v; want %s", d, ok, tt.want)
			}
		})
	}
}
