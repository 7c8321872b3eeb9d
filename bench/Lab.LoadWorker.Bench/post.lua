-- wrk script: POST the same small completion request the load worker sends to the instant SSE endpoint.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench","prompt":"hello","max_tokens":4,"stream":true}'
