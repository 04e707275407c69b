/** A file copy that never leaves a half-written file: the program of docs/testing.md. */
package dev.terminus.examples.copy;
