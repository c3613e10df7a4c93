-- The context a queued run carries from where it was submitted to the worker that executes it: the
-- text headers of the submitter's propagator (for OpenTelemetry, W3C traceparent and tracestate) as
-- one JSON object of strings, so that the worker's run continues the submitter's trace. NULL when the
-- submitter carried none.
ALTER TABLE lf_queue ADD COLUMN trace_context VARCHAR(100000);
