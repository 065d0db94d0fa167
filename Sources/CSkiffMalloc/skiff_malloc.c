// The C target needs one source file; the functions are inline in the header.
