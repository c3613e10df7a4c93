package io.loomflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a thread outside of any run waits for runs to end: as long as they take, unless it waits
 * inside a class's static initializer for runs that wait for that class.
 *
 * <p>A run started from the static initializer of class {@code X} whose code uses {@code X} waits
 * for {@code X}'s initialisation, which waits for the run: the JVM never ends such a wait, and a
 * thread waiting for a class's initialisation looks {@code RUNNABLE}, with no frame of the class on
 * its stack when the call that waits is a lambda's. So a wait that has not ended after a second
 * looks at the waiting thread's stack for {@code <clinit>} frames (never before, so the usual wait
 * costs nothing more); inside one, it samples the stacks of the runs' threads twice a second. A
 * thread that stays {@code RUNNABLE} with the same stack for a second, and whose top frame is code
 * of the class (or of a class nested in it), or Loomflow calling a run's code that was written in
 * the class (a lambda or method reference of it), waits for the class: the runs are cancelled and
 * the wait fails with an error that names the class. (Code of the class that really runs, on an
 * instance made by the initializer, would have to spin on one line for a second to look the same.)
 * Runs whose code reaches the class only through other classes cannot be told from slow ones; the
 * wait warns about them once, and goes on.
 *
 * <p>Stateless; each wait keeps its own samples.
 */
final class StaticInitializerDeadlock {

    /** How long a wait goes on before anything is checked. */
    private static final Duration FIRST_CHECK = Duration.ofSeconds(1);
    /** How often the runs' threads are sampled after that. */
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    /** How many samples in a row must show a thread unchanged: one second's worth. */
    private static final int UNCHANGED_SAMPLES = 3;
    private static final String RUN_CODE_CALLER = RunAttempts.class.getName();

    private StaticInitializerDeadlock() {
    }

    /** The end of something waited for, with a deadline. */
    @FunctionalInterface
    interface End {
        /**
         * Waits for the end at most for the given time.
         *
         * @return whether it has come
         */
        boolean await(Duration atMost) throws InterruptedException;
    }

    /** What is waited for: a run and its descendants, or the items of a map and theirs. */
    interface Awaited {
        /** How messages name it. */
        String describe();

        /** Whether the run is one of the topmost runs waited for (the run, or an item of the map). */
        boolean isTopOf(RunNode run);

        /** Cancels what is waited for. */
        void stop(Cancellation why);

        /** Writes a warning about it to the engine's log and, where it has a run, to its event stream. */
        void warn(String message);
    }

    /** A run and the runs below it, as a wait from outside of any run sees them. */
    static Awaited awaiting(RunNode run) {
        return new Awaited() {
            @Override
            public String describe() {
                return run.describe();
            }

            @Override
            public boolean isTopOf(RunNode other) {
                return other == run;
            }

            @Override
            public void stop(Cancellation why) {
                run.stop(why);
            }

            @Override
            public void warn(String message) {
                run.warn(message, null);
            }
        };
    }

