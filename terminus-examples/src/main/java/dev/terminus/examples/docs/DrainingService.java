package dev.terminus.examples.docs;

import com.sun.net.httpserver.HttpServer;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drain-before-unwinding sample of docs/shutdown.md, compiled here. It serves on port 8080, or
 * on the port the system property {@code port} names; {@code DocProgramsIT} runs it on a free port.
 * terminus-core-it's {@code ServiceIT} runs a fuller program (readiness probe, a request in flight).
 */
public final class DrainingService {
  private static final AtomicBoolean ready = new AtomicBoolean(true);

  private DrainingService() {}

  public static void main(String[] args) {
    Terminus.builder().drainBeforeUnwinding(Duration.ofSeconds(5)).build().run(args, a -> {
      HttpServer server = HttpServer.create(new InetSocketAddress(Integer.getInteger("port", 8080)), 0);
      Terminus.shutdown()
          .add(Phase.ANNOUNCE, "readiness", () -> ready.set(false))
          .add(Phase.DRAIN, "http", () -> server.stop(10));
      server.start();
      new CountDownLatch(1).await();   // serves until the drain is done
    });
  }
}
