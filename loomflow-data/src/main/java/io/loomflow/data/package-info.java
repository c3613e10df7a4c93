/**
 * Loomflow's data half: named datasets that are loaded and saved through storage addressed by URI,
 * catalogs of them, and pipelines of nodes that run as flows.
 *
 * <p><b>Main types.</b> A {@link io.loomflow.data.Dataset} is one named piece of data: a location,
 * a {@link io.loomflow.data.Format} (text, bytes, JSON or CSV) and a storage, which
 * {@link io.loomflow.data.Storages} opens for a URI scheme ({@code file:}, {@code mem:}, and
 * {@code az:} or {@code s3:} with their modules) as an engine {@link io.loomflow.Resource}. A
 * {@link io.loomflow.data.Catalog}, read from YAML or built in code, names the datasets and the
 * options of their storage, so that moving the data changes the catalog only. A
 * {@link io.loomflow.data.Pipeline} of {@link io.loomflow.data.Node}s, validated when it is built,
 * runs as a {@link io.loomflow.Flow} whose {@link io.loomflow.data.PipelineRun} parameter selects
 * the nodes; {@link io.loomflow.data.Parameters} reads the values of its {@code params:} inputs.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=dataset}
 *
 * <p><b>Errors.</b> A dataset that cannot be loaded or saved raises a
 * {@link io.loomflow.data.DatasetException} ({@link io.loomflow.data.DatasetNotFoundException} when
 * nothing is at its location), and a catalog or parameters file that cannot be read a
 * {@link io.loomflow.data.CatalogException}; each names the dataset or the file, line and column.
 *
 * <p><b>Nulls.</b> The package is {@link NullMarked}: nothing is {@code null} unless its type is
 * annotated {@code @Nullable}. Values that pass between nodes in memory may be, where a node returned
 * {@code null}, and so may parameters written without a value and JSON values. Where such values sit
 * in a type argument of what a method returns ({@code Parameters.load}, {@code Pipeline.toFlow},
 * {@code Format.jsonMap}) the method is {@code @NullUnmarked} and says so instead: JShell cannot
 * declare a {@code var} of a type whose type argument is annotated.
 */
@NullMarked
package io.loomflow.data;

import org.jspecify.annotations.NullMarked;
