package dev.terminus.picocli;

import dev.terminus.Exit;
import dev.terminus.Terminus;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExitCodeGenerator;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A picocli tool with one subcommand per way a command can end, for the tests' child JVMs.
 *
 * <p>{@code main}'s first argument picks how it runs: {@code terminus} ({@link
 * TerminusPicocli#run}), {@code mapped} (the same, with an {@code IExitCodeExceptionMapper}), or
 * {@code plain} ({@code Terminus.run} around a bare {@code execute}, the problem this module
 * solves); the rest is the tool's command line.
 */
@Command(
    name = "tool",
    mixinStandardHelpOptions = true,
    version = "tool 1.0",
    description = "Ends in every way a picocli command can.",
    subcommands = {
      Tool.Call.class,
      Tool.Walk.class,
      Tool.Returns.class,
      Tool.Generate.class,
      Tool.Fail.class,
      Tool.Wait.class
    })
public final class Tool implements Callable<Integer> {
  /** Used by picocli. */
  public Tool() {}

  public static void main(String[] args) {
    String how = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (how) {
      case "terminus":
        TerminusPicocli.run(rest, new CommandLine(new Tool()));
        break;
      case "mapped":
        TerminusPicocli.run(
            rest,
            new CommandLine(new Tool())
                .setExitCodeExceptionMapper(t -> t instanceof IOException ? 74 : 1));
        break;
      case "plain":
        Terminus.run(
            rest,
            a -> {
              int status = new CommandLine(new Tool()).execute(a);
              if (status != 0) {
                throw Exit.now(status);
              }
            });
        break;
      default:
        throw new IllegalArgumentException(how);
    }
  }

  /** An option whose setter method refuses a value by requesting an exit. */
  @Option(names = "--level", description = "A level from 0 to 3.")
  void level(int level) {
    if (level > 3) {
      throw Exit.now(9, "tool: level " + level + " is above 3");
    }
  }

  @Override
  public Integer call() {
    System.out.println("tool: nothing to do");
    return 0;
  }

  /** An {@code @Command} method. */
  @Command(name = "refuse", description = "Refuses, from an @Command method.")
  int refuse(@Parameters(paramLabel = "REASON") String reason) {
    try {
      throw Exit.now(4, "tool: refused: " + reason);
    } finally {
      System.out.println("refuse: finally");
    }
  }

  @Command(name = "call", description = "Refuses, from a Callable.")
  static final class Call implements Callable<Integer> {
    @Override
    public Integer call() {
      try {
        throw Exit.now(5, "call: refused");
      } finally {
        System.out.println("call: finally");
      }
    }
  }

  @Command(name = "walk", description = "Refuses, from a Runnable.")
  static final class Walk implements Runnable {
    @Override
    public void run() {
      try {
        throw Exit.now(6, "walk: refused");
      } finally {
        System.out.println("walk: finally");
      }
    }
  }

  @Command(name = "result", description = "Returns STATUS from a Callable.")
  static final class Returns implements Callable<Integer> {
    @Parameters(paramLabel = "STATUS")
    int status;

    @Override
    public Integer call() {
      return status;
    }
  }

  @Command(name = "generate", description = "Runs, then reports STATUS as an IExitCodeGenerator.")
  static final class Generate implements Runnable, IExitCodeGenerator {
    @Parameters(paramLabel = "STATUS")
    int status;

    @Override
    public void run() {
      System.out.println("generate: ran");
    }

    @Override
    public int getExitCode() {
      return status;
    }
  }

  @Command(
      name = "fail",
      description = "Fails with an IOException.",
      exitCodeOnExecutionException = 70)
  static final class Fail implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      throw new IOException("disk full");
    }
  }

  @Command(name = "wait", description = "Waits until a signal ends it.")
  static final class Wait implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      try {
        System.out.println("wait: waiting");
        Thread.sleep(Long.MAX_VALUE);
        return 0;
      } finally {
        System.out.println("wait: finally");
      }
    }
  }
}
