package dev.terminus.bench.proc;

/** Loaded first thing in the body in the {@code startpath} scenario: the end of the start path. */
final class BodyMark {
  private BodyMark() {}

  static void touch() {}
}
