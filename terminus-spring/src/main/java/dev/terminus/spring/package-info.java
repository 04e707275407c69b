/**
 * Runs a Spring Boot application under Terminus: {@link dev.terminus.spring.TerminusSpring}.
 *
 * <p>Package-wide rule: a {@code null} argument is rejected with a {@link NullPointerException}
 * naming the parameter.
 */
package dev.terminus.spring;
