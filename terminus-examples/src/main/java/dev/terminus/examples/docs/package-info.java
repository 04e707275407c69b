/**
 * The Java samples of the README and docs/shutdown.md as programs: DocSamplesTest checks the docs
 * quote them, DocProgramsIT runs them. Kept as the docs show them, not reformatted.
 */
package dev.terminus.examples.docs;
