package dev.terminus.bench;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Smoke test only: the JMH annotation processor ran. No benchmark runs during mvn verify. */
class BenchmarkListTest {
  @Test
  void benchmarkListIsGenerated() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertNotNull(in, "META-INF/BenchmarkList missing: the JMH annotation processor did not run");
      String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(list.contains("CheckpointBench") && list.contains("CriticalBench"), list);
    }
  }
}