    /** An end that a latch marks. */
    static End of(CountDownLatch ended) {
        return atMost -> ended.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Waits for the end. Call it only on a thread outside of any run.
     *
     * @throws LoomflowException if the waiting thread is in the static initializer of a class that
     *     a thread of the awaited runs waits for; they have been cancelled
     */
    static void await(End end, Awaited awaited, EngineImpl engine) throws InterruptedException {
        if (end.await(FIRST_CHECK)) {
            return;
        }
        List<Class<?>> initializing = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(frame -> frame.getMethodName().equals("<clinit>"))
                        .<Class<?>>map(StackWalker.StackFrame::getDeclaringClass).toList());
        if (initializing.isEmpty()) {
            while (!end.await(Duration.ofDays(1))) {
                // not in a static initializer: wait as long as the runs take
            }
            return;
        }
        List<Map<Thread, Sample>> samples = new ArrayList<>();
        boolean warned = false;
        do {
            samples.add(sample(awaited, engine));
            if (samples.size() > UNCHANGED_SAMPLES) {
                samples.removeFirst();
            }
            if (samples.size() == UNCHANGED_SAMPLES) {
                Class<?> waitedFor = waitedFor(samples, initializing);
                if (waitedFor != null) {
                    awaited.stop(Cancellation.requested("it waits for the initialisation of " + waitedFor
                            + ", whose static initializer waits for it"));
                    throw new LoomflowException(awaited.describe() + " was started from the static initializer of "
                            + waitedFor + " and waits for that class to be initialised, while the initializer waits"
                            + " for it: neither could ever end, so it was cancelled; move the call out of the static"
                            + " initializer (into main, or a method called once the class is initialised)", null, false);
                }
                if (!warned) {
                    warned = true;
                    awaited.warn(awaited.describe() + " has not ended after " + (FIRST_CHECK.toMillis()
                            + SAMPLE_EVERY.toMillis() * (UNCHANGED_SAMPLES - 1)) + " ms, and it was started from the"
                            + " static initializer of " + initializing.getFirst() + ": if its code uses that class"
                            + " (through another class), it waits for the initializer, which waits for it, forever;"
                            + " move the call out of the static initializer");
                }
            }
        } while (!end.await(SAMPLE_EVERY));
    }

    /** A thread of an awaited run, as seen at one moment. */
    private record Sample(RunNode run, Thread.State state, StackTraceElement[] stack) {
        boolean sameAs(Sample other) {
            return other != null && other.run == run && other.state == state && Arrays.equals(other.stack, stack);
        }
    }

    private static Map<Thread, Sample> sample(Awaited awaited, EngineImpl engine) {
        Map<Thread, Sample> sample = new HashMap<>();
        for (RunNode run : engine.liveRuns()) {
            Thread thread = run.runningThread();
            if (thread != null && isAwaited(run, awaited)) {
                sample.put(thread, new Sample(run, thread.getState(), thread.getStackTrace()));
            }
        }
        return sample;
    }

    /** Whether the run is one of those waited for, or below one of them. */
    private static boolean isAwaited(RunNode run, Awaited awaited) {
        for (RunNode ancestor = run; ancestor != null; ancestor = ancestor.parent()) {
            if (awaited.isTopOf(ancestor)) {
                return true;
            }
        }
        return false;
    }

    /** The class a thread of the samples has been waiting for all along, or null. */
    private static Class<?> waitedFor(List<Map<Thread, Sample>> samples, List<Class<?>> initializing) {
        for (Map.Entry<Thread, Sample> latest : samples.getLast().entrySet()) {
            Sample now = latest.getValue();
            if (now.state != Thread.State.RUNNABLE || now.stack.length == 0) {
                continue; // a wait for a class's initialisation shows as RUNNABLE
            }
            boolean unchanged = true;
            for (Map<Thread, Sample> earlier : samples) {
                unchanged &= now.sameAs(earlier.get(latest.getKey()));
            }
            if (unchanged) {
                Class<?> type = classOfTopFrame(now, initializing);
                if (type != null) {
                    return type;
                }
            }
        }
        return null;
    }

    /** The class under initialisation whose code the thread is about to run, as far as its stack tells. */
    private static Class<?> classOfTopFrame(Sample sample, List<Class<?>> initializing) {
        String top = sample.stack[0].getClassName();
        Class<?> code = sample.run.spec().body().getClass();
        for (Class<?> type : initializing) {
            if (isPartOf(top, type)) {
                return type;
            }
            // A lambda's frames are hidden: the top frame is Loomflow calling the run's code, whose
            // class (X$$Lambda/0x..., or a class nested in X) names the class it was written in.
            if (top.equals(RUN_CODE_CALLER) && isPartOf(code.getName(), type)) {
                return type;
            }
        }
        return null;
    }

    /** Whether the named class is the type or nested in it (lambdas and nested classes are). */
    private static boolean isPartOf(String className, Class<?> type) {
        return className.equals(type.getName()) || className.startsWith(type.getName() + "$");
    }
}
