/**
 * The {@code az:} storage, Azure Blob Storage, as one class of options:
 * {@link io.loomflow.azure.AzureBlob} names the options (a connection string, or an endpoint with an
 * account's name and key, and whether to create missing containers) and makes them. The storage
 * itself is found through {@link io.loomflow.data.spi.StorageProvider} when this module is on the
 * class or module path, and is used as every other storage is, through {@code io.loomflow.data}.
 * {@snippet class=io.loomflow.azure.snippets.AzureBlobSnippets region=connection-string}
 *
 * <p>The package is {@link NullMarked}: no argument or result here is ever {@code null}.
 */
@NullMarked
package io.loomflow.azure;

import org.jspecify.annotations.NullMarked;
