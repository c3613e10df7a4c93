/** How runs become spans and measurements; not an API. */
@NullMarked
package io.loomflow.opentelemetry.internal;

import org.jspecify.annotations.NullMarked;
