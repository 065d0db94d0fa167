// zlib streams for SPDY/3 header blocks: one long-lived deflate and one inflate stream per
// connection, both primed with the SPDY dictionary, flushed (Z_SYNC_FLUSH) after every block.
// A shim because deflateInit/inflateInit are macros and z_stream is awkward to own from Swift.
#ifndef SKIFF_ZLIB_H
#define SKIFF_ZLIB_H
#include <stddef.h>
typedef struct skiff_zstream skiff_zstream;
/// A compressor (`deflate` non-zero) or decompressor primed with `dictionary`; NULL on failure.
skiff_zstream *skiff_zstream_new(int deflate, const unsigned char *dictionary, size_t dictionary_length);
/// Compresses or decompresses all of `input` with a sync flush, appending to `output` (at most
/// `capacity` bytes). Returns the number of bytes written, or -1 on a zlib error or overflow.
long skiff_zstream_process(skiff_zstream *stream, const unsigned char *input, size_t length, unsigned char *output,
                           size_t capacity);
void skiff_zstream_free(skiff_zstream *stream);
#endif
