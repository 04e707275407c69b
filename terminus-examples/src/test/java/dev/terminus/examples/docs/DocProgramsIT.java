package dev.terminus.examples.docs;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static dev.terminus.test.TerminusAssertions.assertThatPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Children;
import dev.terminus.test.TerminusExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's and docs/shutdown.md's samples (this package's programs) in child JVMs. */
@ExtendWith(TerminusExtension.class)
class DocProgramsIT {
  @Test
  void toolWithoutAFileIsAUsageError(Children children) {
    assertThat(children.java(Tool.class).run()).exitedWith(2).stderrHasLines("usage: tool FILE");
  }

  @Test
  void toolWritesItsLinesAndClosesTheFileOnTheWayOut(Children children, @TempDir Path dir) {
    Path out = dir.resolve("out.txt");
    assertThat(children.java(Tool.class).args(out.toString()).run()).succeeded().stderrIsEmpty();
    assertThatPath(out).hasContent("first\nsecond\n");
  }

  @Test
  void theCheckpointLoopCatchesCtrlCAndStillDiesBySigint(Children children) {
    ChildProcess c = children.java(Interruptible.class).start();
    c.awaitLine("ready").signalGroup("INT");
    assertThat(c.await())
        .diedBy("INT")
        .stdoutHasLines("ready", "User interrupted the script")
        .stderrContains("interrupted (SIGINT)");
  }

  @Test
  void theCoordinatedStopRunsItsPhasesInOrder(Children children) {
    assertThat(children.java(Services.class).run())
        .succeeded()
        .stdoutContains("serving\n")
        .stdoutContains("worker ran\n")
        .stdoutContains("marked down\ncaches persisted\noffsets committed\ndatabase closed\n");
  }

  @Test
  void theCriticalSectionCommitsTheTransfer(Children children) {
    assertThat(children.java(Transfer.class).run())
        .succeeded()
        .stdoutHasLines("debit alice 5", "credit bob 5", "committed");
  }

  /**
   * docs/shutdown.md's drain-before-unwinding sample, on a free port: after SIGTERM it still serves
   * for the 5 s serving delay, then drains (the port is closed), and dies by SIGTERM with the
   * readiness and drain tasks done. The sample has no handler, so every request gets 404.
   */
  @Test
  void theDrainingServiceServesThroughTheDelayThenDrainsAndDiesBySigterm(Children children)
      throws Exception {
    int port = freePort();
    ChildProcess c =
        children
            .java(DrainingService.class)
            .jvmOptions("-Dport=" + port)
            .env("TERMINUS_REPORT", "stderr")
            .start();
    assertThat(awaitAnswer(c, port)).as("an answer before the signal").isEqualTo(404);

    c.signal("TERM");
    assertThat(status(port)).as("a new request during the serving delay").isEqualTo(404);

    ChildResult r = c.await();
    assertThat(r)
        .diedBy("TERM")
        .stdoutIs("")
        .stderrContains(
            "DrainingService: terminated (SIGTERM)\n",
            "  announce / readiness: ok",
            "  drain / http: ok",
            "DrainingService: stopped with status 143");
    assertThat(r.stderr().indexOf("announce / readiness"))
        .as("readiness down before the drain")
        .isLessThan(r.stderr().indexOf("drain / http"));
    assertThat(status(port)).as("a request once the process ended").isEqualTo(REFUSED);
  }

  private static final int REFUSED = -1;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Asks until the server accepts a connection (it starts after the JVM), while it runs. */
  private static int awaitAnswer(ChildProcess c, int port) throws IOException {
    long until =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(ChildProcess.defaultTimeout().toSeconds());
    while (System.nanoTime() - until < 0 && c.isAlive()) {
      int status = status(port);
      if (status != REFUSED) {
        return status;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    c.kill();
    throw new AssertionError("nothing listened on port " + port + ": " + c.stderrSoFar());
  }

  /** One GET / on a new connection: the status code, or {@link #REFUSED}. */
  private static int status(int port) throws IOException {
    int guard = (int) ChildProcess.defaultTimeout().toMillis();
    try (Socket s = new Socket()) {
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), guard);
      } catch (ConnectException e) {
        return REFUSED;
      }
      s.setSoTimeout(guard);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      if (!answer.startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer: '" + answer + "'");
      }
      return Integer.parseInt(answer.substring(9, 12));
    }
  }
}
