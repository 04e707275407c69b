/**
 * Runs a picocli command under Terminus: {@link dev.terminus.picocli.TerminusPicocli}.
 *
 * <p>Package-wide rule: a {@code null} argument is rejected with a {@link NullPointerException}
 * naming the parameter.
 */
package dev.terminus.picocli;
