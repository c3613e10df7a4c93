package io.loomflow;

/**
 * Marks an exception type as never worth retrying: a run whose attempt throws an exception that
 * implements this interface fails at once, whatever its {@link Retry} policy says.
 *
 * <p>Implement it on your own exception types, for example a validation error that a second try
 * cannot fix:
 * {@snippet class=io.loomflow.snippets.RetrySnippets region=non-retryable}
 */
public interface NonRetryable {
}
