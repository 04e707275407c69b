package dev.terminus.test;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands each test its {@link Children} and, after the test, closes them:
 * every child still running, and every process a child started that is still running, is killed,
 * and the test fails, naming them.
 *
 * <pre>{@code
 * @ExtendWith(TerminusExtension.class)
 * class CopyTest {
 *   @Test
 *   void ctrlCLeavesNoHalfWrittenFile(Children children, @TempDir Path dir) {
 *     ChildProcess copy = children.java(Copy.class).args(...).start();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A parameter of type {@link Children} is resolved in test methods, {@code @BeforeEach} and
 * {@code @AfterEach} methods (one set per test) and in {@code @BeforeAll} and {@code @AfterAll}
 * methods and constructors (one set per test class, closed after all its tests). Children started
 * with {@link ChildProcess} directly are not tracked.
 */
public final class TerminusExtension
    implements ParameterResolver, AfterEachCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(TerminusExtension.class);

  /** Made by JUnit. */
  public TerminusExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Children.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(NS)
        .getOrComputeIfAbsent(Children.class, k -> new Children(), Children.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeIn(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeIn(context);
  }

  private static void closeIn(ExtensionContext context) {
    Children children = context.getStore(NS).remove(Children.class, Children.class);
    if (children == null) {
      return;
    }
    List<String> outlived = children.closeAll();
    if (!outlived.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName()
              + ": processes outlived the test and were killed:\n  "
              + String.join("\n  ", outlived));
    }
  }
}
