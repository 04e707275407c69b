package dev.terminus.test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A program running in a real child process: a main class, a jar or any command.
 *
 * <pre>{@code
 * try (ChildProcess copy = ChildProcess.java(Copy.class).args(src, dst).start()) {
 *   copy.awaitLine("copying");
 *   copy.signalGroup("INT");                      // as Ctrl+C in a terminal
 *   assertThat(copy.await()).diedBy("INT").stdoutContains("cleaned up");
 * }
 * }</pre>
 *
 * <p><b>What the child gets.</b>
 *
 * <ul>
 *   <li>A clean environment: the test JVM's, less every {@code TERMINUS_*} variable and {@code
 *       JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} and {@code _JAVA_OPTIONS} (the JVM prints a
 *       line on stderr for each), plus what the test sets with {@link Builder#env}.
 *   <li>Its own session and process group (it is the group's leader: {@link #pid()} is the group's
 *       id), so {@link #signalGroup} reaches it and every process it started, as a terminal's
 *       Ctrl+C does, and the test JVM's own group is never hit. It has no controlling terminal.
 *   <li>SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and SIGXFSZ at their default dispositions and no
 *       signal blocked, even when the test JVM inherited them ignored (a build started with {@code
 *       nohup} or in a script's background).
 *   <li>A temporary directory of its own ({@link #tempDir()}), deleted by {@link #close()}: {@code
 *       TMPDIR} points there, and a Java child gets it as {@code java.io.tmpdir} and {@code
 *       org.sqlite.tmpdir}, so nothing it leaves lands in the system temp dir.
 *   <li>Stdin from {@link Builder#stdin}, or empty (end of file at once).
 * </ul>
 *
 * <p><b>How the kit knows how it ended.</b> The JDK's {@link Process} reports a death by signal N
 * as the exit status 128 + N, like a shell. The kit starts the command under a tiny {@code python3}
 * parent (the reaper) that calls {@code waitpid}, so {@link ChildResult#ending()} tells an exit
 * from a signal exactly. The reaper also sets up the session and the signal dispositions above; it
 * makes itself a child subreaper on Linux, so processes the command orphans stay findable; and it
 * kills the command's group if the test JVM dies. It looks for {@code python3} in the system
 * property {@code terminus.test.python}, then {@code /usr/bin/python3}, then the {@code PATH}.
 * <b>Without python3</b> the command is started under {@code setsid} and {@code env
 * --default-signal=INT,TERM,HUP} where they exist (util-linux; GNU coreutils 8.31 or later): the
 * ending is then {@link ChildResult.Ending#UNKNOWN} for a status above 128, and where {@code env}
 * cannot reset the signals the child keeps the dispositions the test JVM had, so a SIGINT may be
 * ignored; where {@code setsid} is missing {@link #signalGroup} throws.
 *
 * <p><b>Nothing leaks.</b> Every wait has a timeout (the builder's, by default the system property
 * {@code terminus.test.timeout} in seconds, else {@code terminus.test.guard}, else 120 s). A wait
 * that times out or fails, a failed assertion on its result and {@link #close()} kill the child and
 * all its descendants with SIGKILL: the processes found under the reaper (a snapshot taken before
 * the first kill, since a killed parent's children are re-parented and no longer found), the
 * orphans the reaper adopted, and every member of the child's process group. A JVM shutdown hook
 * closes the children a test forgot. {@link Children} and {@link TerminusExtension} also fail the
 * test that let one outlive it.
 *
 * <p>Safe for use from several threads; {@link #close()} is idempotent.
 */
public final class ChildProcess implements AutoCloseable {
  private static final String STATUS_FILE = "terminus-test-reaper-status";
  private static final Duration KILL_WAIT = Duration.ofMinutes(1);
  private static final Set<ChildProcess> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Thread hook =
        new Thread(
            () -> {
              for (ChildProcess c : List.copyOf(OPEN)) {
                c.close();
              }
            },
            "terminus-test-close-children");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting: nothing can be started any more either
    }
  }

  private final Process process;
  private final long pid;
  private final boolean ownGroup;
  private final boolean reaped;
  private final Path tempDir;
  private final Pump out;
  private final Pump err;
  private final Duration timeout;
  private final String command;

  /**
   * The command, every descendant ever seen, and the orphans the reaper reported: handles, not
   * pids, so a pid the system reuses for an unrelated process is never mistaken for one of ours.
   */
  private final Set<ProcessHandle> seen = Collections.synchronizedSet(new LinkedHashSet<>());

  private volatile ChildResult result;
  private volatile boolean closed;

  private ChildProcess(
      Process process,
      long pid,
      boolean ownGroup,
      boolean reaped,
      Path tempDir,
      Pump out,
      Pump err,
      Duration timeout,
      String command) {
    this.process = process;
    this.pid = pid;
    this.ownGroup = ownGroup;
    this.reaped = reaped;
    this.tempDir = tempDir;
    this.out = out;
    this.err = err;
    this.timeout = timeout;
    this.command = command;
  }

  /**
   * A Java child running {@code mainClass}'s {@code main}, by default with {@link
   * #defaultClasspath()}.
   *
   * @param mainClass the class with {@code main}
   * @return a builder
   */
  public static Builder java(Class<?> mainClass) {
    return java(mainClass.getName());
  }

  /**
   * A Java child running the named main class, by default with {@link #defaultClasspath()}: the
   * test JVM's classpath, or the one the build named.
   *
   * @param mainClass the binary name of the class with {@code main}
   * @return a builder
   */
  public static Builder java(String mainClass) {
    return new Builder(Builder.Kind.CLASS, List.of(Objects.requireNonNull(mainClass, "mainClass")));
  }

  /**
   * A Java child running {@code java -jar jar}.
   *
   * @param jar the jar
   * @return a builder
   */
  public static Builder jar(Path jar) {
    return new Builder(Builder.Kind.JAR, List.of(Objects.requireNonNull(jar, "jar").toString()));
  }

  /**
   * Any command, run directly (no shell); the first word is looked up on the {@code PATH}. A
   * command that cannot be run ends with 127 (not found) or 126, with a line on stderr, as in a
   * shell.
   *
   * @param command the program and its arguments
   * @return a builder
   */
  public static Builder command(String... command) {
    return command(List.of(command));
  }

  /**
   * Any command; see {@link #command(String...)}.
   *
   * @param command the program and its arguments
   * @return a builder
   */
  public static Builder command(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    return new Builder(Builder.Kind.COMMAND, List.copyOf(command));
  }

  /**
   * The command line that runs {@code mainClass} in a JVM like the test's, with the kit's JVM
   * options and {@code jvmOptions}, for a test that wraps it in another command (a shell loop, a
   * terminal). It has no temporary directory of its own: add {@code -Djava.io.tmpdir} yourself if
   * the program writes temporary files.
   *
   * @param mainClass the class with {@code main}
   * @param jvmOptions options placed before {@code -cp}
   * @return {@code java [options] -cp CLASSPATH mainClass}
   */
  public static List<String> javaCommand(Class<?> mainClass, List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(Builder.KIT_JVM_OPTIONS);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(defaultClasspath());
    cmd.add(mainClass.getName());
    return cmd;
  }

  /**
   * The {@code java} of the JVM running the tests.
   *
   * @return its path
   */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The classpath Java children get by default:
   *
   * <ol>
   *   <li>the system property {@code terminus.test.classpath}, if set (a build sets it to the
   *       module's classes and test classes, say);
   *   <li>followed by the entries listed in the file named by the system property {@code
   *       terminus.test.classpath.file}, if set: entries separated by {@link File#pathSeparator},
   *       surrounding whitespace ignored, as the {@code build-classpath} goal of {@code
   *       maven-dependency-plugin} writes its {@code outputFile}. So a child runs with exactly the
   *       jars the build resolved for it (the module's runtime dependencies, say), not the test
   *       JVM's, which hold the test frameworks and the build tool's own jars;
   *   <li>when neither property is set, the test JVM's {@code java.class.path}.
   * </ol>
   *
   * <p>The file is read at each call, so a build may write it after the test JVM started. A blank
   * property counts as unset.
   *
   * @return the classpath
   * @throws IllegalStateException if {@code terminus.test.classpath.file} names a file that cannot
   *     be read (the message names the property and the file)
   */
  public static String defaultClasspath() {
    return classpath(
        System.getProperty("terminus.test.classpath"),
        System.getProperty("terminus.test.classpath.file"),
        System.getProperty("java.class.path"));
  }

  /** {@link #defaultClasspath()} from the values of its three properties. */
  static String classpath(String classes, String file, String javaClassPath) {
    boolean named = file != null && !file.isBlank();
    if ((classes == null || classes.isBlank()) && !named) {
      return javaClassPath;
    }
    List<String> parts = new ArrayList<>();
    if (classes != null && !classes.isBlank()) {
      parts.add(classes.strip());
    }
    if (named) {
      Path f = Path.of(file.strip());
      try {
        String listed = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (!listed.isEmpty()) {
          parts.add(listed);
        }
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot read the child classpath file "
                + f
                + " named by the system property terminus.test.classpath.file",
            e);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  /**
   * The default timeout of every wait: the system property {@code terminus.test.timeout} (seconds),
   * else {@code terminus.test.guard} (seconds), else 120 s.
   *
   * @return the timeout
   */
  public static Duration defaultTimeout() {
    for (String p : List.of("terminus.test.timeout", "terminus.test.guard")) {
      String v = System.getProperty(p);
      if (v != null && !v.isBlank()) {
        return Duration.ofSeconds(Long.parseLong(v.strip()));
      }
    }
    return Duration.ofSeconds(120);
  }

  /** What to start: built by {@link ChildProcess#java}, {@link #jar} or {@link #command}. */
  public static final class Builder {
    enum Kind {
      CLASS,
      JAR,
      COMMAND
    }

    static final List<String> KIT_JVM_OPTIONS =
        List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

    private final Kind kind;
    private final List<String> target;
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> launcher = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String classpath;
    private Path directory;
    private Duration timeout = defaultTimeout();
    private String stdin = "";
    private boolean keepStdinOpen;
    private final List<String> ignored = new ArrayList<>();
    private boolean reaper = true;
    private Consumer<ChildProcess> onStart = c -> {};

    Builder(Kind kind, List<String> target) {
      this.kind = kind;
      this.target = target;
    }

    /**
     * Appends arguments after the main class, the jar or the command.
     *
     * @param args the arguments
     * @return this builder
     */
    public Builder args(String... args) {
      return args(List.of(args));
    }

    /**
     * Appends arguments; see {@link #args(String...)}.
     *
     * @param args the arguments
     * @return this builder
     */
    public Builder args(List<String> args) {
      this.args.addAll(args);
      return this;
    }

    /**
     * Appends JVM options ({@code -Dkey=value}, {@code -Xmx64m}), placed after the kit's own
     * ({@code -Xshare:auto -XX:TieredStopAtLevel=1 -XX:-UsePerfData} and the temporary directory),
     * so they win. Only for a main class or a jar.
     *
     * @param options the options
     * @return this builder
     */
    public Builder jvmOptions(String... options) {
      return jvmOptions(List.of(options));
    }

    /**
     * Appends JVM options; see {@link #jvmOptions(String...)}.
     *
     * @param options the options
     * @return this builder
     */
    public Builder jvmOptions(List<String> options) {
      requireJava("JVM options");
      jvmOptions.addAll(options);
      return this;
    }

    /**
     * The classpath of a main class, instead of {@link ChildProcess#defaultClasspath()}.
     *
     * @param classpath entries separated by {@link File#pathSeparator}
     * @return this builder
     */
    public Builder classpath(String classpath) {
      if (kind != Kind.CLASS) {
        throw new IllegalStateException("a classpath is for a main class");
      }
      this.classpath = Objects.requireNonNull(classpath, "classpath");
      return this;
    }

    /**
     * Sets an environment variable, or removes one when {@code value} is null. A {@code TERMINUS_*}
     * variable set here is passed on; every other one is removed.
     *
     * @param name the variable
     * @param value its value, or null to remove it
     * @return this builder
     */
    public Builder env(String name, String value) {
      env.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Sets environment variables; see {@link #env(String, String)}.
     *
     * @param variables names and values
     * @return this builder
     */
    public Builder env(Map<String, String> variables) {
      variables.forEach(this::env);
      return this;
    }

    /**
     * The working directory; by default the test JVM's.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * The timeout of every wait on this child, instead of {@link ChildProcess#defaultTimeout()}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * A command that runs the rest of the command line, such as {@code setpriv --reuid=65534 ...}
     * or {@code unshare --pid --fork}; it is started in the child's place, so {@link #pid()} is its
     * pid. With a launcher the temporary directory is writable by every user, since the launcher
     * may change the child's user.
     *
     * @param launcher the launcher's words
     * @return this builder
     */
    public Builder launcher(List<String> launcher) {
      this.launcher.addAll(launcher);
      return this;
    }

    /**
     * Text written to the child's stdin, which is then closed; by default stdin is empty.
     *
     * @param text the input, encoded as UTF-8
     * @return this builder
     */
    public Builder stdin(String text) {
      this.stdin = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Keeps the child's stdin open as a pipe, after the {@link #stdin} text if any: the test writes
     * to it with {@link ChildProcess#writeStdin} (as a user types) and ends it with {@link
     * ChildProcess#closeStdin}.
     *
     * @return this builder
     */
    public Builder keepStdinOpen() {
      this.keepStdinOpen = true;
      return this;
    }

    /**
     * Starts the command with these signals ignored instead of at their defaults, as a shell starts
     * a background job ({@code INT}, {@code QUIT}) or {@code nohup} does ({@code HUP}), to test a
     * program started that way. Needs python3 (see {@link ChildProcess}).
     *
     * @param signals names with or without {@code SIG}: {@code INT}, {@code HUP}, {@code QUIT}
     * @return this builder
     */
    public Builder ignoring(String... signals) {
      for (String sig : signals) {
        String n = sig.strip().toUpperCase(java.util.Locale.ROOT);
        n = n.startsWith("SIG") ? n.substring(3) : n;
        if (!n.matches("[A-Z0-9]+")) {
          throw new IllegalArgumentException("not a signal name: '" + sig + "'");
        }
        ignored.add(n);
      }
      return this;
    }

    /** Starts the command without the python3 reaper, as where python3 is missing (tests). */
    Builder withoutReaper() {
      this.reaper = false;
      return this;
    }

    Builder onStart(Consumer<ChildProcess> onStart) {
      this.onStart = onStart;
      return this;
    }

    private void requireJava(String what) {
      if (kind == Kind.COMMAND) {
        throw new IllegalStateException(what + " are for a main class or a jar");
      }
    }

    /**
     * Starts the child. It is running, and {@link ChildProcess#pid()} known, when this returns.
     *
     * @return the running child; close it (or let {@link Children} do it)
     * @throws IllegalStateException if it cannot be started
     */
    public ChildProcess start() {
      return ChildProcess.start(this);
    }

    /**
     * Starts the child, waits for it to end within the timeout, and closes it.
     *
     * @return how it ended
     * @throws AssertionError if it did not end within the timeout (it is killed)
     */
    public ChildResult run() {
      try (ChildProcess c = start()) {
        return c.await();
      }
    }

    List<String> words(Path tmp) {
      List<String> w = new ArrayList<>(launcher);
      if (kind == Kind.COMMAND) {
        w.addAll(target);
      } else {
        w.add(javaExecutable());
        w.addAll(KIT_JVM_OPTIONS);
        w.add("-Djava.io.tmpdir=" + tmp);
        w.add("-Dorg.sqlite.tmpdir=" + tmp);
        w.addAll(jvmOptions);
        if (kind == Kind.CLASS) {
          w.add("-cp");
          w.add(classpath != null ? classpath : defaultClasspath());
        } else {
          w.add("-jar");
        }
        w.addAll(target);
      }
      w.addAll(args);
      return w;
    }
  }

  private static ChildProcess start(Builder b) {
    Path tmp = createTempDir(!b.launcher.isEmpty());
    List<String> words = b.words(tmp);
    List<String> cmd = new ArrayList<>();
    Optional<String> python = b.reaper ? Reaper.python() : Optional.empty();
    Optional<String> setsid = Optional.empty();
    if (python.isPresent()) {
      cmd.addAll(Reaper.command(python.get(), tmp.resolve(STATUS_FILE), b.ignored));
    } else {
      if (!b.ignored.isEmpty()) {
        deleteTree(tmp);
        throw new IllegalStateException("ignoring signals needs python3, which is not found");
      }
      setsid = Reaper.onPath("setsid");
      setsid.ifPresent(cmd::add);
      if (envResetsSignals()) {
        cmd.add("/usr/bin/env");
        cmd.add("--default-signal=INT,TERM,HUP");
      }
    }
    cmd.addAll(words);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("TERMINUS_"));
    environment.remove("JAVA_TOOL_OPTIONS");
    environment.remove("JDK_JAVA_OPTIONS");
    environment.remove("_JAVA_OPTIONS");
    environment.put("TMPDIR", tmp.toString());
    b.env.forEach(
        (k, v) -> {
          if (v == null) {
            environment.remove(k);
          } else {
            environment.put(k, v);
          }
        });
    if (b.directory != null) {
      pb.directory(b.directory.toFile());
    }
    String description = String.join(" ", words);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      deleteTree(tmp);
      throw new IllegalStateException("cannot start " + description, e);
    }
    CompletableFuture<Long> announced = python.isPresent() ? new CompletableFuture<>() : null;
    Pump out = Pump.start(p.getInputStream(), "terminus-test-stdout-" + p.pid(), null);
    Pump err = Pump.start(p.getErrorStream(), "terminus-test-stderr-" + p.pid(), announced);
    if (!b.keepStdinOpen) {
      feed(p, b.stdin);
    }
    long pid = p.pid();
    if (announced != null) {
      try {
        pid = announced.get(b.timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        deleteTree(tmp);
        throw new IllegalStateException("interrupted while starting " + description, e);
      } catch (ExecutionException | TimeoutException e) {
        pid = -1;
      }
      if (pid <= 0) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        deleteTree(tmp);
        throw new IllegalStateException(
            "the kit's reaper ("
                + python.get()
                + ") did not start "
                + description
                + ": "
                + err.text());
      }
    }
    ChildProcess c =
        new ChildProcess(
            p,
            pid,
            python.isPresent() || setsid.isPresent(),
            python.isPresent(),
            tmp,
            out,
            err,
            b.timeout,
            description);
    if (python.isPresent()) {
      ProcessHandle.of(pid).ifPresent(c.seen::add);
    }
    OPEN.add(c);
    if (b.keepStdinOpen && !b.stdin.isEmpty()) {
      c.writeStdin(b.stdin);
    }
    b.onStart.accept(c);
    return c;
  }

  private static void feed(Process p, String stdin) {
    OutputStream in = p.getOutputStream();
    if (stdin.isEmpty()) {
      try {
        in.close();
      } catch (IOException e) {
        // the child is gone already: nothing to feed
      }
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                // the child closed its stdin or ended
              }
            },
            "terminus-test-stdin-" + p.pid());
    t.setDaemon(true);
    t.start();
  }

  private static volatile Boolean envResetsSignals;

  private static boolean envResetsSignals() {
    Boolean known = envResetsSignals;
    if (known == null) {
      known = false;
      if (Files.isExecutable(Path.of("/usr/bin/env"))) {
        try {
          Process p =
              new ProcessBuilder("/usr/bin/env", "--default-signal=INT", "true")
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
          known = p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
          p.destroyForcibly();
        } catch (IOException e) {
          known = false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      envResetsSignals = known;
    }
    return known;
  }

  /**
   * The command's pid (the launcher's, when there is one). Since the command leads its own process
   * group, this is also the group's id.
   *
   * @return the pid
   */
  public long pid() {
    return pid;
  }

  /**
   * The child's own temporary directory, deleted by {@link #close()}.
   *
   * @return the directory
   */
  public Path tempDir() {
    return tempDir;
  }

  /**
   * Whether the command still runs.
   *
   * @return true until it has ended
   */
  public boolean isAlive() {
    return reaped ? process.isAlive() && Processes.isAlive(pid) : process.isAlive();
  }

  /**
   * Waits for a line of stdout equal to {@code line}, after the lines earlier waits consumed.
   *
   * @param line the whole line, without its newline
   * @return this child
   * @throws AssertionError if the child ends first or the timeout passes (it is then killed)
   */
  public ChildProcess awaitLine(String line) {
    awaitLine(l -> l.equals(line), "'" + line + "'");
    return this;
  }

  /**
   * Waits for a line of stdout containing {@code text} and returns it.
   *
   * @param text the text to find
   * @return the line
   * @throws AssertionError if the child ends first or the timeout passes (it is then killed)
   */
  public String awaitLineContaining(String text) {
    return awaitLine(l -> l.contains(text), "containing '" + text + "'");
  }

  /**
   * Waits for a line of stdout that {@code match} accepts, after the lines earlier waits consumed,
   * and returns it.
   *
   * @param match which line
   * @param description what the line is, for the failure message
   * @return the line
   * @throws AssertionError if the child ends first or the timeout passes (it is then killed)
   */
  public String awaitLine(Predicate<String> match, String description) {
    return awaitOn(out, "stdout", match, description);
  }

  /**
   * Waits for a line of stderr that {@code match} accepts; as {@link #awaitLine(Predicate,
   * String)}.
   *
   * @param match which line
   * @param description what the line is, for the failure message
   * @return the line
   * @throws AssertionError if the child ends first or the timeout passes (it is then killed)
   */
  public String awaitStderrLine(Predicate<String> match, String description) {
    return awaitOn(err, "stderr", match, description);
  }

  /**
   * Waits until the stdout lines so far, all of them from the first, satisfy {@code condition}, and
   * returns them; consumes nothing (for conditions on several lines, or on a line whatever its
   * place).
   *
   * @param condition on the lines so far
   * @param description what is awaited, for the failure message
   * @return the lines when the condition held
   * @throws AssertionError if stdout ends first or the timeout passes (the child is then killed)
   */
  public List<String> awaitLines(Predicate<List<String>> condition, String description) {
    try {
      List<String> lines = out.awaitLines(condition, deadline(timeout));
      if (lines == null) {
        throw fail("ended before printing " + description + " on stdout", null);
      }
      return lines;
    } catch (TimeoutException e) {
      throw fail("did not print " + description + " on stdout within " + seconds(timeout), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for " + description, e);
    }
  }

  /**
   * What the child has written to stdout so far.
   *
   * @return the text
   */
  public String stdoutSoFar() {
    return out.text();
  }

  /**
   * What the child has written to stderr so far (the kit's own bookkeeping left out).
   *
   * @return the text
   */
  public String stderrSoFar() {
    return err.text();
  }

  /**
   * Counts {@code pid} among this child's descendants: {@link #kill()}, {@link #close()} and {@link
   * #liveProcesses()} include it. For a process the test learned of that the kit cannot find (one
   * that left both the child's tree and its group before the kit looked).
   *
   * @param pid the process
   * @return this child
   */
  public ChildProcess alsoKill(long pid) {
    ProcessHandle.of(pid).ifPresent(seen::add);
    return this;
  }

  /**
   * Waits for a line of stdout that {@code match} accepts, or for stdout to end.
   *
   * @param match which line
   * @return the line, or empty if stdout ended first
   * @throws AssertionError if the timeout passes (the child is then killed)
   */
  public Optional<String> awaitLineOrEnd(Predicate<String> match) {
    try {
      return Optional.ofNullable(out.next(match, deadline(timeout)));
    } catch (TimeoutException e) {
      throw fail("no matching line on stdout within " + seconds(timeout), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for a line", e);
    }
  }

  private String awaitOn(Pump pump, String stream, Predicate<String> match, String description) {
    try {
      String line = pump.next(match, deadline(timeout));
      if (line == null) {
        throw fail("ended before printing " + description + " on " + stream, null);
      }
      return line;
    } catch (TimeoutException e) {
      throw fail(
          "did not print " + description + " on " + stream + " within " + seconds(timeout), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for " + description, e);
    }
  }

  /**
   * Waits until stdout, from its start, contains {@code text}, which need not end a line (a prompt
   * such as {@code "Name? "}). Does not consume lines for {@link #awaitLine}.
   *
   * @param text the text
   * @return this child
   * @throws AssertionError if stdout ends first or the timeout passes (the child is then killed)
   */
  public ChildProcess awaitOutput(String text) {
    return awaitOutput(text, timeout);
  }

  /**
   * Waits as {@link #awaitOutput(String)} does, with another timeout.
   *
   * @param text the text
   * @param timeout how long to wait
   * @return this child
   * @throws AssertionError if stdout ends first or the timeout passes (the child is then killed)
   */
  public ChildProcess awaitOutput(String text, Duration timeout) {
    try {
      if (!out.awaitText(text, deadline(timeout))) {
        throw fail("ended before printing '" + text + "' on stdout", null);
      }
      return this;
    } catch (TimeoutException e) {
      throw fail("did not print '" + text + "' on stdout within " + seconds(timeout), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for '" + text + "'", e);
    }
  }

  /**
   * Writes {@code text} (UTF-8) to the child's stdin and flushes it; for a child started with
   * {@link Builder#keepStdinOpen()}.
   *
   * @param text what to type
   * @return this child
   * @throws IllegalStateException if stdin was not kept open, or the child no longer reads it
   */
  public ChildProcess writeStdin(String text) {
    try {
      OutputStream in = process.getOutputStream();
      in.write(text.getBytes(StandardCharsets.UTF_8));
      in.flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write to the child's stdin (closed, or not kept open)", e);
    }
  }

  /**
   * Closes the child's stdin: it reads end of file.
   *
   * @return this child
   */
  public ChildProcess closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the child has gone: its stdin is closed either way
    }
    return this;
  }

  /**
   * Sends {@code signal} to the command's process only, with {@code kill -s SIG -- PID}.
   *
   * @param signal a name ({@code INT}, {@code SIGTERM}) or number
   * @return this child
   * @throws AssertionError if {@code kill} fails (the process has ended)
   */
  public ChildProcess signal(String signal) {
    Processes.signal(signal, pid);
    return this;
  }

  /**
   * Sends {@code signal} to the child's whole process group, with {@code kill -s SIG -- -PGID}: the
   * command and every process it started that did not leave the group, as a terminal's Ctrl+C does.
   *
   * @param signal a name or number
   * @return this child
   * @throws AssertionError if {@code kill} fails (the group is empty)
   * @throws UnsupportedOperationException if the child has no group of its own (no python3 and no
   *     {@code setsid})
   */
  public ChildProcess signalGroup(String signal) {
    if (!ownGroup) {
      throw new UnsupportedOperationException(
          "the child has no process group of its own: neither python3 nor setsid was found");
    }
    Processes.signalGroup(signal, pid);
    return this;
  }

  /**
   * Waits, within the timeout, for the command to end and for its stdout and stderr to close.
   *
   * @return how it ended; the same result on every call
   * @throws AssertionError if it did not end in time, or processes it started kept its output open
   *     (everything is then killed)
   */
  public ChildResult await() {
    return await(timeout);
  }

  /**
   * Waits as {@link #await()} does, with another timeout.
   *
   * @param timeout how long to wait
   * @return how it ended
   * @throws AssertionError as {@link #await()}
   */
  public ChildResult await(Duration timeout) {
    ChildResult r = result;
    if (r != null) {
      return r;
    }
    long deadline = deadline(timeout);
    try {
      snapshot();
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw fail("did not end within " + seconds(timeout), null);
      }
      if (!out.awaitEnd(deadline) || !err.awaitEnd(deadline)) {
        List<String> holders = liveProcesses();
        throw fail(
            "ended, but its stdout or stderr was still open "
                + seconds(timeout)
                + " later: processes it started hold it "
                + holders,
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted while waiting for it to end", e);
    }
    return finish();
  }

  private synchronized ChildResult finish() {
    if (result != null) {
      return result;
    }
    ChildResult.Ending ending = ChildResult.Ending.UNKNOWN;
    int number = process.exitValue();
    String signalName = null;
    String note = "started without python3";
    if (reaped) {
      note = "the kit's reaper ended with " + number + " without reporting";
      try {
        for (String line : Files.readAllLines(tempDir.resolve(STATUS_FILE))) {
          String[] f = line.split(" ");
          switch (f[0]) {
            case "exit":
              ending = ChildResult.Ending.EXITED;
              number = Integer.parseInt(f[1]);
              break;
            case "signal":
              ending = ChildResult.Ending.SIGNALED;
              number = Integer.parseInt(f[1]);
              signalName = f.length > 2 ? f[2] : f[1];
              break;
            case "orphan":
              ProcessHandle.of(Long.parseLong(f[1])).ifPresent(seen::add);
              break;
            default:
              break;
          }
        }
      } catch (IOException | RuntimeException e) {
        // no report: the reaper was killed; the status stays unknown
      }
    } else if (number <= 128) {
      ending = ChildResult.Ending.EXITED;
    }
    result =
        new ChildResult(
            command,
            ending,
            number,
            signalName,
            out.text(),
            out.lines(),
            err.text(),
            err.lines(),
            note,
            this::kill);
    return result;
  }

  /**
   * The processes of this child still alive: the command, the processes it started (seen under the
   * reaper or reported as orphans), and the members of its process group. Each is described by pid
   * and command line.
   *
   * @return descriptions of the live processes; empty once everything has ended
   */
  public List<String> liveProcesses() {
    List<String> live = new ArrayList<>();
    for (ProcessHandle h : members()) {
      if (alive(h)) {
        live.add(Processes.describe(h.pid()));
      }
    }
    return live;
  }

  /** Alive, not a zombie, and the very process we saw (the handle checks its start time). */
  private static boolean alive(ProcessHandle h) {
    return h.isAlive() && Processes.isAlive(h.pid());
  }

  /**
   * The command, the descendants seen so far and those under the reaper now, and the live members
   * of the child's group; never the reaper.
   */
  private Set<ProcessHandle> members() {
    snapshot();
    Set<ProcessHandle> all;
    synchronized (seen) {
      all = new LinkedHashSet<>(seen);
    }
    if (ownGroup) {
      for (long p : Processes.groupMembers(pid)) {
        ProcessHandle.of(p).ifPresent(all::add);
      }
    }
    all.removeIf(h -> h.pid() == process.pid());
    return all;
  }

  private void snapshot() {
    process.descendants().forEach(seen::add);
  }

  /**
   * Kills the command and all its descendants with SIGKILL, and waits until they are gone (within
   * the timeout, or a minute if that is longer). Does nothing to processes that have ended.
   */
  public void kill() {
    // Listed while the parents live: once a parent dies its children are re-parented.
    List<ProcessHandle> handles = new ArrayList<>(members());
    handles.forEach(ProcessHandle::destroyForcibly);
    if (!reaped) {
      process.destroyForcibly(); // the command itself
    }
    if (ownGroup && !Files.isDirectory(Path.of("/proc")) && Processes.isAlive(pid)) {
      try {
        Processes.signalGroup("KILL", pid);
      } catch (AssertionError groupGone) {
        // it ended meanwhile
      }
    }
    // SIGKILL cannot be caught: this waits only for the kernel and the reapers, so it may take
    // longer than a short timeout set for the child's own waits.
    long deadline = deadline(timeout.compareTo(KILL_WAIT) > 0 ? timeout : KILL_WAIT);
    for (ProcessHandle h : handles) {
      try {
        h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // reported by liveProcesses() to whoever asks
      }
    }
    // The reaper reports the command's death and exits; if it was killed itself, it is gone.
    try {
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * Kills the child and all its descendants if any still run (see {@link #kill()}), then deletes
   * its temporary directory. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      if (process.isAlive() || !liveProcesses().isEmpty()) {
        kill();
      }
      try {
        out.awaitEnd(deadline(Duration.ofSeconds(5)));
        err.awaitEnd(deadline(Duration.ofSeconds(5)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      deleteTree(tempDir);
      OPEN.remove(this);
    }
  }

  /** Kills everything, then builds the failure: what was asked, and what the child did so far. */
  private AssertionError fail(String what, Throwable cause) {
    kill();
    String so;
    if (!process.isAlive()) {
      so = finish().toString();
    } else {
      so =
          command
              + "\n--- stdout so far\n"
              + ChildResult.tail(out.text())
              + "\n--- stderr so far\n"
              + ChildResult.tail(err.text());
    }
    AssertionError e =
        new AssertionError(
            "child " + pid + " " + what + "; killed it and its descendants\n" + so, cause);
    return e;
  }

  private static long deadline(Duration d) {
    long now = System.nanoTime();
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    return now + Math.min(nanos, Long.MAX_VALUE / 2);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static Path createTempDir(boolean shared) {
    try {
      String base = System.getProperty("terminus.test.tmpdir");
      Path dir =
          base != null && !base.isBlank()
              ? Files.createTempDirectory(Path.of(base), "terminus-test-")
              : Files.createTempDirectory("terminus-test-");
      if (shared) {
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: it is as writable as it gets
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the child's temporary directory", e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // best effort: a file the child made read-only to us stays; the message would help no one
    }
  }

  @Override
  public String toString() {
    return "child " + pid + ": " + command;
  }
}
