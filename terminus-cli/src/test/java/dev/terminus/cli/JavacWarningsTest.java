package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Werror} for the two modules whose main sources the build compiles without it. Their calls
 * to {@code sun.misc.Signal} draw javac's mandatory "internal proprietary API" warning, which no
 * flag and no {@code @SuppressWarnings} silences; so this test compiles those sources again, with
 * the build's options, and fails on every other warning. It also fails if that warning is gone, so
 * the exemption does not outlive its reason.
 */
class JavacWarningsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final String PROPRIETARY = "compiler.warn.sun.proprietary";

  @Test
  void coreAndCliMainSourcesDrawNoWarningButTheUnavoidableProprietaryApiOne(@TempDir Path dir)
      throws IOException {
    // Each module's own build output is what is compiled again here: leave it off the paths.
    String path = dependencies("terminus-core", "terminus-cli");
    Path core = dir.resolve("core");
    List<Diagnostic<? extends JavaFileObject>> coreWarnings =
        compile(
            ROOT.resolve("terminus-core/src/main/java"),
            core,
            List.of("--module-path", path, "-Xdoclint:all/protected", "-XDstringConcat=inline"));
    List<Diagnostic<? extends JavaFileObject>> cliWarnings =
        compile(
            ROOT.resolve("terminus-cli/src/main/java"),
            dir.resolve("cli"),
            List.of("-classpath", core + File.pathSeparator + path));

    assertThat(describe(others(coreWarnings))).as("terminus-core's other warnings").isEmpty();
    assertThat(describe(others(cliWarnings))).as("terminus-cli's other warnings").isEmpty();
    assertThat(coreWarnings)
        .as("terminus-core still uses sun.misc.Signal; if not, put -Werror back in its pom")
        .isNotEmpty();
    assertThat(cliWarnings)
        .as("terminus-cli still uses sun.misc.Signal; if not, put -Werror back in its pom")
        .isNotEmpty();
  }

  /** The test's class path and module path: the modules' compile dependencies are among them. */
  private static String dependencies(String... leftOut) {
    List<String> entries = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      for (String e : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!e.isEmpty() && Stream.of(leftOut).noneMatch(e::contains)) {
          entries.add(e);
        }
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static List<Diagnostic<? extends JavaFileObject>> compile(
      Path sources, Path out, List<String> options) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<File> files;
    try (Stream<Path> all = Files.walk(sources)) {
      files =
          all.filter(p -> p.toString().endsWith(".java"))
              .map(Path::toFile)
              .collect(Collectors.toList());
    }
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("--release", "17", "-Xlint:all", "-proc:none"));
    args.addAll(List.of("-d", out.toString()));
    args.addAll(options);
    try (StandardJavaFileManager fm =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok =
          javac
              .getTask(null, fm, diagnostics, args, null, fm.getJavaFileObjectsFromFiles(files))
              .call();
      assertThat(ok)
          .as("%s compiles: %s", sources, describe(diagnostics.getDiagnostics()))
          .isTrue();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(
            d ->
                d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING)
        .collect(Collectors.toList());
  }

  private static List<Diagnostic<? extends JavaFileObject>> others(
      List<Diagnostic<? extends JavaFileObject>> warnings) {
    return warnings.stream()
        .filter(d -> !PROPRIETARY.equals(d.getCode()))
        .collect(Collectors.toList());
  }

  private static List<String> describe(List<? extends Diagnostic<?>> diagnostics) {
    return diagnostics.stream()
        .map(
            d ->
                d.getCode()
                    + " "
                    + d.getSource()
                    + ":"
                    + d.getLineNumber()
                    + " "
                    + d.getMessage(Locale.ROOT))
        .collect(Collectors.toList());
  }
}
