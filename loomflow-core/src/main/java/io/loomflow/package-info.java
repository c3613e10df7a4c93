/**
 * Loomflow's API: flows and tasks that run as structured, observable runs on virtual threads, the
 * same from a {@code main} method, a notebook, a request handler, a background job or another flow.
 *
 * <p><b>Main types.</b> A {@link io.loomflow.Flow} orchestrates and a {@link io.loomflow.Task} does
 * one unit of work; both are immutable definitions, usually constants, and every call of one starts
 * a run. An {@link io.loomflow.Engine} owns the runs: their threads, named concurrency limits,
 * {@link io.loomflow.Resource}s, clock ({@link io.loomflow.TimeSource}) and event stream
 * ({@link io.loomflow.Event}, {@link io.loomflow.EventListener}); outside any run, calls use the
 * process-wide {@linkplain io.loomflow.Engine#defaultEngine() default engine}. A started run is a
 * {@link io.loomflow.Handle}, and a task mapped over many inputs a {@link io.loomflow.MapHandle};
 * runs move through the {@link io.loomflow.State}s and end as an {@link io.loomflow.Outcome}.
 * {@link io.loomflow.Retry}, {@link io.loomflow.Cache}, {@link io.loomflow.FailurePolicy} and
 * {@link io.loomflow.RunOptions} shape how runs go; {@link io.loomflow.RunContext} is the current
 * run as its own code sees it; {@link io.loomflow.ParameterModel} binds a flow's parameters from
 * JSON or text, for tools that start flows from outside Java.
 * {@snippet class=io.loomflow.snippets.Reports region=flow}
 *
 * <p><b>Errors.</b> What a flow's or task's code throws reaches the caller unchanged; the errors of
 * the engine itself are {@link io.loomflow.LoomflowException}s.
 *
 * <p><b>Nulls.</b> The package is {@link NullMarked}: a parameter, return value or record component
 * is never {@code null} unless its type is annotated {@link Nullable}, such as the previous state of
 * a run's first {@link io.loomflow.Event.StateChange} or the parent id of a root run's
 * {@link io.loomflow.RunInfo}. The inputs, parameters and results of flows and tasks are what their
 * type arguments say: {@code Flow<String, @Nullable Void>} may return {@code null}.
 */
@NullMarked
package io.loomflow;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
