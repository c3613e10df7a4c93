package io.loomflow;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parameters that do not fit a flow's parameter record: every problem found, each naming its field,
 * raised by {@link ParameterModel#bind} and {@link ParameterModel#bindText} before any run starts.
 *
 * <p>The message lists the problems in one sentence; {@link #problems()} gives them one by one, for
 * a form that shows each beside its field. At most 20 are kept; {@link #problemsLeftOut()} counts
 * the rest. Immutable.
 */
public final class ParameterException extends LoomflowException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * One problem with one field.
     *
     * @param field the field, as a dotted path such as {@code window.start}, {@code ids[2]} or
     *     {@code limits.KEY}; empty for the parameters as a whole
     * @param problem what is wrong with it and what it expects, such as
     *     {@code expected a whole number from -128 to 127, got 128, which is out of range}
     */
    public record Problem(String field, String problem) {
    }

    /** What the parameters were for, such as {@code flow 'report'}. */
    private final String subject;
    private final transient List<Problem> problems;
    /** How many more problems were found than {@link #problems} holds. */
    private final int problemsLeftOut;

    ParameterException(String subject, List<Problem> problems, int problemsLeftOut) {
        super(describe(subject, problems, problemsLeftOut), null, false);
        this.subject = subject;
        this.problems = List.copyOf(problems);
        this.problemsLeftOut = problemsLeftOut;
    }

    private static String describe(String subject, List<Problem> problems, int leftOut) {
        return "the parameters of " + subject + " do not fit: " + problems.stream()
                .map(p -> p.field().isEmpty() ? p.problem() : p.field() + (reads(p.problem()) ? " " : ": ") + p.problem())
                .collect(Collectors.joining("; ")) + (leftOut > 0 ? "; and " + leftOut + " more problems" : "");
    }

    /** Whether a problem reads on from its field's name ("name is required"), or needs a colon ("count: expected"). */
    private static boolean reads(String problem) {
        return problem.startsWith("is ") || problem.startsWith("was ") || problem.startsWith("has ");
    }

    /**
     * What the parameters were for, such as {@code flow 'report'}.
     *
     * @return the subject, for messages
     */
    public String subject() {
        return subject;
    }

    /**
     * The problems, in the order found (at most 20).
     *
     * @return the problems; never empty
     */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * How many more problems were found than {@link #problems()} holds.
     *
     * @return the count left out, usually 0
     */
    public int problemsLeftOut() {
        return problemsLeftOut;
    }
}
