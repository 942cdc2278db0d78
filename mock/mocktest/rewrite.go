package mocktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// RewritePages wraps a handler (a *Server, typically) so that every 200
// JSON page passes through edit before it is sent: a server that drifts in
// one precise way, for proving that drift is caught. edit receives the page
// decoded into generic JSON values (objects are map[string]any, arrays
// []any); ForEachToken reaches its tokens.
//
//	drifting := mocktest.RewritePages(srv, func(page map[string]any) {
//		mocktest.ForEachToken(page, func(tok map[string]any) { delete(tok, "hostname") })
//	})
func RewritePages(h http.Handler, edit func(page map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			var page map[string]any
			if err := json.Unmarshal(body, &page); err == nil {
				edit(page)
				if edited, err := json.Marshal(page); err == nil {
					body = edited
				}
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// ForEachToken calls f on every token object of a page given to a
// RewritePages edit function.
func ForEachToken(page map[string]any, f func(tok map[string]any)) {
	tokens, _ := page["tokens"].([]any)
	for _, t := range tokens {
		if tok, ok := t.(map[string]any); ok {
			f(tok)
		}
	}
}
