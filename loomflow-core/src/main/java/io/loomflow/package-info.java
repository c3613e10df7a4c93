/**
 * Loomflow's API: flows, tasks and structured runs on virtual threads.
 */
@NullMarked
package io.loomflow;

import org.jspecify.annotations.NullMarked;
