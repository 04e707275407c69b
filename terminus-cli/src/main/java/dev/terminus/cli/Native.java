package dev.terminus.cli;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * A C library function, where the JDK can call one: JDK 22 or later, through the foreign-function
 * API, called reflectively so that this module still compiles for and runs on Java 17. Arguments
 * and results are {@code int} or {@code long} (a pointer passes as a {@code long}, on the 64-bit
 * Linux ABIs). The jar's manifest grants native access ({@code Enable-Native-Access}).
 */
final class Native {
  private Native() {}

  /**
   * A handle on a C function of the default library (libc), or empty where the JDK cannot call one
   * (JDK 17 to 21, native access refused, no such symbol).
   *
   * @param name the function, for example {@code "prctl"}
   * @param result {@code int.class} or {@code long.class}
   * @param args each {@code int.class} or {@code long.class}
   * @return the handle
   */
  static Optional<MethodHandle> function(String name, Class<?> result, Class<?>... args) {
    if (Runtime.version().feature() < 22) {
      return Optional.empty();
    }
    try {
      Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
      Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
      Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
      Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
      Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
      Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
      Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
      Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
      Optional<?> symbol =
          (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, name);
      if (symbol.isEmpty()) {
        return Optional.empty();
      }
      Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
      Object javaLong = valueLayoutClass.getField("JAVA_LONG").get(null);
      Object layouts = Array.newInstance(layoutClass, args.length);
      for (int i = 0; i < args.length; i++) {
        Array.set(layouts, i, args[i] == int.class ? javaInt : javaLong);
      }
      Object descriptor =
          descriptorClass
              .getMethod("of", layoutClass, layouts.getClass())
              .invoke(null, result == int.class ? javaInt : javaLong, layouts);
      Object noOptions = Array.newInstance(optionClass, 0);
      return Optional.of(
          (MethodHandle)
              linkerClass
                  .getMethod("downcallHandle", segmentClass, descriptorClass, noOptions.getClass())
                  .invoke(linker, symbol.get(), descriptor, noOptions));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.empty(); // no foreign-function API here, or native access refused
    }
  }

  /**
   * Calls a handle from {@link #function}.
   *
   * @param f the function
   * @param args its arguments, boxed {@code Integer} or {@code Long}
   * @return its result as a {@code long}, or empty if the call failed
   */
  static Optional<Long> call(MethodHandle f, Object... args) {
    try {
      Object r = f.invokeWithArguments(args);
      return Optional.of(((Number) r).longValue());
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      return Optional.empty();
    }
  }
}
