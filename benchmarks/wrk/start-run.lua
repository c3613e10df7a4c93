-- wrk's script for the cross-check of ServerThroughput (see benchmarks/README.md): every request
-- starts a run, as POST /api/flows/NAME/runs with a small JSON body; the URL names the flow.
wrk.method = "POST"
wrk.body = '{"name":"bench"}'
wrk.headers["Content-Type"] = "application/json"
