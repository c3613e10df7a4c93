package io.loomflow.parquet;

/**
 * How the pages of a Parquet file that Loomflow writes are compressed. Files compressed with any of
 * these are read; a file compressed otherwise (LZO, BROTLI, Hadoop's LZ4) is refused with its codec
 * named.
 */
public enum Compression {
    /** No compression. */
    UNCOMPRESSED,
    /** Snappy: fast, read by every Parquet implementation; the default. */
    SNAPPY,
    /** GZIP (deflate), through the JDK. */
    GZIP,
    /** Zstandard at level 3: smaller files than Snappy, at a similar speed. */
    ZSTD,
    /** LZ4 blocks without framing (Parquet's {@code LZ4_RAW}). */
    LZ4_RAW
}
