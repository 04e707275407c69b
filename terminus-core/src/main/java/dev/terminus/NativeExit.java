package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Ends the process by a signal after everything the JVM's own exit does, through the
 * foreign-function API: {@code on_exit(raise, NULL)} makes the C library call {@code raise(status)}
 * once the JVM has run every shutdown hook, deleted the files registered with {@link
 * java.io.File#deleteOnExit()}, and called {@code exit(status)}; the process then exits with the
 * signal's number as its status, so it dies by that signal.
 *
 * <p>Used only where it is safe and quiet: JDK 22 or later, the GNU C library ({@code on_exit}),
 * and native access granted explicitly to this module ({@code --enable-native-access=ALL-UNNAMED}
 * or {@code =dev.terminus}, or {@code Enable-Native-Access: ALL-UNNAMED} in the executable jar's
 * manifest), so the JDK prints no warning. ({@code --illegal-native-access=allow} silences the
 * warning without granting access to any module, so it keeps the fallback.) Everywhere else {@link
 * #arm} returns false and the signal is raised from the shutdown hook instead. The code reaches the
 * API by reflection because the library compiles for Java 17.
 */
final class NativeExit {
  @GuardedBy("NativeExit.class")
  private static boolean armed;

  private NativeExit() {}

  /**
   * Arranges for {@code exit(status)} to become {@code raise(status)}; returns whether it did.
   * Idempotent.
   */
  static synchronized boolean arm() {
    if (armed) {
      return true;
    }
    if (Runtime.version().feature() < 22 || !granted()) {
      return false;
    }
    try {
      Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
      Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
      Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
      Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
      Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
      Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
      Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
      Object linker = linkerType.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
      Method find = lookupType.getMethod("find", String.class);
      Optional<?> raise = (Optional<?>) find.invoke(lookup, "raise");
      Optional<?> onExit = (Optional<?>) find.invoke(lookup, "on_exit");
      if (raise.isEmpty() || onExit.isEmpty()) {
        return false; // not the GNU C library
      }
      Object address = valueLayout.getField("ADDRESS").get(null);
      Object args = Array.newInstance(layoutType, 2);
      Array.set(args, 0, address);
      Array.set(args, 1, address);
      Object descriptor =
          descriptorType
              .getMethod("of", layoutType, args.getClass())
              .invoke(null, valueLayout.getField("JAVA_INT").get(null), args);
      Object noOptions = Array.newInstance(optionType, 0);
      MethodHandle handle =
          (MethodHandle)
              linkerType
                  .getMethod("downcallHandle", segmentType, descriptorType, noOptions.getClass())
                  .invoke(linker, onExit.get(), descriptor, noOptions);
      Object nul = segmentType.getField("NULL").get(null);
      int rc = (int) handle.invoke(raise.get(), nul);
      armed = rc == 0;
      return armed;
    } catch (Throwable e) { // any refusal leaves the fallback in place
      return false;
    }
  }

  /**
   * Whether native access was granted explicitly to this module, so a restricted call prints no
   * warning: {@code Module.isNativeAccessEnabled()} (JDK 22+), true under {@code
   * --enable-native-access=ALL-UNNAMED} (or {@code =dev.terminus} on the module path) and with
   * {@code Enable-Native-Access: ALL-UNNAMED} in the executable jar's manifest. Reached through a
   * method handle because the library compiles for Java 17: about 2 ms in a cold JVM, where reading
   * the runtime MXBean's input arguments took about 12 ms on every signal exit (JDK 25).
   */
  static boolean granted() {
    try {
      MethodType returnsBoolean = MethodType.methodType(boolean.class);
      MethodHandle enabled =
          MethodHandles.publicLookup()
              .findVirtual(Module.class, "isNativeAccessEnabled", returnsBoolean);
      return (boolean) enabled.invokeExact(NativeExit.class.getModule());
    } catch (Throwable e) { // before JDK 22: no such method, no grant
      return false;
    }
  }
}
