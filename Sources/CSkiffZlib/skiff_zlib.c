#include "skiff_zlib.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct skiff_zstream {
    z_stream z;
    int deflate;
    unsigned char *dictionary;  // a copy: the caller's buffer need not outlive the call
    size_t dictionary_length;
};

skiff_zstream *skiff_zstream_new(int deflate, const unsigned char *dictionary, size_t dictionary_length) {
    skiff_zstream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->deflate = deflate;
    s->dictionary = malloc(dictionary_length);
    if (!s->dictionary) {
        free(s);
        return NULL;
    }
    memcpy(s->dictionary, dictionary, dictionary_length);
    s->dictionary_length = dictionary_length;
    int rc = deflate ? deflateInit(&s->z, Z_DEFAULT_COMPRESSION) : inflateInit(&s->z);
    // A compressor states its dictionary up front; a decompressor is asked for it (Z_NEED_DICT).
    if (rc == Z_OK && deflate) rc = deflateSetDictionary(&s->z, dictionary, (uInt)dictionary_length);
    if (rc != Z_OK) {
        free(s->dictionary);
        free(s);
        return NULL;
    }
    return s;
}

long skiff_zstream_process(skiff_zstream *s, const unsigned char *input, size_t length, unsigned char *output,
                           size_t capacity) {
    s->z.next_in = (Bytef *)input;
    s->z.avail_in = (uInt)length;
    s->z.next_out = output;
    s->z.avail_out = (uInt)capacity;
    for (;;) {
        int rc = s->deflate ? deflate(&s->z, Z_SYNC_FLUSH) : inflate(&s->z, Z_SYNC_FLUSH);
        if (rc == Z_NEED_DICT) {
            if (inflateSetDictionary(&s->z, s->dictionary, (uInt)s->dictionary_length) != Z_OK) return -1;
            continue;
        }
        if (rc == Z_BUF_ERROR && s->z.avail_in == 0) break;  // nothing more to do
        if (rc != Z_OK) return -1;
        if (s->z.avail_out == 0) return -1;  // would overflow: header blocks are small
        if (s->z.avail_in == 0 && (s->deflate || s->z.avail_out > 0)) break;
    }
    return (long)(capacity - s->z.avail_out);
}

void skiff_zstream_free(skiff_zstream *s) {
    if (!s) return;
    if (s->deflate) deflateEnd(&s->z);
    else inflateEnd(&s->z);
    free(s->dictionary);
    free(s);
}
