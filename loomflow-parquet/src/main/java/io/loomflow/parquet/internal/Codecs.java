package io.loomflow.parquet.internal;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression without Hadoop: parquet-java's own codec factory implements Hadoop's codec
 * interfaces and cannot even be loaded without Hadoop's classes, so the codecs are called here
 * directly, through the libraries parquet-java depends on anyway (snappy-java, zstd-jni,
 * aircompressor) and the JDK's deflate. Stateless and thread-safe.
 */
final class Codecs implements CompressionCodecFactory {

    /** Zstandard's level, as parquet-java's default. */
    private static final int ZSTD_LEVEL = 3;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        supported(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput page) throws IOException {
                return BytesInput.from(Codecs.compress(codec, page.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput page, int size) throws IOException {
                return BytesInput.from(Codecs.decompress(codec, page.toByteArray(), size));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size) throws IOException {
                byte[] compressed = new byte[compressedSize];
                input.get(compressed);
                output.put(Codecs.decompress(codec, compressed, size));
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public void release() {
    }

    private static void supported(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW -> { }
            default -> throw new IllegalArgumentException("compression " + codec + " is not supported; use SNAPPY, GZIP,"
                    + " ZSTD, LZ4_RAW or UNCOMPRESSED");
        }
    }

    private static byte[] compress(CompressionCodecName codec, byte[] page) throws IOException {
        return switch (codec) {
            case UNCOMPRESSED -> page;
            case SNAPPY -> Snappy.compress(page);
            case ZSTD -> Zstd.compress(page, ZSTD_LEVEL);
            case GZIP -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(page.length / 2 + 64);
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    gzip.write(page);
                }
                yield out.toByteArray();
            }
            case LZ4_RAW -> {
                Lz4Compressor lz4 = new Lz4Compressor();
                byte[] out = new byte[lz4.maxCompressedLength(page.length)];
                int length = lz4.compress(page, 0, page.length, out, 0, out.length);
                yield java.util.Arrays.copyOf(out, length);
            }
            default -> throw new IOException("compression " + codec + " is not supported");
        };
    }

    private static byte[] decompress(CompressionCodecName codec, byte[] page, int size) throws IOException {
        byte[] out = switch (codec) {
            case UNCOMPRESSED -> page;
            case SNAPPY -> Snappy.uncompress(page);
            case ZSTD -> Zstd.decompress(page, size);
            case GZIP -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(page))) {
                    yield gzip.readNBytes(size);
                }
            }
            case LZ4_RAW -> {
                byte[] plain = new byte[size];
                int length = new Lz4Decompressor().decompress(page, 0, page.length, plain, 0, size);
                yield length == size ? plain : java.util.Arrays.copyOf(plain, length);
            }
            default -> throw new IOException("the file is compressed with " + codec + ", which Loomflow does not read"
                    + " (it reads SNAPPY, GZIP, ZSTD, LZ4_RAW and uncompressed files); write it again with one of those");
        };
        if (out.length != size) {
            throw new IOException("a " + codec + " page holds " + out.length + " bytes where the file says " + size
                    + "; the file is corrupt: write it again from its source");
        }
        return out;
    }
}
