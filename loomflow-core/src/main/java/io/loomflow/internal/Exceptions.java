package io.loomflow.internal;

/** Helpers for passing user errors on unchanged. */
public final class Exceptions {

    private Exceptions() {
    }

    /**
     * Throws {@code error} as it is, checked or not, without wrapping it.
     *
     * @param error the error to throw
     * @return never returns; declared so callers can write {@code throw Exceptions.rethrow(e)}
     */
    public static RuntimeException rethrow(Throwable error) {
        throw Exceptions.<RuntimeException>sneaky(error);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable error) throws E {
        throw (E) error;
    }

    /**
     * Adds {@code extra} to {@code error}'s suppressed exceptions unless they are the same object or
     * already linked.
     *
     * @param error the error that is thrown
     * @param extra the context to attach
     */
    public static void suppress(Throwable error, Throwable extra) {
        if (error == extra || extra == null) {
            return;
        }
        for (Throwable present : error.getSuppressed()) {
            if (present == extra) {
                return;
            }
        }
        error.addSuppressed(extra);
    }
}
