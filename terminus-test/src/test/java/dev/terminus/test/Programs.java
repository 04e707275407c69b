package dev.terminus.test;

import dev.terminus.Exit;
import dev.terminus.Terminus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Programs the kit's own tests run in child JVMs; the first argument picks one. */
public final class Programs {
  private Programs() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "exit":
        System.out.println("exiting " + args[1]);
        System.exit(Integer.parseInt(args[1]));
        break;
      case "tmpdir":
        System.out.println(System.getProperty("java.io.tmpdir"));
        System.out.println(System.getProperty("org.sqlite.tmpdir"));
        System.out.println(System.getenv("TMPDIR"));
        Files.writeString(Files.createTempFile("left-", ".tmp"), "left behind");
        break;
      case "sigign":
        // The kit, used from a JVM that inherited SIGINT and SIGHUP ignored, starts grep.
        System.out.print(
            ChildProcess.command("grep", "^SigIgn", "/proc/self/status").run().stdout());
        System.out.print(
            ChildProcess.command(
                    "grep", "^SigIgn", "/proc/" + ProcessHandle.current().pid() + "/status")
                .run()
                .stdout());
        break;
      case "terminus":
        Terminus.run(
            args,
            a -> {
              Terminus.atExit("cleanup", () -> System.out.println("cleanup ran"));
              System.out.println("ready");
              new CountDownLatch(1).await();
            });
        break;
      case "third-party-exit":
        Terminus.run(
            args,
            a -> {
              Terminus.atExit("cleanup", () -> System.out.println("cleanup ran"));
              try {
                System.exit(3); // a library that ends the JVM itself
              } finally {
                System.out.println("finally ran");
              }
            });
        break;
      case "write-then-wait":
        Path out = Path.of(args[1]);
        Files.writeString(out, "partial");
        System.out.println("written");
        new CountDownLatch(1).await();
        break;
      case "exit-now":
        Terminus.run(
            args,
            a -> {
              throw Exit.now(Integer.parseInt(a[1]), "stopped");
            });
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }
}
