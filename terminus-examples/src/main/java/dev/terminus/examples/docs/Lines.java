package dev.terminus.examples.docs;

import java.util.List;

/** What the README's {@link Tool} writes. */
final class Lines {
  private Lines() {}

  static List<String> lines() {
    return List.of("first\n", "second\n");
  }
}
